/**
 * Where composed confirmations go: a directory of .eml files (for a local
 * MTA's pickup directory, or for tests and dry runs) or an SMTP relay.
 * Both take the finished raw message; they never change it.
 */
import nodemailer from 'nodemailer';
import { DurableDir } from '../store/durable.js';
import { sendEightBit } from './relay-8bit.js';

export interface OutgoingConfirmation {
  raw: Buffer;
  /** Envelope recipient. */
  to: string;
  /** Envelope sender (MAIL FROM); '' is the null sender <>. */
  from: string;
  messageId: string;
  /** Set when `raw` has 8-bit bytes: the same mail composed 7-bit, for a relay that takes no 8-bit mail (relay-8bit.ts). A file takes the bytes as they are. */
  sevenBit?: () => Promise<Buffer>;
}

export interface ConfirmationTransport {
  /** Resolves once the message is durably handed over; `where` says where, for the log. */
  send(msg: OutgoingConfirmation): Promise<{ where: string }>;
  close(): Promise<void>;
}

/** File name for a Message-ID: brackets and path or shell specials removed, so the id cannot escape `dir`. */
export function emlFileName(messageId: string): string {
  const bare = messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._@+-]/g, '_');
  // A leading dot would hide the file and '..' must never be a whole name.
  return `${bare.replace(/^\.+/, '_') || '_'}.eml`;
}

/**
 * One file per Message-ID. Since confirmation ids are deterministic, a retried
 * send overwrites the same file instead of adding a second one, and the
 * temp-file + rename makes a reader see either the old or the new complete file.
 * Files sent together are written as one group commit (DurableDir).
 */
export class FileOutbox implements ConfirmationTransport {
  private readonly files: DurableDir;

  constructor(dir: string) {
    this.files = new DurableDir(dir);
  }

  /**
   * A mail with 8-bit bytes (`sevenBit` set) is written as it is, not in its 7-bit form: there is no EHLO to read,
   * the MTA the files are handed to takes 8BITMIME as every current one does, and the 7-bit form would take the mail
   * the client asked for out of every such report. Its top-level Content-Transfer-Encoding: 8bit tells the program
   * that hands it on to submit it as 8BITMIME; every other confirmation is 7-bit ASCII (README, RET=FULL).
   */
  async send(msg: OutgoingConfirmation): Promise<{ where: string }> {
    return { where: await this.files.replace(emlFileName(msg.messageId), msg.raw) };
  }

  async close(): Promise<void> {}
}

export interface SmtpRelayOptions {
  host: string;
  port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS when offered. */
  secure?: boolean;
  auth?: { user: string; pass: string };
  /** Do not upgrade with STARTTLS even when offered (local relays, tests). */
  ignoreTLS?: boolean;
  /** EHLO name; our reporting hostname is the honest choice. */
  name?: string;
  /** Extra certificate authorities (PEM) to trust for the relay's TLS (notify.relay.tlsCaFile). */
  ca?: string;
}

/** Where confirmations go, as plain data: it crosses to the thread that sends them (src/notify/compose-thread.ts). */
export type TransportSpec = { kind: 'file'; dir: string } | { kind: 'smtp'; relay: SmtpRelayOptions };

export function openTransport(spec: TransportSpec): ConfirmationTransport {
  return spec.kind === 'file' ? new FileOutbox(spec.dir) : new SmtpRelay(spec.relay);
}

/**
 * Hands confirmations to a relay over pooled connections (nodemailer's
 * pool: up to 5, each used for 100 mails): a connection per confirmation
 * would cost a TCP and SMTP handshake (and TLS, if offered) every time.
 * The envelope sender is whatever the composer decided (`msg.from`),
 * normally the null sender: see envelopeSenderFor in compose.ts.
 */
export class SmtpRelay implements ConfirmationTransport {
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;
  private readonly label: string;

  constructor(private readonly opts: SmtpRelayOptions) {
    this.transport = nodemailer.createTransport({
      pool: true,
      host: opts.host,
      port: opts.port,
      secure: opts.secure ?? false,
      auth: opts.auth,
      ignoreTLS: opts.ignoreTLS ?? false,
      name: opts.name,
      ...(opts.ca ? { tls: { ca: opts.ca } } : {}),
    });
    this.label = `smtp://${opts.host}:${opts.port}`;
  }

  async send(msg: OutgoingConfirmation): Promise<{ where: string }> {
    if (msg.sevenBit) return { where: `${this.label} ${(await sendEightBit(this.opts, { ...msg, sevenBit: msg.sevenBit })).trim()}`.trim() };
    const info = await this.transport.sendMail({
      // `false` is nodemailer's spelling of MAIL FROM:<>.
      envelope: { from: msg.from === '' ? false : msg.from, to: [msg.to] },
      raw: msg.raw,
    });
    return { where: `${this.label} ${String(info.response ?? '').trim()}`.trim() };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
