/**
 * Writes out a MIME tree that nodemailer's MailComposer compiled, without
 * MimeNode.build(). build() streams every part through a chain of transform
 * streams, which for the few kilobytes of a confirmation held in memory was
 * three quarters of composing it (~0.45 of ~0.6 ms of CPU). Here the same
 * tree is written directly: each node's header block from nodemailer's own
 * buildHeaders() (address and word encoding, folding, boundaries, the
 * transfer encoding it chose) and its body through nodemailer's
 * quoted-printable and base64 encoders. The bytes equal build()'s except
 * where quoted-printable soft line breaks fall (test/notify/mime.test.ts).
 * The replies and previews are written so (reply-mail.ts, preview.ts);
 * confirmations, which every SMS gets, skip the tree too (writeMail below).
 */
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import { foldLines, hasLongerLines, isPlainText } from 'nodemailer/lib/mime-funcs/index.js';
import { encode as base64, wrap as wrapBase64 } from 'nodemailer/lib/base64/index.js';
import { encode as qp, wrap as wrapQp } from 'nodemailer/lib/qp/index.js';

const LINE = 76;

/**
 * The whole mail; every leaf holds a string, or a Buffer that is written as
 * it is (a mail returned with its 8-bit bytes, whatever their charset: returned.ts).
 */
export function writeMime(root: MimeNode): Buffer {
  const out: Array<string | Buffer> = [];
  node(root, out);
  return joined(out);
}

/** Appends `n` to `out`: text, except a Buffer leaf's bytes, each a chunk of its own (one string for a mail without one). */
function node(n: MimeNode, out: Array<string | Buffer>): void {
  // buildHeaders() also decides `multipart` and the boundary, so it comes first.
  const head = n.buildHeaders();
  if (n.multipart) {
    text(out, `${head}\r\n\r\n`);
    children(out, n.boundary as string, n.childNodes, (c) => node(c, out)); // buildHeaders() set it for a multipart
    return;
  }
  if (Buffer.isBuffer(n.content)) {
    const encoding = n.getTransferEncoding();
    if (encoding !== '7bit' && encoding !== '8bit') throw new Error(`writeMime: a Buffer is written as it is, 7bit or 8bit, not ${String(encoding)}`);
    text(out, `${head}\r\n\r\n`);
    out.push(n.content);
    return;
  }
  if (typeof n.content !== 'string') throw new Error('writeMime: only string or Buffer content is supported');
  text(out, `${head}\r\n\r\n${body(n.content, n.getTransferEncoding())}`);
}

/** A multipart's body: each child after its delimiter, then the closing delimiter (RFC 2046 §5.1.1). */
function children<T>(out: Array<string | Buffer>, boundary: string, parts: readonly T[], write: (c: T) => void): void {
  for (const c of parts) {
    text(out, `--${boundary}\r\n`);
    write(c);
    text(out, '\r\n');
  }
  text(out, `--${boundary}--\r\n`);
}

/** The chunks as one Buffer: text as UTF-8, a Buffer leaf's bytes as they are. */
function joined(out: Array<string | Buffer>): Buffer {
  return out.length === 1 ? Buffer.from(out[0] as string, 'utf8') : Buffer.concat(out.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)));
}

function text(out: Array<string | Buffer>, s: string): void {
  const last = out.length - 1;
  if (last >= 0 && typeof out[last] === 'string') out[last] += s;
  else out.push(s);
}

/** As build() does it: base64 of the content as given; other encodings with CRLF line ends (its newline: 'win'). */
function body(content: string, encoding: string | false): string {
  if (encoding === 'base64') return wrapBase64(base64(Buffer.from(content, 'utf8')), LINE);
  const text = content.replace(/\r?\n|\r/g, '\r\n');
  return encoding === 'quoted-printable' ? wrapQp(qp(text), LINE) : text;
}

/** A part of a mail written by writeMail: a multipart of parts, or a leaf. */
export type MailPart = Multipart | Leaf;
export interface Multipart {
  /** Without the boundary, which writeMail adds: 'multipart/alternative', 'multipart/report; report-type=delivery-status'. */
  multipart: string;
  parts: MailPart[];
}
export interface Leaf {
  /** 'text/plain; charset=utf-8', 'message/delivery-status' … written as given. */
  contentType: string;
  /** A Buffer is written as it is (7bit or 8bit, a returned mail); a string as UTF-8, encoded as below. */
  content: string | Buffer;
  /** For a part that is not text/*: written as given. A text/* part gets nodemailer's choice (textTransferEncoding), as MailComposer gives it. */
  transferEncoding?: '7bit' | '8bit';
  /** Content-Disposition: inline (the parts of a delivery report). */
  inline?: true;
}

