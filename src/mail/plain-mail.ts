/**
 * A fast path for the mail bulk senders send most: a single text/plain part
 * (no multipart, no attachment, not format=flowed). For such a mail the
 * result is what mailparser's simpleParser gives, built from the same parts
 * mailparser uses — mailsplit's MimeNode for the header block and the MIME
 * structure, mailparser's own header decoding, the transfer decoder
 * mailsplit picks and libmime's charset decoding — without the chain of
 * streams, the per-line callbacks and the setImmediate between chunks that
 * made up most of the ~0.1 ms of CPU a parse cost on the event loop that
 * answers SMTP.
 *
 * Everything else (multipart, HTML, attachments, flowed text, a header block
 * without an end or past 64 KB) is left to mailparser: `undefined` means
 * "not for this path". A body marked base64 that is not (base64.ts) is
 * refused here as parse.ts refuses it on mailparser's path. test/mail/plain-mail.test.ts parses every fixture and
 * a table of edge cases both ways and fails when they differ, so a new
 * mailparser or mailsplit that changes its behaviour is noticed.
 */
import mailsplit from '@zone-eu/mailsplit';
import libmime from 'libmime';
import { MailParser, type HeaderLines, type Headers } from 'mailparser';
import type { Duplex } from 'node:stream';
import { isBase64 } from './base64.js';
import { decodeUtf8OrLegacy, readsAsUtf8, unknownCharset } from './charset.js';
import { isUtf8 } from 'node:buffer';
import { badBase64 } from './mime-check.js';

/** The fields of simpleParser's result that parse.ts reads. */
export interface PlainMail {
  headerLines: HeaderLines;
  messageId?: string;
  references?: string | string[];
  inReplyTo?: string;
  subject?: string;
  from?: { value: Array<{ address?: string; name: string; group?: Array<{ address?: string; name: string }> }>; text: string };
  text?: string;
  html?: undefined;
  attachments: unknown[];
  /** The part's declared charset when it is unknown and its bytes were not UTF-8 (parse.ts gives mailparser's result the same). */
  unknownCharset?: string;
}

/** Past this the header block goes to mailparser, which enforces its own limits on it. */
const MAX_HEADER_BYTES = 64 * 1024;

// mailparser's header decoding (libmime words, addresses, Message-ID brackets,
// the first of single-valued headers) from one instance that never parses a stream.
const headerReader = new MailParser() as unknown as { processHeaders(lines: HeaderLines): Headers };

// The headers of simpleParser's result that parse.ts reads (the rest it takes from the raw lines).
const READ = new Set(['message-id', 'references', 'in-reply-to', 'subject', 'from']);

export async function parsePlainMail(raw: Buffer): Promise<PlainMail | undefined> {
  const root = new mailsplit.MimeNode(false, {});
  const bodyAt = readHeaderBlock(root, raw);
  if (bodyAt === undefined) return undefined;
  root.parseHeaders();
  // What mailparser would treat as anything but one inline text/plain part.
  if (root.multipart || root.contentType !== 'text/plain' || root.flowed) return undefined;
  if (root.disposition && root.disposition !== 'inline') return undefined;
  const headerLines = (root.headers as InstanceType<typeof mailsplit.Headers>).getList() as HeaderLines;
  // Each header is decoded on its own (repeats folded per key), so decoding only the ones read below gives the same values.
  const headers = headerReader.processHeaders(headerLines.filter((l) => READ.has(l.key)));
  const bytes = await transferDecoded(root, raw.subarray(bodyAt));
  const text = await decodeText(bytes, root.charset || undefined);
  const unknown = isUtf8(bytes) ? undefined : unknownCharset(root.charset || undefined);
  const get = <T>(key: string) => headers.get(key) as T | undefined;
  return {
    headerLines,
    messageId: get('message-id'),
    references: get('references'),
    inReplyTo: get('in-reply-to'),
    subject: get('subject'),
    from: get('from'),
    // mailparser leaves `text` unset when the part is empty.
    text: text || undefined,
    attachments: [],
    ...(unknown ? { unknownCharset: unknown } : {}),
  };
}

/** Feeds the header lines to the node as mailsplit's splitter does; the offset of the body, or undefined. */
function readHeaderBlock(root: InstanceType<typeof mailsplit.MimeNode>, raw: Buffer): number | undefined {
  let at = 0;
  while (at < raw.length && at <= MAX_HEADER_BYTES) {
    const lf = raw.indexOf(0x0a, at);
    if (lf < 0) return undefined; // no body: mailparser decides what that is
    const line = raw.subarray(at, lf + 1);
    at = lf + 1;
    if (root.addHeaderChunk(line)) return at;
  }
  return undefined;
}

/** The body through the transfer decoder mailsplit picks for the part (none for 7bit, 8bit, binary). */
function transferDecoded(root: InstanceType<typeof mailsplit.MimeNode>, body: Buffer): Promise<Buffer> | Buffer {
  if (root.encoding !== 'base64' && root.encoding !== 'quoted-printable') return body;
  if (root.encoding === 'base64' && !isBase64(body)) throw badBase64();
  return through(root.getDecoder(), body);
}

/**
 * As mailparser: through libmime's decoder for a declared charset; what it
 * reads as UTF-8 (none, ASCII, UTF-8) with the windows-1252 fallback of
 * charset.ts, which parse.ts gives mailparser's result too.
 */
async function decodeText(bytes: Buffer, charset: string | undefined): Promise<string> {
  const text = readsAsUtf8(charset) ? decodeUtf8OrLegacy(bytes) : (await through(libmime.createDecodeStream(charset), bytes)).toString();
  return text.replace(/\r?\n/g, '\n');
}

async function through(stream: Duplex, input: Buffer): Promise<Buffer> {
  stream.end(input);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
