import type { SMTPServerSession } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

/**
 * `RCPT TO:<"0151 12345676"@sms.example>` is valid SMTP (a quoted local
 * part, RFC 5321 §4.1.2), and it is what a mail client sends when a clerk
 * types the number with spaces. smtp-server splits the command line at
 * whitespace before it looks for the <address>, so it answers "501 Bad
 * recipient address syntax" and never asks onRcptTo. For a quoted local part
 * made only of what people write in a number (digits, + and spaces, dashes,
 * dots, slashes, brackets) the spaces are taken out of the line before
 * smtp-server reads it; recipient.ts reads the number inside the quotes. Any
 * other quoted local part is left as it is. smtp-server calls the handler of
 * a command by name (`handler_RCPT`, from _getHandler); if a new version did
 * not, test/smtp/own-replies.test.ts fails.
 */
const PATCHED = Symbol.for('mail2sms.quoted-number');
const QUOTED_NUMBER = /^(\s*RCPT\s+TO\s*:\s*<)"([0-9+ \t()./-]*)"@/i;

type Handler = (command: Buffer | string, callback: () => void) => void;
const RCPT_ADDRESS = /^\s*RCPT\s+TO\s*:\s*<([^<>]*)>/i;

/**
 * The recipient of the RCPT command being handled, exactly as the client
 * wrote it between < and > (before the spaces of a quoted number are taken
 * out, and before smtp-server drops a source route or decodes punycode), so
 * a refusal can be logged as the ERP sent it. Set for each RCPT line before
 * smtp-server reads it; onRcptTo runs within that same call.
 */
const written = new WeakMap<SMTPServerSession, string>();

export function writtenRecipient(session: SMTPServerSession): string | undefined {
  return written.get(session);
}

/** Digits, + and what people write between them, with at least one blank among them: a number, not a name. */
const SPACED_NUMBER = /^\+?[0-9()./-]+(?:[ \t]+[0-9()./-]+)+$/;

/**
 * The number of the RCPT being handled when the client wrote it with spaces
 * and no quotes (`<0049 151 12345606@sms.example>`), which no address can
 * carry; undefined for anything else.
 */
export function numberWithSpaces(session: SMTPServerSession): { local: string; domain: string } | undefined {
  const address = written.get(session);
  const at = address?.lastIndexOf('@') ?? -1;
  if (!address || at < 0) return undefined;
  const local = address.slice(0, at).trim();
  return SPACED_NUMBER.test(local) ? { local, domain: address.slice(at + 1) } : undefined;
}

/** The command line with the spaces out of a quoted number; anything else unchanged. */
export function withoutSpacesInQuotedNumber(command: Buffer | string): Buffer | string {
  const line = Buffer.isBuffer(command) ? command.toString('binary') : command;
  const m = QUOTED_NUMBER.exec(line);
  if (!m || !/[ \t]/.test(m[2])) return command;
  const fixed = `${m[1]}"${m[2].replace(/[ \t]/g, '')}"@${line.slice(m[0].length)}`;
  return Buffer.isBuffer(command) ? Buffer.from(fixed, 'binary') : fixed;
}

export function installQuotedNumbers(): void {
  const proto = SMTPConnection.prototype as unknown as { handler_RCPT: Handler; [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  const original = proto.handler_RCPT;
  proto.handler_RCPT = function handler_RCPT(this: { session: SMTPServerSession }, command: Buffer | string, callback: () => void) {
    const m = RCPT_ADDRESS.exec(command.toString());
    if (m) written.set(this.session, m[1]);
    else written.delete(this.session);
    return original.call(this, withoutSpacesInQuotedNumber(command), callback);
  };
  proto[PATCHED] = true;
}
