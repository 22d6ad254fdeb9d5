/**
 * What a delivery report returns of the sender's mail (RFC 3461 §4.3, RET):
 * the full message when the client asked RET=FULL and its copy is still kept
 * (store/originals.ts), else its headers, rebuilt from what the SMS keeps
 * (dsn.ts originalHeaders). A report for a client that asked FULL says which
 * it got, and why only the headers (wording: returned).
 */
import type { MailComposerAttachment } from 'nodemailer/lib/mail-composer/index.js';
import { readOriginal } from '../store/originals.js';
import type { SmsMessage } from '../store/types.js';
import { originalHeaders } from './dsn.js';

/** full: the message as received; gone: FULL asked, no copy kept (any more); unfit: the copy is 8-bit but not UTF-8. */
export type ReturnedKind = 'full' | 'gone' | 'unfit' | 'headers';

export interface Returned {
  kind: ReturnedKind;
  part: MailComposerAttachment;
}

/** Reads the kept copy only for a report whose client asked RET=FULL. */
export async function returnedPart(sms: SmsMessage, rcptTo: readonly string[], originalsDir: string | undefined): Promise<Returned> {
  const headers = (kind: ReturnedKind): Returned => ({ kind, part: headersPart(sms, rcptTo) });
  if (sms.dsn?.ret !== 'FULL') return headers('headers');
  const raw = originalsDir ? await readOriginal(originalsDir, sms.mailId) : undefined;
  if (!raw) return headers('gone');
  const encoding = transferEncodingOf(raw);
  if (!encoding) return headers('unfit');
  // The message as received, byte for byte: as 7bit, or 8bit when it is UTF-8 (a mail written as 8BITMIME, as Thunderbird does).
  return { kind: 'full', part: { contentType: 'message/rfc822', content: raw.toString('utf8'), contentDisposition: 'inline', contentTransferEncoding: encoding, filename: false } };
}

/**
 * 7bit for a mail of ASCII alone, 8bit for UTF-8 (mime.ts writes the text as
 * UTF-8, so its bytes come out as they came in), undefined for other 8-bit
 * bytes: a message/rfc822 part cannot be base64 (RFC 2046 §5.2.1), and
 * written as text they would change.
 */
function transferEncodingOf(raw: Buffer): '7bit' | '8bit' | undefined {
  if (!/[^\x00-\x7f]/.test(raw.toString('latin1'))) return '7bit';
  return Buffer.from(raw.toString('utf8'), 'utf8').equals(raw) ? '8bit' : undefined;
}

function headersPart(sms: SmsMessage, rcptTo: readonly string[]): MailComposerAttachment {
  return { contentType: 'text/rfc822-headers', content: originalHeaders(sms, rcptTo), contentDisposition: 'inline', contentTransferEncoding: '7bit', filename: false };
}
