/** Entry of the composer worker thread (see compose-thread.ts): composes what it is sent, with templates compiled once. */
import { parentPort, workerData } from 'node:worker_threads';
import { composeConfirmation, ConfirmationTemplates } from './compose.js';
import type { ComposeReply, ThreadRequest } from './compose-thread.js';

const { templatesDir } = workerData as { templatesDir: string };
const templates = new ConfirmationTemplates(templatesDir);

parentPort!.on('message', ({ id, input }: { id: number; input: ThreadRequest }) => {
  const { cancelReplyTo, ...rest } = input;
  composeConfirmation({ ...rest, templatesDir, templates, cancelAddress: cancelReplyTo ? () => cancelReplyTo : undefined }).then(
    (out) => parentPort!.postMessage({ id, out } satisfies ComposeReply),
    (e: Error) => parentPort!.postMessage({ id, error: e.message } satisfies ComposeReply),
  );
});
