import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBridge, type Bridge } from '../../src/bridge.js';
import { buildConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { SimulatorConnector } from '../../src/connectors/simulator.js';
import type { OutboundSms, SubmitResult } from '../../src/connectors/types.js';

/** The simulator, remembering what it was handed so tests can assert on the SMS itself. */
export class RecordingSimulator extends SimulatorConnector {
  /** Every SMS handed over, with the time (epoch ms) the connector got it. */
  readonly sent: Array<OutboundSms & { receivedAt: number }> = [];
  override async submit(sms: OutboundSms): Promise<SubmitResult> {
    this.sent.push({ ...sms, receivedAt: Date.now() });
    return super.submit(sms);
  }
}

export interface TestBridge extends Bridge {
  dir: string;
  port: number;
  config: Config;
  sim: RecordingSimulator;
  events: Array<Record<string, unknown>>;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/** Starts a bridge on 127.0.0.1:0 with its own temp store; pass `dir` to reuse a store (restart tests). */
export async function startTestBridge(overrides: DeepPartial<Config> = {}, dir?: string): Promise<TestBridge> {
  dir ??= await mkdtemp(join(tmpdir(), 'mail2sms-test-'));
  const raw = merge({ smtp: { port: 0 }, store: { dir }, connector: { simulator: { deliveryDelayMs: 20 } }, log: { level: 'silent' } }, overrides);
  const config = buildConfig(raw, 'test');
  const sc = config.connector.simulator;
  const sim = new RecordingSimulator({ name: config.connector.name, ...sc, sentLog: sc.sentLog ? join(dir, sc.sentLog) : '' });
  const events: Array<Record<string, unknown>> = [];
  // Other connector types run as configured; the recording simulator stands in only for the simulator.
  const connector = config.connector.type === 'simulator' ? sim : undefined;
  const bridge = await startBridge(config, { log: (evt, data) => events.push({ evt, ...data }), connector });
  return { ...bridge, dir, port: bridge.smtp.port, config, sim, events };
}

export async function withBridge<T>(overrides: DeepPartial<Config>, fn: (b: TestBridge) => Promise<T>): Promise<T> {
  const b = await startTestBridge(overrides);
  try {
    return await fn(b);
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
}

/** Polls until `check` returns a truthy value (or throws after timeoutMs, with `what` in the message). */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 5000): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The .eml files in the outbox, name → content. */
export async function outboxFiles(b: { outbox: string }): Promise<Map<string, string>> {
  const names = await readdir(b.outbox).catch(() => [] as string[]);
  const out = new Map<string, string>();
  for (const n of names.filter((n) => n.endsWith('.eml'))) out.set(n, await readFile(join(b.outbox, n), 'utf8'));
  return out;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' ? merge(cur as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
