/** Entry of the confirmation thread (see compose-thread.ts): composes, and hands over, what it is sent. */
import type { TransportSpec } from './outbox.js';
import { ConfirmationSender } from './sender.js';
import type { ThreadRequest, ThreadReply } from './compose-thread.js';
import { serveCalls } from './thread.js';

let sender: ConfirmationSender | undefined;

serveCalls<ThreadRequest, ThreadReply, { templatesDir: string; transport?: TransportSpec }>(async (req, { templatesDir, transport }) => {
  sender ??= new ConfirmationSender(templatesDir, transport);
  if (req.op === 'close') return sender.close();
  if (req.op === 'reply') return sender.deliverReply(req.input);
  const { cancelReplyTo, cancelTogether, ...input } = req.input;
  const cancelAddress = cancelTogether ? (id: string) => (id === input.sms.id ? cancelReplyTo : cancelTogether[id])! : cancelReplyTo ? () => cancelReplyTo : undefined;
  const full = { ...input, cancelAddress };
  return req.op === 'compose' ? sender.compose(full) : sender.deliver(full);
});
