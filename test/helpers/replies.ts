import { rm } from 'node:fs/promises';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import type { Config } from '../../src/config/types.js';
import { outboxFiles, startTestBridge, waitFor, type DeepPartial, type TestBridge, type TestBridgeExtras } from './bridge.js';
import { mailer, queuedAs, sendSms } from './smtp.js';
import { startLoopback, type Loopback } from '../connectors/http/loopback.js';

export const LOGIN = { systemId: 'bridge', password: 'pw1' };
export const HANDSET = '+4915112345678';
/** The account's number: the SMS go from it, the handset answers to it. */
export const OUR_NUMBER = '+4930901820';
const CLERK = 'clerk@acme.test';

const smppConnector = (port: number, extra: object = {}) => [{ name: 'smsc', type: 'smpp' as const, smpp: { host: '127.0.0.1', port, ...LOGIN, reconnectSeconds: [0.2], ...extra } }];
export const accounts = (extra: Record<string, unknown> = {}) => [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], numericSender: OUR_NUMBER, senderId: OUR_NUMBER, ...extra }];

/** A bridge bound to an SMSC simulator, with an account whose SMS go from a number, for the tests of handsets' replies. */
export function withSmsc<T>(config: DeepPartial<Config>, fn: (sim: SmscSimulator, b: TestBridge) => Promise<T>, extras: TestBridgeExtras & { dir?: string; smpp?: object } = {}): Promise<T> {
  return withSmscBridge({ accounts: accounts(), ...config }, fn, extras);
}

/**
 * A bridge (its own temp store unless `extras.dir`) bound to an SMSC simulator on 127.0.0.1, both stopped afterwards.
 * `extras.smpp`: more settings of the bridge's SMPP connector.
 */
export async function withSmscBridge<T>(config: DeepPartial<Config>, fn: (sim: SmscSimulator, b: TestBridge) => Promise<T>, extras: TestBridgeExtras & { dir?: string; smpp?: object } = {}): Promise<T> {
  const sim = new SmscSimulator({ ...LOGIN });
  const { port } = await sim.start();
  const b = await startTestBridge({ connectors: smppConnector(port, extras.smpp), ...config }, extras.dir, extras);
  try {
    await waitFor('the bridge to bind', () => sim.connections > 0);
    return await fn(sim, b);
  } finally {
    await b.stop();
    await sim.stop();
    if (!extras.dir) await rm(b.dir, { recursive: true, force: true });
  }
}

/** The clerk's reminder, sent as a mail client sends it; resolves with its SMS id once the SMSC has it and the bridge recorded the handover. */
export async function remind(b: TestBridge, sim: SmscSimulator, o: { to?: string; text?: string; headers?: Record<string, string>; messageId?: string; from?: string } = {}): Promise<string> {
  const to = o.to ?? HANDSET;
  const text = o.text ?? 'Bitte begleichen Sie die Rechnung INV-4711 bis Freitag.';
  const info = await mailer(b.port).sendMail({
    from: o.from ?? CLERK, to: `${to}@sms.localhost`, subject: 'Zahlungserinnerung', text, headers: o.headers, messageId: o.messageId ?? `<reminder-${Date.now()}-${Math.random()}@acme.test>`,
  });
  const id = `${queuedAs(info.response)}.1`;
  await waitFor('the reminder at the SMSC', () => sim.received.some((r) => r.destination.addr === to.slice(1) && r.text === text));
  await waitFor('the handover recorded', () => ['submitted', 'delivered'].includes(b.store.get(id)?.status ?? ''));
  return id;
}

export async function forwardedMail(b: TestBridge, replyId: string): Promise<ParsedMail> {
  const file = await waitFor('the forwarded reply in the outbox', async () => [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${replyId}.reply@`)));
  return simpleParser(file[1]);
}


export interface RestBridge {
  b: TestBridge;
  /** The aggregator: every request it got. */
  peer: Loopback;
  /** The clerk's mail to HANDSET; resolves with its SMS id once the bridge recorded the handover. */
  mailed: (messageId: string) => Promise<string>;
  /** A reply from HANDSET to OUR_NUMBER, posted to the connector's webhook.mo as the aggregator does. */
  postMo: (text: string) => Promise<Response>;
}

/** A bridge whose one connector is an http connector "rest" (JSON with {{from}}, webhook.mo on /mo/rest) to a loopback aggregator; all stopped afterwards. */
export async function withRestConnector(o: { from?: string; accounts: DeepPartial<Config>['accounts'] }, fn: (r: RestBridge) => Promise<void>): Promise<void> {
  const peer = await startLoopback();
  let n = 0;
  peer.reply = () => ({ status: 201, type: 'application/json', body: JSON.stringify({ id: `agg-${++n}` }) });
  const secret = 'rest-hook-secret-123456';
  const b = await startTestBridge({
    connectors: [{
      name: 'rest', type: 'http',
      http: {
        url: `${peer.base}/v1/messages`, ...(o.from ? { from: o.from } : {}), body: { type: 'json', fields: { to: '{{to}}', from: '{{from}}', text: '{{text}}' } },
        webhook: { enabled: true, listen: { port: 0 }, secret, mo: { path: '/mo/rest', fromParam: 'msisdn', toParam: 'shortcode', textParam: 'body' } },
      },
    }],
    accounts: o.accounts,
  });
  const mailed = async (messageId: string) => {
    const id = await sendSms(b.port, HANDSET, { from: CLERK, subject: 'Mahnung', text: 'Bitte zahlen.', messageId });
    await waitFor('handed over', () => b.store.get(id)?.status === 'submitted');
    return id;
  };
  const postMo = (text: string) => {
    const hook = new URL((b.connectors.find((c) => c.name === 'rest') as unknown as { webhookUrl: string }).webhookUrl);
    return fetch(new URL(`/mo/rest?secret=${secret}`, hook.origin), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ msisdn: HANDSET, shortcode: OUR_NUMBER, body: text }),
    });
  };
  try {
    await fn({ b, peer, mailed, postMo });
  } finally {
    await b.stop();
    await peer.close();
    await rm(b.dir, { recursive: true, force: true });
  }
}
