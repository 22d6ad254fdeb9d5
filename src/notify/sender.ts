/**
 * Composes a confirmation and hands it to the transport: the work between
 * "a confirmation is owed" and "it was durably handed over". Runs on the
 * confirmation thread (compose-thread-main.ts), or in-process.
 */
import { composeConfirmation, ConfirmationTemplates, type Confirmation, type ConfirmationInput } from './compose.js';
import { composeTogether } from './compose-group.js';
import { openTransport, type ConfirmationTransport, type TransportSpec } from './outbox.js';
import { composeReplyMail, type ReplyMailInput } from './reply-mail.js';

export type SendInput = Omit<ConfirmationInput, 'templates' | 'templatesDir'>;

/** What the notifier records and logs of a confirmation that was handed over. */
export interface Delivered {
  messageId: string;
  to: string;
  where: string;
}

export class ConfirmationSender {
  private readonly templates: ConfirmationTemplates;
  private transport?: ConfirmationTransport;

  /** Without a transport it can only compose. */
  constructor(private readonly templatesDir: string, private readonly spec?: TransportSpec) {
    this.templates = new ConfirmationTemplates(templatesDir);
  }

  /** The confirmation of one SMS, or of several of one mail (`together`). */
  compose(input: SendInput): Promise<Confirmation> {
    const full = { ...input, templatesDir: this.templatesDir, templates: this.templates };
    return input.together?.length ? composeTogether(full) : composeConfirmation(full);
  }

  /** A mail with 8-bit bytes is composed again 7-bit should the relay take no 8-bit mail (outbox.ts). */
  async deliver(input: SendInput): Promise<Delivered> {
    return this.hand(await this.compose(input), async () => (await this.compose({ ...input, sevenBit: true })).raw);
  }

  /** Composes the mail forwarding a handset's reply and hands it over like a confirmation. */
  async deliverReply(input: ReplyMailInput): Promise<Delivered> {
    return this.hand(composeReplyMail(input));
  }

  private async hand(conf: Confirmation, sevenBit?: () => Promise<Buffer>): Promise<Delivered> {
    if (!this.spec) throw new Error('no transport to deliver confirmations with');
    this.transport ??= openTransport(this.spec);
    const eightBit = conf.eightBit && sevenBit ? { sevenBit } : {};
    const { where } = await this.transport.send({ raw: conf.raw, to: conf.to, from: conf.envelopeFrom, messageId: conf.messageId, ...eightBit });
    return { messageId: conf.messageId, to: conf.to, where };
  }

  async close(): Promise<void> {
    await this.transport?.close();
    this.transport = undefined;
  }
}
