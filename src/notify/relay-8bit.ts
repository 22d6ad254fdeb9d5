/**
 * A confirmation with 8-bit bytes (a delivery report returning the sender's
 * mail as it came: returned.ts) may go to a relay only as BODY=8BITMIME
 * (RFC 6152), and only to one that offers it. nodemailer's pool announces
 * BODY=8BITMIME only when the envelope asks (use8BitMime) and sends the
 * bytes whatever the relay offers, and what a relay offers is known only
 * after its EHLO. So such a mail goes on a connection of its own: connect,
 * read the EHLO reply, then send it as it is with BODY=8BITMIME, or its 7-bit
 * form (composed again: the mail's headers instead of the mail) without.
 * They are rare (RET=FULL of a mail with 8-bit bytes): the extra connection
 * costs little, and the pool's connections stay as they are.
 */
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type { OutgoingConfirmation, SmtpRelayOptions } from './outbox.js';

export interface EightBitMail extends OutgoingConfirmation {
  /** The same confirmation composed 7-bit, for a relay without 8BITMIME. */
  sevenBit: () => Promise<Buffer>;
}

/** Resolves with the relay's reply to the data, once it took the mail. */
export async function sendEightBit(opts: SmtpRelayOptions, msg: EightBitMail): Promise<string> {
  const c = new SMTPConnection({
    host: opts.host, port: opts.port, secure: opts.secure ?? false, ignoreTLS: opts.ignoreTLS ?? false, name: opts.name, ...(opts.ca ? { tls: { ca: opts.ca } } : {}),
  });
  const failed = new Promise<never>((_, reject) => c.once('error', reject));
  failed.catch(() => undefined);
  try {
    // A relay that closes before its greeting is reported to this callback, not as an 'error' (review 8, B-L6).
    await Promise.race([new Promise<void>((resolve, reject) => c.connect((e?: Error) => (e ? reject(e) : resolve()))), failed]);
    // After connect() the last reply is the EHLO's (the second one's after STARTTLS); nodemailer reads it the same way.
    const eightBit = /[ -]8BITMIME\b/im.test(String(c.lastServerResponse || ''));
    if (opts.auth) await Promise.race([new Promise<void>((resolve, reject) => c.login(opts.auth, (e) => (e ? reject(e) : resolve()))), failed]);
    const raw = eightBit ? msg.raw : await msg.sevenBit();
    const envelope = { from: msg.from, to: [msg.to], use8BitMime: eightBit };
    const info = await Promise.race([new Promise<{ response?: string }>((resolve, reject) => c.send(envelope, raw, (e, i) => (e ? reject(e) : resolve(i)))), failed]);
    c.quit();
    return String(info.response ?? '');
  } finally {
    c.close();
  }
}
