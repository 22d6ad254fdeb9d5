/** Entry of the composer worker thread (see compose-thread.ts): composes what it is sent, with templates compiled once. */
import { composeConfirmation, ConfirmationTemplates } from './compose.js';
import type { ComposeReply, ThreadRequest } from './compose-thread.js';
import { serveCalls } from './thread.js';

let templates: ConfirmationTemplates | undefined;

serveCalls<ThreadRequest, ComposeReply, { templatesDir: string }>(async ({ cancelReplyTo, ...input }, { templatesDir }) => {
  templates ??= new ConfirmationTemplates(templatesDir);
  return composeConfirmation({ ...input, templatesDir, templates, cancelAddress: cancelReplyTo ? () => cancelReplyTo : undefined });
});
