/**
 * Raw message to plain typed data, with mailparser doing the MIME work.
 *
 * mailparser fills `text` from HTML whenever the HTML is the whole message
 * (and adds converted HTML to `text` in multipart/mixed), so the generated
 * text is switched off here: `text` is only ever what a text/plain part said,
 * and the HTML is converted by `extract.ts` with options that suit an SMS.
 */
import { MailParser, simpleParser, type ParsedMail as MimeMail, type AddressObject, type EmailAddress, type HeaderLines, type Headers, type SimpleParserOptions } from 'mailparser';
import { Libmime } from 'libmime';
import { decodeUtf8OrLegacy, headerText, LOST, readsAsUtf8 } from './charset.js';
import { scanMultiparts } from './depth.js';
import { mimeFlaw } from './mime-check.js';
import { MailParseError } from './parse-error.js';
import { relabelLegacyText } from './legacy-text.js';
import { parsePlainMail } from './plain-mail.js';
import { textInHeaderBlock } from './no-body.js';
import { isBlank } from './whitespace.js';

export interface ParsedMail {
  /** Angle brackets included. */
  messageId?: string;
  references: string[];
  inReplyTo?: string;
  /** Decoded. */
  subject?: string;
  /** The From header as text, display name decoded. */
  from?: string;
  fromAddress?: string;
  /** Every mailbox of the From header (RFC 5322 allows several), groups opened: each must belong to the sending account. */
  fromAddresses: string[];
  /** Unset when the Date header is missing or unreadable. */
  date?: Date;
  /** The Received: header values, topmost first, for when a mail without a Date was written (received.ts). Unset when there are none. */
  received?: string[];
  /** Content of the text/plain part(s); unset when there is none or it is blank. */
  text?: string;
  /** Content of the text/html part(s); unset when there is none or it is blank. */
  html?: string;
  /** Lower-cased name → unfolded, decoded value of the first occurrence of each header. */
  headers: Map<string, string>;
  attachments: number;
  /**
   * Outlook's winmail.dat (application/ms-tnef) is among the attachments, or
   * is the whole message. Its text is not read: where Outlook sends TNEF
   * alone, the body is compressed native RTF (PR_RTF_COMPRESSED), and reading
   * it takes a TNEF parser, an LZFu decompressor and an RTF-to-text converter;
   * npm's one TNEF parser (node-tnef) reads only plain and HTML bodies and
   * brings a logger and a CLI. A clear refusal (RichTextOnly) tells the clerk
   * how to send HTML instead, which every Outlook can.
   */
  tnef?: true;
  /** No blank line ends the header block and a line of it is text (no-body.ts): the text was read as headers and lost. */
  textInHeader?: true;
  /** A text part's declared charset that is unknown (charset.ts unknownCharset), when its bytes had to be read by the fallback: the 250 says so. */
  unknownCharset?: string;
  /** A mail attached as message/rfc822 (Outlook's "Forward as Attachment"), read only when the mail has no text or HTML of its own. */
  attached?: { text?: string; html?: string; subject?: string };
}

export interface ParseOptions {
  /** Deepest multipart nesting accepted; real mail stays below 10. */
  maxDepth?: number;
  /** Take the fast path for single text/plain mails (plain-mail.ts); default true. Off: mailparser for every mail. */
  fastPath?: boolean;
  /** Read an attached mail too (parse.ts sets it false for that mail: one level only). */
  readAttached?: boolean;
}

export const DEFAULT_MAX_DEPTH = 32;

export { MailParseError, type MailParseErrorCode } from './parse-error.js';

const PARSER_OPTIONS: SimpleParserOptions = {
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true, // no data: URLs built from inline images
  keepDeliveryStatus: true, // a bounce report is not text anybody wrote
  checksumAlgo: false,
};

/**
 * Rejects with MailParseError for a message past a limit or one whose text
 * cannot be read as meant (mime-check.ts); other errors are mailparser's own.
 */
