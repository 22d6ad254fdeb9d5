import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { startBridge, type Bridge } from '../../src/bridge.js';
import { buildConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { SimulatorConnector } from '../../src/connectors/simulator.js';
import type { Timers } from '../../src/connectors/smpp/socket.js';
import type { Connector, OutboundSms, SubmitResult } from '../../src/connectors/types.js';
import type { LogFn } from '../../src/log.js';
import { sendSms, type SmsMail } from './smtp.js';
import { testCertificate } from './tls.js';
import { waitFor } from './wait.js';

export { waitFor };

/** The simulator, remembering what it was handed so tests can assert on the SMS itself. */
export class RecordingSimulator extends SimulatorConnector {
  private readonly clock: () => Date;
  constructor(o: ConstructorParameters<typeof SimulatorConnector>[0]) {
    super(o);
    this.clock = o.now ?? (() => new Date());
  }

  /** Every SMS handed over, with the time (epoch ms) the connector got it. */
  readonly sent: Array<OutboundSms & { receivedAt: number }> = [];
  override async submit(sms: OutboundSms): Promise<SubmitResult> {
    this.sent.push({ ...sms, receivedAt: this.clock().getTime() });
    return super.submit(sms);
  }
}

export interface TestBridge extends Bridge {
  dir: string;
  port: number;
  config: Config;
  /** The recording simulator standing in for each configured simulator connector, by name. */
  sims: Record<string, RecordingSimulator>;
  /** The first of them (the default config has one, named "simulator"). */
  sim: RecordingSimulator;
  events: Array<Record<string, unknown>>;
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends Array<infer U> ? Array<DeepPartial<U>> : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

export interface TestBridgeExtras {
  /** Connectors to use instead of the configured ones of the same name (each must carry that name). */
  connectors?: Record<string, Connector>;
  /** In [0, 1): weighted routing and retry jitter. */
  random?: () => number;
  /** Environment for "${NAME}" values in the config (secrets). */
  env?: NodeJS.ProcessEnv;
  /** The bridge's clock (timers still run on real time). */
  now?: () => Date;
  /** Also given every log event (events has them too): e.g. a real logger, to read its lines and levels. */
  log?: LogFn;
  /** The SMPP connectors' timers, e.g. TimeoutsOnCue: a response timeout runs out when the test says, never on a slow answer. */
  smppTimers?: Timers;
  /** The SMTP session deadline's timers, e.g. TimeoutsOnCue: the deadline runs out when the test says, never on a slow machine. */
  sessionTimers?: Timers;
}

/** Starts a bridge on 127.0.0.1:0 with its own temp store; pass `dir` to reuse a store (restart tests). */
export async function startTestBridge(overrides: DeepPartial<Config> = {}, dir?: string, extras: TestBridgeExtras = {}): Promise<TestBridge> {
  const own = !dir;
  dir ??= await mkdtemp(join(tmpdir(), 'mail2sms-test-'));
  try {
    return await start(overrides, dir, extras);
  } catch (e) {
    // a bridge that did not start leaves nothing behind
    if (own) await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

async function start(overrides: DeepPartial<Config>, dir: string, extras: TestBridgeExtras): Promise<TestBridge> {
  const { certFile, keyFile } = await testCertificate();
  const defaults = { smtp: { port: 0, tls: { cert: certFile, key: keyFile } }, api: { port: 0 }, store: { dir }, connectors: [{ name: 'simulator', type: 'simulator', simulator: { deliveryDelayMs: 20 } }], log: { level: 'silent' } };
  const config = buildConfig(merge(defaults, overrides), 'test', extras.env);
  const sims: Record<string, RecordingSimulator> = {};
  for (const c of config.connectors) {
    // Other connector types run as configured; a recording simulator stands in for each simulator.
    if (c.type !== 'simulator' || extras.connectors?.[c.name]) continue;
    sims[c.name] = new RecordingSimulator({ name: c.name, ...c.simulator, sentLog: c.simulator.sentLog ? join(dir, c.simulator.sentLog) : '', now: extras.now });
  }
  const events: Array<Record<string, unknown>> = [];
  const bridge = await startBridge(config, {
    log: (evt, data) => {
      events.push({ evt, ...data });
      extras.log?.(evt, data);
    },
    connectors: { ...sims, ...extras.connectors }, randomFraction: extras.random, now: extras.now, smppTimers: extras.smppTimers, sessionTimers: extras.sessionTimers,
  });
  const sim = Object.values(sims)[0];
  return { ...bridge, dir, port: bridge.smtp.port, config, sims, sim, events };
}

export async function withBridge<T>(overrides: DeepPartial<Config>, fn: (b: TestBridge) => Promise<T>, extras: TestBridgeExtras = {}): Promise<T> {
  const b = await startTestBridge(overrides, undefined, extras);
  try {
    return await fn(b);
  } finally {
    await stopTestBridge(b);
  }
}

/** Stops a bridge that startTestBridge gave its own temp store, and removes that store (a suite's after hook; nothing when the setup never made one). */
export async function stopTestBridge(b: TestBridge | undefined): Promise<void> {
  if (!b) return;
  try {
    await b.stop();
  } finally {
    await rm(b.dir, { recursive: true, force: true });
  }
}

let markers = 0;

/**
 * The barrier of a "nothing (more) was sent" check, in place of a sleep:
 * mails one SMS to a number of its own and waits for its final outcome
 * (sms-final). The dispatcher takes due SMS earliest first, so whatever was
 * due before the marker was handed to the connector before it was (or in
 * the same pass, which the simulator's delivery delay outlasts): a check
 * after this proves what a sleep only hoped, on a slow machine too, and
 * ends as soon as a fast one is there. `mail`: e.g. the localAddress of
 * another account, when the tested one may not send. Returns the marker's
 * number (its SMS is in sim.sent).
 */
export async function markerSent(b: TestBridge, mail: SmsMail = {}): Promise<string> {
  const to = `+4917000${String(++markers).padStart(5, '0')}`;
  const id = await sendSms(b.port, to, { text: 'marker', ...mail });
  await waitFor(`the marker SMS ${id} sent`, () => b.events.some((e) => e.evt === 'sms-final' && e.msgId === id));
  return to;
}

/** The .eml files in the outbox, name → content. */
export async function outboxFiles(b: { outbox: string }): Promise<Map<string, string>> {
  const names = await readdir(b.outbox).catch(() => [] as string[]);
  const out = new Map<string, string>();
  for (const n of names.filter((n) => n.endsWith('.eml'))) out.set(n, await readFile(join(b.outbox, n), 'utf8'));
  return out;
}

/** The confirmation mails of SMS `id`, parsed, once there are `count`, by stage as in their file name (<id>.<stage>[.<n>]@….eml). */
export async function confirmationMails(b: { outbox: string }, id: string, count: number): Promise<Map<string, ParsedMail>> {
  const files = await waitFor(`${count} confirmations of ${id}`, async () => {
    const mine = [...(await outboxFiles(b)).entries()].filter(([n]) => n.startsWith(`${id}.`));
    return mine.length >= count ? mine : undefined;
  });
  const parsed = await Promise.all(files.map(async ([name, raw]) => [name.slice(id.length + 1).replace(/@.*$/, ''), await simpleParser(raw)] as const));
  return new Map(parsed);
}

/** One series of the bridge's /metrics, e.g. `mail2sms_connector_up{connector="agg"}`; undefined when it is not there. */
export async function metric(b: Bridge, series: string): Promise<number | undefined> {
  const text = await fetch(`http://127.0.0.1:${b.api!.port}/metrics`).then((r) => r.text());
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' ? merge(cur as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
