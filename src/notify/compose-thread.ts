/**
 * Composing a confirmation (the Eta templates and nodemailer's MailComposer)
 * costs ~0.6-0.8 ms of CPU each, which on the event loop is time no SMTP
 * client gets an answer. A ComposerThread does it on a worker thread
 * (compose-thread-main.ts), so under load it runs on the other core. The
 * result is the same mail composeConfirmation makes in-process.
 */
import type { Confirmation, ConfirmationInput } from './compose.js';
import { ThreadCalls } from './thread.js';

export type ComposeRequest = Omit<ConfirmationInput, 'templates' | 'templatesDir'>;
/** What crosses to the thread: functions cannot, so the cancel address is made here. */
export type ThreadRequest = Omit<ComposeRequest, 'cancelAddress'> & { cancelReplyTo?: string };
/** A Buffer arrives on the other side as a plain Uint8Array. */
export type ComposeReply = Omit<Confirmation, 'raw'> & { raw: Uint8Array };

export class ComposerThread {
  private readonly calls: ThreadCalls<ThreadRequest, ComposeReply>;

  constructor(templatesDir: string) {
    this.calls = new ThreadCalls(import.meta.url, 'compose-thread-main', { templatesDir });
  }

  async compose(input: ComposeRequest): Promise<Confirmation> {
    const { cancelAddress, ...rest } = input;
    const out = await this.calls.call({ ...rest, cancelReplyTo: cancelAddress?.(input.sms.id) });
    return { ...out, raw: Buffer.from(out.raw.buffer, out.raw.byteOffset, out.raw.byteLength) };
  }

  close(): Promise<void> {
    return this.calls.close();
  }
}
