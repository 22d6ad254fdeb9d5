import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Connector, ConnectorHealth, DeliveryReport, LookupResult, OutboundSms, SubmitResult } from './types.js';

export interface SimulatorOptions {
  name: string;
  deliveryDelayMs: number;
  failNumbersEndingWith: string[];
  /** JSON-lines file of every SMS the simulator took; '' for none. Also lets it answer lookup() after a restart. */
  sentLog: string;
  now?: () => Date;
  /** Makes connector message ids; injected so tests can predict them. */
  nextId?: () => string;
}

/**
 * The embedded default connector: takes every SMS, writes it to its sent
 * log, and after a delay reports it delivered — or undeliverable for the
 * configured test numbers — so the whole path runs with no aggregator.
 */
export class SimulatorConnector implements Connector {
  readonly name: string;
  private readonly listeners: Array<(r: DeliveryReport) => void> = [];
  private readonly taken = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private fh?: FileHandle;
  /** Lines of SMS taken in this turn of the event loop, written together: the dispatcher hands over many at once. */
  private batch?: { lines: string[]; written: Promise<void> };
  private counter = 0;
  private readonly now: () => Date;

  constructor(private readonly opts: SimulatorOptions) {
    this.name = opts.name;
    this.now = opts.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    if (!this.opts.sentLog) return;
    await mkdir(dirname(this.opts.sentLog), { recursive: true });
    const text = await readFile(this.opts.sentLog, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const r = JSON.parse(line) as { id: string; connectorMessageId: string };
        this.taken.set(r.id, r.connectorMessageId);
      } catch {
        // a line torn by a crash was never answered, so the SMS counts as not taken
      }
    }
    this.counter = this.taken.size;
    this.fh = await open(this.opts.sentLog, 'a');
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.batch?.written.catch(() => undefined);
    await this.fh?.close();
    this.fh = undefined;
  }

  onReport(listener: (r: DeliveryReport) => void): void {
    this.listeners.push(listener);
  }

  health(): ConnectorHealth {
    return { up: true, state: 'ready' };
  }

  async submit(sms: OutboundSms): Promise<SubmitResult> {
    const connectorMessageId = this.opts.nextId?.() ?? `SIM${(++this.counter).toString(16).toUpperCase().padStart(8, '0')}`;
    if (this.fh) await this.record(JSON.stringify({ at: this.now().toISOString(), ...sms, connectorMessageId }) + '\n');
    this.taken.set(sms.id, connectorMessageId);
    this.scheduleReport(sms.to, connectorMessageId);
    return { ok: true, connectorMessageId };
  }

  /** Resolves once `line` is in the sent log; one write for every line of a turn instead of a thread-pool round trip each. */
  private record(line: string): Promise<void> {
    if (this.batch) {
      this.batch.lines.push(line);
      return this.batch.written;
    }
    const batch: { lines: string[]; written: Promise<void> } = { lines: [line], written: Promise.resolve() };
    batch.written = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      this.batch = undefined;
      await this.fh!.write(batch.lines.join(''));
    });
    this.batch = batch;
    return batch.written;
  }

  async lookup(id: string): Promise<LookupResult> {
    const connectorMessageId = this.taken.get(id);
    return connectorMessageId ? { found: true, connectorMessageId } : { found: false };
  }

  resume(items: Array<{ id: string; to: string; connectorMessageId: string }>): void {
    for (const i of items) this.scheduleReport(i.to, i.connectorMessageId);
  }

  private scheduleReport(to: string, connectorMessageId: string): void {
    const fails = this.opts.failNumbersEndingWith.some((s) => to.endsWith(s));
    const t = setTimeout(() => {
      this.timers.delete(t);
      const r: DeliveryReport = fails
        ? { connectorMessageId, status: 'failed', at: this.now(), reason: 'UNDELIV: the handset was not reachable (simulated failure)' }
        : { connectorMessageId, status: 'delivered', at: this.now() };
      for (const l of this.listeners) l(r);
    }, this.opts.deliveryDelayMs);
    this.timers.add(t);
  }
}