export async function parseMail(raw: Buffer, opts: ParseOptions = {}): Promise<ParsedMail> {
  // A single text/plain part has no nesting to limit.
  const mail = (opts.fastPath ?? true ? await parsePlainMail(raw) : undefined) ?? (await parseMime(raw, opts.maxDepth ?? DEFAULT_MAX_DEPTH));
  const headers = headerMap(mail.headerLines);
  const from = fromOf(mail);
  const text = content(mail.text);
  const html = content(mail.html);
  const types = mail.attachments.map((a) => (a as { contentType?: string }).contentType?.toLowerCase());
  const attached = text || html || opts.readAttached === false ? undefined : await attachedMail(mail.attachments, opts);
  const received = mail.headerLines.filter((l) => l.key === 'received').map((l) => l.line.slice(l.line.indexOf(':') + 1));
  return {
    messageId: mail.messageId,
    references: mail.references === undefined ? [] : [mail.references].flat(),
    inReplyTo: mail.inReplyTo,
    subject: subjectOf(mail.subject, headers),
    from: from?.text || undefined,
    fromAddress: from ? firstAddress(from.value) : undefined,
    fromAddresses: from ? allAddresses(from.value) : [],
    date: readDate(headers.get('date')),
    text,
    html,
    headers,
    attachments: mail.attachments.length,
    ...(types.some((t) => t === 'application/ms-tnef' || t === 'application/vnd.ms-tnef') ? { tnef: true as const } : {}),
    ...(!text && !html && textInHeaderBlock(raw) ? { textInHeader: true as const } : {}),
    ...(attached ? { attached } : {}),
    ...(received.length ? { received } : {}),
    ...(mail.unknownCharset ? { unknownCharset: mail.unknownCharset } : {}),
  };
}

/** The text of the first mail attached as message/rfc822; undefined when there is none or it cannot be read. */
async function attachedMail(attachments: readonly unknown[], opts: ParseOptions): Promise<ParsedMail['attached']> {
  const part = attachments.find((a) => (a as { contentType?: string }).contentType?.toLowerCase() === 'message/rfc822') as { content?: Buffer } | undefined;
  if (!part?.content) return undefined;
  const inner = await parseMail(part.content, { ...opts, readAttached: false }).catch(() => undefined);
  return inner && { text: inner.text, html: inner.html, subject: inner.subject };
}

async function parseMime(raw: Buffer, maxDepth: number): Promise<MimeMail & { unknownCharset?: string }> {
  const multiparts = scanMultiparts(raw, maxDepth);
  if (multiparts.depth > maxDepth) {
    throw new MailParseError('too-deep', `MIME parts nested deeper than ${maxDepth} levels`);
  }
  // Split once more only where a flaw can be: most mails have no base64, and every multipart a boundary.
  const flaw = multiparts.withoutBoundary || BASE64.test(raw.toString('latin1')) ? await mimeFlaw(raw).catch(asLimitError) : undefined;
  if (flaw) throw flaw;
  const mail = await simpleParser(raw, PARSER_OPTIONS).catch(asLimitError);
  if (!mail.text?.includes(LOST) && !(mail.html && mail.html.includes(LOST))) return mail;
  // Text read as UTF-8 that was not (charset.ts): only the texts of the relabelled mail are taken.
  // Should the second reading fail, the first stands: this must never refuse a mail mailparser read.
  const again = await relabelLegacyText(raw)
    .then(async (relabelled) => relabelled && { parsed: await simpleParser(relabelled.mail, PARSER_OPTIONS), unknownCharset: relabelled.unknownCharset })
    .catch(() => undefined);
  return again ? { ...mail, text: again.parsed.text, html: again.parsed.html, unknownCharset: again.unknownCharset } : mail;
}

const BASE64 = /base64/i;

// mailsplit marks its limit errors with EMAXLEN and tells them apart only by message.
function asLimitError(err: unknown): never {
  if (err instanceof Error && (err as { code?: unknown }).code === 'EMAXLEN') {
    const code = /child nodes/i.test(err.message) ? 'too-many-parts' : 'header-too-large';
    throw new MailParseError(code, err.message);
  }
  throw err;
}