/**
 * A whole mail of our own fixed shapes (confirmations: compose.ts assemble), written without building a MimeNode
 * tree: MailComposer spent ~0.25 ms of CPU per confirmation on building and walking its tree (header keys
 * normalised by regular expressions at every get and set, 8 random bytes per node, header values parsed back).
 * Each header field is still encoded by nodemailer's own MimeNode.encodeHeaderValue and folded at 76 as it folds
 * them, the boundaries and part numbers are those MailComposer gives the same tree (`--_NmP-<base>-Part_<n>`, n
 * counted in document order from 1), and bodies go through the same encoders as writeMime's: the bytes equal
 * writeMime(MailComposer(…).compile()) (test/notify/mime-mail.test.ts). `fields` are the top-level header fields
 * in order; MIME-Version and Content-Type follow them.
 */
export function writeMail(fields: ReadonlyArray<readonly [string, HeaderValue]>, body: MailPart, baseBoundary: string): Buffer {
  const out: Array<string | Buffer> = [];
  const head = fields.flatMap(([key, value]) => field(key, value)).concat('MIME-Version: 1.0');
  part(body, head, out, { baseBoundary, next: 1 });
  return joined(out);
}

/** A header field's value as nodemailer takes it: text, an address list, ids, a Date. */
export type HeaderValue = Parameters<MimeNode['encodeHeaderValue']>[1];

/**
 * nodemailer's encoder of header values, per field (addresses punycoded and with encoded-word names, message
 * ids bracketed, other text as RFC 2047 encoded words when it needs them). It keeps no state between calls, so
 * one node serves every mail; a node per call would draw random bytes for a boundary it never uses.
 */
const encoder = new MimeNode(false);

/** One folded header field, as MimeNode.buildHeaders() writes it; none for an empty value, which it skips. */
function field(key: string, value: HeaderValue): string[] {
  if (typeof value !== 'string') return encodedField(key, value);
  const last = lastField.get(key);
  if (last?.value === value) return last.lines;
  const lines = encodedField(key, value);
  lastField.set(key, { value, lines });
  return lines;
}

/**
 * The last text value of each field name and its folded line(s). Encoding a field was a third of composing a
 * confirmation (address parsing and punycode above all), and most values repeat from one mail to the next: the
 * From and the two Auto-* fields always, the To while one client's run of mails is confirmed. The encoder keeps
 * no state between calls, so the line is the one it would write again; one entry per field name of ours.
 */
const lastField = new Map<string, { value: string; lines: string[] }>();

function encodedField(key: string, value: HeaderValue): string[] {
  const encoded = encoder.encodeHeaderValue(key, value);
  return encoded.trim() ? [foldLines(`${key}: ${encoded}`, LINE)] : [];
}

function part(p: MailPart, head: string[], out: Array<string | Buffer>, ids: { baseBoundary: string; next: number }): void {
  const id = ids.next++;
  if ('multipart' in p) {
    const boundary = `--_NmP-${ids.baseBoundary}-Part_${id}`;
    head.push(foldLines(`Content-Type: ${p.multipart}; boundary="${boundary}"`, LINE));
    text(out, `${head.join('\r\n')}\r\n\r\n`);
    children(out, boundary, p.parts, (c) => part(c, [], out, ids));
    return;
  }
  // MimeNode names no transfer encoding for an empty body (compose.ts readable's empty part).
  const encoding = p.content === '' ? undefined : /^text\//i.test(p.contentType) && typeof p.content === 'string' ? textTransferEncoding(p.content) : p.transferEncoding;
  head.push(`Content-Type: ${p.contentType}`);
  if (encoding) head.push(`Content-Transfer-Encoding: ${encoding}`);
  if (p.inline) head.push('Content-Disposition: inline');
  text(out, `${head.join('\r\n')}\r\n\r\n`);
  if (Buffer.isBuffer(p.content)) {
    if (encoding !== '7bit' && encoding !== '8bit') throw new Error(`writeMail: a Buffer is written as it is, 7bit or 8bit, not ${String(encoding)}`);
    out.push(p.content);
  } else {
    text(out, body(p.content, encoding ?? false));
  }
}

/**
 * The transfer encoding MimeNode picks for a text/* string, whatever was asked: 7bit for ASCII in lines of at
 * most 76, else quoted-printable when Latin letters outnumber 8-bit and control characters, base64 when not.
 */
export function textTransferEncoding(content: string): '7bit' | 'quoted-printable' | 'base64' {
  if (isPlainText(content) && !hasLongerLines(content, LINE)) return '7bit';
  let latin = 0;
  let other = 0;
  for (let i = 0; i < content.length; i++) {
    const c = content.charCodeAt(i);
    if (c >= 0x80 || (c <= 0x1f && c !== 0x09 && c !== 0x0a && c !== 0x0d)) other++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++;
  }
  return other < latin ? 'quoted-printable' : 'base64';
}
