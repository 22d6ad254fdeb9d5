/**
 * Composing a confirmation (the Eta templates and the MIME) and writing it
 * durably cost CPU and system calls that, on the event loop, are time no
 * SMTP client gets an answer. A ComposerThread does both on a worker thread
 * (compose-thread-main.ts), so under load they run on the other core. The
 * mail is the same composeConfirmation makes in-process.
 */
import type { Confirmation } from './compose.js';
import type { TransportSpec } from './outbox.js';
import type { ReplyMailInput } from './reply-mail.js';
import type { Delivered, SendInput } from './sender.js';
import { ThreadCalls } from './thread.js';

/** What crosses to the thread: functions cannot, so the cancel addresses are made here (those of the SMS confirmed together by id). */
export type ThreadInput = Omit<SendInput, 'cancelAddress'> & { cancelReplyTo?: string; cancelTogether?: Record<string, string> };
export type ThreadRequest = { op: 'compose' | 'deliver'; input: ThreadInput } | { op: 'reply'; input: ReplyMailInput } | { op: 'close' };
/** A Buffer arrives on the other side as a plain Uint8Array. */
export type ComposeReply = Omit<Confirmation, 'raw'> & { raw: Uint8Array };
export type ThreadReply = ComposeReply | Delivered | void;

/** How long a stopping thread may take to say goodbye to its relay. */
const CLOSE_MS = 2000;

export class ComposerThread {
  private readonly calls: ThreadCalls<ThreadRequest, ThreadReply>;

  /** With a transport it can also hand confirmations over (deliver). */
  constructor(templatesDir: string, transport?: TransportSpec) {
    this.calls = new ThreadCalls(import.meta.url, 'compose-thread-main', { templatesDir, transport });
  }

  /** Starts the thread and loads its modules now, not at the first confirmation; rejects when it cannot start. */
  start(): Promise<void> {
    return this.calls.start();
  }

  async compose(input: SendInput): Promise<Confirmation> {
    const out = (await this.call('compose', input)) as ComposeReply;
    return { ...out, raw: Buffer.from(out.raw.buffer, out.raw.byteOffset, out.raw.byteLength) };
  }

  /** Composes the confirmation and hands it to the transport, on the thread; resolves once it is durably handed over. */
  async deliver(input: SendInput): Promise<Delivered> {
    return (await this.call('deliver', input)) as Delivered;
  }

  /** Composes the mail forwarding a handset's reply and hands it over, on the thread. */
  async deliverReply(input: ReplyMailInput): Promise<Delivered> {
    return (await this.calls.call({ op: 'reply', input })) as Delivered;
  }

  /** Lets the thread close its transport (a relay hears QUIT), then stops it; calls still held fail. */
  async close(): Promise<void> {
    if (this.calls.running) {
      const bye = this.calls.call({ op: 'close' }).catch(() => undefined);
      await Promise.race([bye, new Promise((r) => setTimeout(r, CLOSE_MS).unref())]);
    }
    await this.calls.close();
  }

  private call(op: 'compose' | 'deliver', input: SendInput): Promise<ThreadReply> {
    const { cancelAddress, ...rest } = input;
    const together = cancelAddress && input.together ? { cancelTogether: Object.fromEntries(input.together.map(({ sms }) => [sms.id, cancelAddress(sms.id)])) } : {};
    return this.calls.call({ op, input: { ...rest, cancelReplyTo: cancelAddress?.(input.sms.id), ...together } });
  }
}