function content(value: string | false | undefined): string | undefined {
  return value && !isBlank(value) ? value : undefined;
}

// mailparser dates an unreadable Date header "now"; we would rather know.
function readDate(value: string | undefined): Date | undefined {
  const date = value === undefined ? undefined : new Date(value);
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

function allAddresses(list: readonly EmailAddress[]): string[] {
  return list.flatMap((entry) => (entry.group ? allAddresses(entry.group) : entry.address ? [entry.address] : []));
}

function firstAddress(list: readonly EmailAddress[]): string | undefined {
  for (const entry of list) {
    const address = entry.address || (entry.group && firstAddress(entry.group));
    if (address) return address;
  }
  return undefined;
}

/**
 * mailparser reads a raw 8-bit Subject as UTF-8, and an encoded word as it is
 * labelled; when that lost characters, the header map's reading (with the
 * fallback of charset.ts) is taken instead.
 */
function subjectOf(parsed: string | undefined, headers: Map<string, string>): string | undefined {
  if (parsed === undefined) return undefined;
  const subject = decodeWords(parsed);
  return subject.includes(LOST) ? (headers.get('subject') ?? subject) : subject;
}

/** Encoded words labelled UTF-8 or US-ASCII whose bytes are not get the fallback of charset.ts, like raw 8-bit text. */
class LenientLibmime extends Libmime {
  override decodeWord(charset: string, encoding: string, str: string): string {
    const strict = super.decodeWord(charset, encoding, str);
    if (!strict.includes(LOST) || !readsAsUtf8(charset)) return strict;
    // 'binary' gives the word's bytes one character each.
    return decodeUtf8OrLegacy(Buffer.from(super.decodeWord('binary', encoding, str), 'latin1'));
  }
}

const words = new LenientLibmime();
const ENCODED = /=\?|__\x00JOIN/;

// mailparser's own address decoding (addressparser, names through libmime), with the lenient words.
const addressReader = Object.assign(new MailParser(), { libmime: words }) as unknown as { processHeaders(lines: HeaderLines): Headers };

type From = Pick<AddressObject, 'value' | 'text'>;

/**
 * mailparser reads a raw 8-bit display name (From: J\xfcrgen <j@…>) as UTF-8
 * and an encoded word as it is labelled; when that lost characters, the From
 * line is read again by mailparser's address decoding, its bytes with the
 * fallback of charset.ts and its encoded words with LenientLibmime, as the
 * subject and the other headers are. (Reply-To of a mail is not read.)
 */
function fromOf(mail: { from?: From; headerLines: HeaderLines }): From | undefined {
  const line = mail.from?.text.includes(LOST) ? mail.headerLines.find((l) => l.key === 'from') : undefined;
  if (!line) return mail.from;
  // processHeaders reads the line's characters as bytes of UTF-8: the repaired text goes in as those.
  const again = addressReader.processHeaders([{ key: 'from', line: Buffer.from(headerText(line.line), 'utf8').toString('latin1') }]).get('from') as From | undefined;
  return again ?? mail.from;
}

/** libmime's decodeWords, which changes nothing in a value without an encoded word (or its own join marker). */
function decodeWords(text: string): string {
  return ENCODED.test(text) ? words.decodeWords(text) : text;
}

// Built from the raw lines: mailparser's own map merges X-Priority into
// "priority", List-* into "list", and holds objects for dates and addresses.
function headerMap(lines: HeaderLines): Map<string, string> {
  const map = new Map<string, string>();
  for (const { key, line } of lines) {
    if (key === '' || map.has(key)) continue;
    const raw = line.slice(line.indexOf(':') + 1).replace(/\r?\n(?=[ \t])/g, '');
    // Header lines come as binary strings; 8-bit headers are UTF-8 (RFC 6532), or legacy text (charset.ts).
    map.set(key, decodeWords(headerText(raw)).trim());
  }
  return map;
}
