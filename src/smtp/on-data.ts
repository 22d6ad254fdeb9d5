import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { addressBelongs } from '../accounts/addresses.js';
import type { Account } from '../accounts/types.js';
import type { Config } from '../config/types.js';
import { automaticMail } from '../mail/auto-reply.js';
import { parseMail } from '../mail/parse.js';
import { toSms, type EnvelopeRecipient } from '../mail/to-sms.js';
import type { MessageStore, SmsMessage, SmsStatus } from '../store/types.js';
import { errors, SmtpError } from './errors.js';
import { resolveRecipient } from './recipient.js';
import { sessionAccount } from './session-account.js';

export interface DataDeps {
  config: Config;
  store: MessageStore;
  newMailId: () => string;
  now: () => Date;
  wantsConfirmation: (sms: SmsMessage, status: SmsStatus) => boolean;
  log: (evt: string, data: Record<string, unknown>) => void;
}

type Callback = (err?: Error | null, message?: string) => void;

/**
 * Reads the mail, turns it into SMS and answers 250 only once they are
 * durably stored. Anything unplanned becomes a 451: the client keeps the
 * mail and tries again, nothing is lost.
 */
export function onData(deps: DataDeps) {
  return (stream: SMTPServerDataStream, session: SMTPServerSession, callback: Callback): void => {
    readAll(stream, deps.config.smtp.maxMessageSize)
      .then((raw) => (stream.sizeExceeded ? errors.MessageTooBig(String(deps.config.smtp.maxMessageSize)) : accept(raw, session, deps)))
      .then(
        (reply) => (reply instanceof SmtpError ? callback(refuse(reply, session, deps)) : callback(null, reply)),
        (e: Error) => {
          deps.log('data-error', { cid: session.id, error: e.message, stack: e.stack });
          callback(e instanceof SmtpError ? e : errors.InternalError());
        },
      );
  };
}

async function accept(raw: Buffer, session: SMTPServerSession, deps: DataDeps): Promise<string | SmtpError> {
  const parsed = await parseMail(raw).catch((e: Error) => errors.BadContent(e.message));
  if (parsed instanceof SmtpError) return parsed;
  const automatic = automaticMail(parsed.headers, parsed.subject);
  if (automatic) return errors.AutomaticMail(automatic);
  const account = sessionAccount(session);
  // The envelope sender was checked at MAIL FROM; the From a clerk's mail client shows must belong to the account too.
  if (parsed.fromAddress && !addressBelongs(account.addresses, parsed.fromAddress)) return errors.SenderNotAllowed(parsed.fromAddress, account.name);
  const { config } = deps;
  const mailId = deps.newMailId();
  const batch = toSms({
    parsed,
    envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    recipients: recipientsOf(session, config, account),
    dsn: session.envelope.dsn,
    mailId,
    account: account.name,
    now: deps.now(),
    remoteAddress: session.remoteAddress,
    clientHostname: session.clientHostname,
    options: { ...config.options, timeZone: account.timeZone },
    text: { ...config.text, maxSegments: account.maxSegments },
    notify: account.notify,
    wantsConfirmation: deps.wantsConfirmation,
  });
  if (batch instanceof SmtpError) return batch;
  let outcome;
  try {
    outcome = await deps.store.accept(batch);
  } catch (e) {
    deps.log('store-write-failed', { cid: session.id, mailId, error: (e as Error).message });
    return errors.StoreUnavailable();
  }
  for (const m of batch.messages) {
    if (!outcome.stored.includes(m.id)) continue;
    deps.log('sms-accepted', { msgId: m.id, cid: session.id, from: m.mail.envelopeFrom, to: m.to, segments: m.segments, encoding: m.encoding, messageId: m.mail.messageId });
  }
  for (const d of outcome.duplicates) deps.log('sms-duplicate', { msgId: d.id, of: d.of, cid: session.id });
  return reply(mailId, outcome.stored.length, outcome.duplicates);
}

function reply(mailId: string, stored: number, duplicates: Array<{ of: string }>): string {
  if (!stored) {
    const of = [...new Set(duplicates.map((d) => d.of.replace(/\.\d+$/, '')))].join(', ');
    return `2.0.0 already queued as ${of}: this mail was received before, its SMS will not be sent again`;
  }
  const dup = duplicates.length ? `; ${duplicates.length} recipient(s) already had this mail and get no second SMS` : '';
  return `2.0.0 queued as ${mailId} (${stored} SMS)${dup}`;
}

function recipientsOf(session: SMTPServerSession, config: Config, account: Account): EnvelopeRecipient[] {
  return session.envelope.rcptTo.flatMap((a) => {
    const r = resolveRecipient(a.address, { domains: config.smtp.domains, defaultCountry: account.defaultCountry });
    if (r instanceof SmtpError) return []; // refused at RCPT already, never reaches here
    return [{ address: a.address, e164: r.e164, dsn: a.dsn ? { notify: a.dsn.notify, orcpt: a.dsn.orcpt } : undefined }];
  });
}

function refuse(err: SmtpError, session: SMTPServerSession, deps: DataDeps): SmtpError {
  deps.log('mail-refused', { cid: session.id, code: err.responseCode, enhanced: err.enhancedCode, error: err.errorName, reason: err.text });
  return err;
}

/** Collects the message; past the size limit it only drains, so a huge mail cannot fill memory. */
function readAll(stream: SMTPServerDataStream, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}
