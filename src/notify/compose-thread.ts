/**
 * Composing a confirmation (the Eta templates and nodemailer's MailComposer)
 * costs ~0.6-0.8 ms of CPU each, which on the event loop is time no SMTP
 * client gets an answer. A ComposerThread does it on one worker thread
 * (src/notify/compose-thread-main.ts), so under load it runs on the other
 * core. The result is the same mail composeConfirmation makes in-process.
 * If the thread dies, the confirmations it held fail (the notifier records
 * and retries them) and the next one starts a new thread.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Confirmation, ConfirmationInput } from './compose.js';

export type ComposeRequest = Omit<ConfirmationInput, 'templates' | 'templatesDir'>;
/** What crosses to the thread: functions cannot, so the cancel address is made here. */
export type ThreadRequest = Omit<ComposeRequest, 'cancelAddress'> & { cancelReplyTo?: string };

/** Messages between the threads. */
export type ComposeReply = { id: number; out: Omit<Confirmation, 'raw'> & { raw: Uint8Array } } | { id: number; error: string };

// Built code runs .js, tests and `npm run` scripts under tsx run the .ts sources: the worker entry has this file's extension.
const ENTRY = new URL(`./compose-thread-main${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;

/**
 * The worker's bootstrap. tsx's loader (--import tsx) does not reach worker
 * threads on Node 20, so under tsx the worker registers it itself first.
 */
function bootstrap(): string {
  if (!ENTRY.endsWith('.ts')) return `import(${JSON.stringify(ENTRY)})`;
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(ENTRY)}); })`;
}

export class ComposerThread {
  private worker?: Worker;
  private readonly pending = new Map<number, { resolve: (c: Confirmation) => void; reject: (e: Error) => void }>();
  private seq = 0;

  constructor(private readonly templatesDir: string) {}

  compose(input: ComposeRequest): Promise<Confirmation> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const w = this.thread();
      if (!this.pending.size) w.ref(); // work in hand keeps the process alive; an idle thread does not
      this.pending.set(id, { resolve, reject });
      const { cancelAddress, ...rest } = input;
      w.postMessage({ id, input: { ...rest, cancelReplyTo: cancelAddress?.(input.sms.id) } satisfies ThreadRequest });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
    this.failAll(new Error('the composer thread was stopped'));
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(bootstrap(), { eval: true, workerData: { templatesDir: this.templatesDir } });
    w.on('message', (m: ComposeReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (!this.pending.size) w.unref();
      if ('error' in m) return p.reject(new Error(m.error));
      p.resolve({ ...m.out, raw: Buffer.from(m.out.raw.buffer, m.out.raw.byteOffset, m.out.raw.byteLength) });
    });
    const gone = (e: Error) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.failAll(e);
    };
    w.on('error', gone);
    w.on('exit', (code) => gone(new Error(`the composer thread exited with ${code}`)));
    w.unref();
    this.worker = w;
    return w;
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
