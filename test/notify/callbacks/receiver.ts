import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  /** The body as received, byte for byte (what the signature covers). */
  raw: string;
  body: Record<string, any>;
  path: string;
  /** Epoch ms. */
  at: number;
}

/** How the receiver answers one push: a status and headers, or `hold` to keep it waiting until release(). */
export type Answer = { status: number; headers?: Record<string, string> } | 'hold';

/**
 * An integrator's receiver of status callbacks: a real HTTP server on
 * 127.0.0.1, port 0, recording every push; it answers from `answers` in
 * order (then 200), or by `answer(request)` when set.
 */
export class Receiver {
  readonly got: Received[] = [];
  answers: Answer[] = [];
  /** Pushes held open now (answer 'hold'). */
  private held: Array<() => void> = [];
  maxOpen = 0;
  private open = 0;
  private server!: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        this.got.push({ headers: req.headers, raw, body: JSON.parse(raw), path: req.url ?? '', at: Date.now() });
        const a = this.answers.shift() ?? { status: 200 };
        const reply = (x: { status: number; headers?: Record<string, string> }) => res.writeHead(x.status, x.headers).end('{}');
        if (a !== 'hold') return reply(a);
        this.open++;
        this.maxOpen = Math.max(this.maxOpen, this.open);
        this.held.push(() => {
          this.open--;
          reply({ status: 200 });
        });
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers every held push with 200. */
  release(): void {
    for (const h of this.held.splice(0)) h();
  }

  /** The pushes of one SMS, in arrival order, as [status, …]. */
  statuses(smsId: string): string[] {
    return this.got.filter((g) => g.body.smsId === smsId).map((g) => g.body.status);
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
