import type { SMTPServer, SMTPServerSession } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type { LogFn } from '../log.js';
import { errors, type SmtpError } from './errors.js';
import { numberWithSpaces, writtenRecipient } from './quoted-number.js';
import { sessionAccountName, sessionUser } from './session-account.js';

/**
 * Replies smtp-server writes itself, in its own words, where the registry
 * has one a clerk understands. smtp-server has no option for them, so they
 * are swapped at its one write site (`send`), each recognised by what
 * smtp-server passes there; test/smtp/own-replies.test.ts and
 * test/smtp/auth.test.ts fail if a new smtp-server changes one of them.
 */
const PATCHED = Symbol.for('mail2sms.own-replies');

type Send = (code: number, data?: unknown, context?: unknown) => void;
type Conn = { _server: object; secure?: boolean; session?: SMTPServerSession & { disabledCommands?: string[] } };
type Rule = (conn: Conn, code: number, data: unknown, context: unknown) => SmtpError | undefined;

/**
 * The refusals among them that onMailFrom and onRcptTo would have logged
 * had smtp-server let them run: logged here in the same shape
 * (mail-from-refused, rcpt-refused), so the audit trail and
 * mail2sms_refused_total see them too.
 */
const STAGE = new Map<Rule, 'mail-from' | 'rcpt'>();
const logs = new WeakMap<object, LogFn>();

const RULES: Rule[] = [
  /**
   * Outside smtp.auth.plaintextNetworks AUTH is hidden on plaintext
   * connections (connection-guard.ts puts it in the session's disabled
   * commands), so that no client is invited to send a password in clear.
   * smtp-server answers a disabled command as unknown (500, with the
   * command's name as context), but RFC 4954 §6 has a reply for exactly this
   * case: 538 5.7.11. A client that logs in without looking at EHLO (a fixed
   * ERP script) then learns what to change instead of "command not recognized".
   */
  (conn, code, _data, context) =>
    code === 500 && context === 'AUTH' && !conn.secure && conn.session?.disabledCommands?.includes('AUTH') ? errors.AuthNeedsTls() : undefined,
  /**
   * An AUTH whose data smtp-server cannot read (its sasl.js: PLAIN not three
   * NUL-separated fields, LOGIN without a user name, control characters in
   * the name) is answered "Error: invalid userdata" / "missing username",
   * which says nothing to whoever set up the mail program.
   */
  (_conn, code, data) => (code === 501 && (data === 'Error: invalid userdata' || data === 'Error: missing username') ? errors.AuthUnreadable() : undefined),
  /**
   * MAIL FROM with SIZE= over smtp.maxMessageSize is refused before
   * onMailFrom runs, as "Error: message exceeds fixed maximum message size
   * 10485760"; the same refusal as the mail's own size at DATA reads better.
   */
  staged('mail-from', (_conn, code, data, context) => {
    const limit = code === 552 && context === 'MESSAGE_TOO_BIG' && typeof data === 'string' ? /size (\d+)$/.exec(data)?.[1] : undefined;
    return limit ? errors.MessageTooBig(limit) : undefined;
  }),
  /**
   * Once the bridge is stopping (server.ts close()), smtp-server answers
   * every command with "421 Server shutting down" (4.4.2 from the reply
   * code) and at the end of the grace time says so to every session left.
   */
  (_conn, code, data) => (code === 421 && data === 'Server shutting down' ? errors.ShuttingDown() : undefined),
  /**
   * A number written with spaces and without quotes (`RCPT TO:<0049 151
   * 12345606@sms.example>`, what Python's smtplib sends for a clerk's
   * "0049 151 12345606@…") is no address at all: smtp-server splits the
   * command at the spaces and answers "Bad recipient address syntax" before
   * onRcptTo runs (review 4b, F8). The clerk is told to write it without the
   * spaces or in quotes, which quoted-number.ts reads.
   */
  staged('rcpt', (conn, code, data, context) => {
    const rcpt = code === 501 && context === 'MAILBOX_SYNTAX_ERROR' && data === 'Error: Bad recipient address syntax';
    const written = rcpt && conn.session ? numberWithSpaces(conn.session) : undefined;
    return written ? errors.NumberWithSpaces(written.local, written.domain) : undefined;
  }),
];

function staged(stage: 'mail-from' | 'rcpt', rule: Rule): Rule {
  STAGE.set(rule, stage);
  return rule;
}

/** Where the refusals of `server`'s sessions that smtp-server makes itself are logged. */
export function logOwnRefusals(server: SMTPServer, log: LogFn): void {
  logs.set(server, log);
}

function logRefusal(conn: Conn, stage: 'mail-from' | 'rcpt', err: SmtpError): void {
  const log = logs.get(conn._server);
  const session = conn.session;
  if (!log || !session) return;
  const common = {
    cid: session.id, code: err.responseCode, enhanced: err.enhancedCode, error: err.errorName, reason: err.text,
    ip: session.remoteAddress, account: sessionAccountName(session), user: sessionUser(session)?.name,
  };
  if (stage === 'rcpt') log('rcpt-refused', { ...common, to: writtenRecipient(session) });
  else log('mail-from-refused', { ...common, from: session.envelope?.mailFrom ? session.envelope.mailFrom.address : undefined });
}

export function installOwnReplies(): void {
  const proto = SMTPConnection.prototype as unknown as { send: Send; [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  const original = proto.send;
  proto.send = function send(this: Conn, code: number, data?: unknown, context?: unknown) {
    for (const rule of RULES) {
      const own = rule(this, code, data, context);
      if (!own) continue;
      const stage = STAGE.get(rule);
      if (stage) logRefusal(this, stage, own);
      return original.call(this, own.responseCode, own.message, context);
    }
    return original.call(this, code, data, context);
  };
  proto[PATCHED] = true;
}
