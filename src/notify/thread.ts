/**
 * Calls to a worker thread: post a request, get a promise of the answer.
 * Used to keep CPU- and system-call-heavy confirmation work (composing the
 * mail, writing it to the outbox) off the event loop that answers SMTP.
 * The owner starts the thread (start) when it starts, so that loading its
 * modules (seconds under tsx on a loaded machine) is not paid by the first
 * call; if the thread dies or never came up, the calls it held fail and the
 * next call starts a new one. An idle thread does not keep the process alive. Calls made in the same
 * turn of the event loop cross in one message, and so do the answers that are
 * ready together: each message costs both threads a wake-up.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker, workerData } from 'node:worker_threads';

type Reply<R> = { id: number; ok: R } | { id: number; error: string };
type Call<Q> = { id: number; request: Q };
/** What the thread says once its entry module has loaded, before any answer. */
const READY = 'ready';

/**
 * The worker's bootstrap for an entry module next to `from` (an import.meta.url):
 * built code runs the .js entry; under tsx (tests, `npm run` scripts) the .ts one,
 * and tsx's loader does not reach worker threads on Node 20, so the worker
 * registers it itself first.
 */
function bootstrap(from: string, name: string): string {
  const entry = new URL(`./${name}${extname(fileURLToPath(from))}`, from).href;
  if (!entry.endsWith('.ts')) return `import(${JSON.stringify(entry)})`;
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
}

export class ThreadCalls<Q, R> {
  private worker?: Worker;
  /** Settles when the running thread has loaded its entry module, or rejects when it could not. */
  private ready?: Promise<void>;
  private readonly pending = new Map<number, { resolve: (r: R) => void; reject: (e: Error) => void }>();
  private outgoing: Array<Call<Q>> = [];
  private seq = 0;

  /** `entry`: the worker module's name without extension, next to the module whose import.meta.url is `from`. */
  constructor(private readonly from: string, private readonly entry: string, private readonly data: unknown) {}

  /** Whether a thread is running now. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Starts the thread now, if none runs, and resolves once its entry module has loaded (or the thread was stopped
   * meanwhile); rejects with the reason it could not start. Calls made meanwhile wait for it, and fail with it.
   */
  start(): Promise<void> {
    this.thread();
    return this.ready!;
  }

  call(request: Q): Promise<R> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const w = this.thread();
      if (!this.pending.size) w.ref(); // work in hand keeps the process alive
      this.pending.set(id, { resolve, reject });
      if (!this.outgoing.length) queueMicrotask(() => this.post());
      this.outgoing.push({ id, request });
    });
  }

  private post(): void {
    const calls = this.outgoing;
    this.outgoing = [];
    // Without a thread (stopped, or died since) these calls have failed already.
    if (calls.length) this.worker?.postMessage(calls);
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
    this.failAll(new Error(`the ${this.entry} thread was stopped`));
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(bootstrap(this.from, this.entry), { eval: true, workerData: this.data, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    let loaded!: () => void;
    this.ready = new Promise<void>((resolve, reject) => {
      loaded = resolve;
      // Stopped on purpose (close) before it came up: nothing failed.
      w.once('error', (e) => (this.worker === w ? reject(e) : resolve()));
      w.once('exit', (code) => (this.worker === w ? reject(new Error(`the ${this.entry} thread exited with ${code} while starting`)) : resolve()));
    });
    // Whoever awaits start() hears a failure; the calls hear it through failAll.
    this.ready.catch(() => undefined);
    w.on('message', (replies: Array<Reply<R>> | typeof READY) => {
      if (replies === READY) {
        loaded();
        if (!this.pending.size) w.unref();
        return;
      }
      for (const m of replies) {
        const p = this.pending.get(m.id);
        if (!p) continue;
        this.pending.delete(m.id);
        if ('error' in m) p.reject(new Error(m.error));
        else p.resolve(m.ok);
      }
      if (!this.pending.size) w.unref();
    });
    const gone = (e: Error) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.failAll(e);
    };
    w.on('error', gone);
    w.on('exit', (code) => gone(new Error(`the ${this.entry} thread exited with ${code}`)));
    // Referenced until it has loaded: a start awaited before anything else holds the process must not end it.
    this.worker = w;
    return w;
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.outgoing = [];
  }
}

/** Worker side: answers each call with `handle`; returns the data the thread was started with. */
export function serveCalls<Q, R, D>(handle: (request: Q, data: D) => Promise<R>): void {
  const data = workerData as D;
  let ready: Array<Reply<R>> = [];
  const answer = (reply: Reply<R>) => {
    if (!ready.length) {
      queueMicrotask(() => {
        parentPort!.postMessage(ready);
        ready = [];
      });
    }
    ready.push(reply);
  };
  parentPort!.on('message', (calls: Array<Call<Q>>) => {
    for (const { id, request } of calls) {
      handle(request, data).then((ok) => answer({ id, ok }), (e: Error) => answer({ id, error: e.message }));
    }
  });
  // The entry module calls this once its imports have loaded: the thread is ready.
  parentPort!.postMessage(READY);
}
