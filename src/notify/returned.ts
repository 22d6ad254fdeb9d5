/**
 * What a delivery report returns of the sender's mail (RFC 3461 §4.3, RET):
 * the full message when the client asked RET=FULL and its copy is still kept
 * (store/originals.ts), else its headers, rebuilt from what the SMS keeps
 * (dsn.ts originalHeaders). A report for a client that asked FULL says which
 * it got, and why only the headers (wording: returned).
 *
 * A mail with 8-bit bytes (UTF-8 or any other charset) goes back as it came,
 * as an 8bit message/rfc822 part, and the report is then 8-bit: the relay
 * must offer 8BITMIME (outbox.ts asks it). To a relay that does not, the
 * report goes 7-bit with the headers only (`sevenBit`): a message/rfc822
 * part may not be base64 or quoted-printable (RFC 2046 §5.2.1), and RFC 3461
 * §4.3 / RFC 3462 allow the headers in its place.
 */
import type { MailComposerAttachment } from 'nodemailer/lib/mail-composer/index.js';
import { readOriginal } from '../store/originals.js';
import type { SmsMessage } from '../store/types.js';
import { originalHeaders } from './dsn.js';

/**
 * full: the message as received; gone: FULL asked, no copy kept (any more); notKept: its copy could not be written;
 * off: this service keeps none (notify.returnFullDays 0); tooLarge: it was larger than notify.returnFullMaxBytes and not
 * kept; unfit: the copy is no mail 8bit can carry (a NUL, a bare CR or LF, a line over 998 octets); sevenBit: it has
 * 8-bit bytes and the relay takes 7-bit only.
 */
export type ReturnedKind = 'full' | 'gone' | 'notKept' | 'off' | 'tooLarge' | 'unfit' | 'sevenBit' | 'headers';

/** `size` of a mail too large: its bytes and the limit it was over, as recorded when it came (the limit may have changed since). */
export type Returned =
  | { kind: Exclude<ReturnedKind, 'tooLarge'>; part: MailComposerAttachment }
  | { kind: 'tooLarge'; part: MailComposerAttachment; size: { bytes: number; limit: number } };

/** Reads the kept copy only for a report whose client asked RET=FULL; `sevenBit`: the report must be 7-bit. */
export async function returnedPart(sms: SmsMessage, rcptTo: readonly string[], originalsDir: string | undefined, sevenBit = false): Promise<Returned> {
  const headers = (kind: Exclude<ReturnedKind, 'tooLarge'>): Returned => ({ kind, part: headersPart(sms, rcptTo) });
  if (sms.dsn?.ret !== 'FULL') return headers('headers');
  if (sms.dsn.fullTooLarge) return { kind: 'tooLarge', part: headersPart(sms, rcptTo), size: sms.dsn.fullTooLarge };
  const raw = originalsDir ? await readOriginal(originalsDir, sms.mailId) : undefined;
  if (!raw) return headers(sms.dsn.fullNotKept === 'off' ? 'off' : sms.dsn.fullNotKept ? 'notKept' : 'gone');
  const text = withCrLf(raw.toString('latin1'));
  const encoding = transferEncodingOf(text);
  if (!encoding) return headers('unfit');
  if (encoding === '8bit' && sevenBit) return headers('sevenBit');
  // The message as received, byte for byte but its line ends (mime.ts writes a Buffer's bytes as they are).
  return { kind: 'full', part: { contentType: 'message/rfc822', content: Buffer.from(text, 'latin1'), contentDisposition: 'inline', contentTransferEncoding: encoding, filename: false } };
}

/** Whether a report returns the mail as 8-bit bytes, which only a relay offering 8BITMIME may be sent. */
export function isEightBit(returned: Returned | undefined): boolean {
  return returned?.part.contentTransferEncoding === '8bit';
}

/** Line ends as mail has them (CR LF), as the composer's text parts get them too: a bare LF or CR is one. */
function withCrLf(latin1: string): string {
  return /\r(?!\n)|(?<!\r)\n/.test(latin1) ? latin1.replace(/\r\n|\r|\n/g, '\r\n') : latin1;
}

/**
 * 7bit for a mail of ASCII alone in lines of at most 998 octets, 8bit for one with 8-bit bytes besides (RFC 2045
 * §2.7, §2.8), whatever their charset; undefined for anything else (a NUL, a longer line: binary, §2.9), which no
 * message/rfc822 part can carry unchanged (it may not be base64: RFC 2046 §5.2.1). `latin1`: one character a byte.
 */
function transferEncodingOf(latin1: string): '7bit' | '8bit' | undefined {
  if (/\x00|[^\r\n]{999}/.test(latin1)) return undefined;
  return /[^\x00-\x7f]/.test(latin1) ? '8bit' : '7bit';
}

function headersPart(sms: SmsMessage, rcptTo: readonly string[]): MailComposerAttachment {
  return { contentType: 'text/rfc822-headers', content: originalHeaders(sms, rcptTo), contentDisposition: 'inline', contentTransferEncoding: '7bit', filename: false };
}
