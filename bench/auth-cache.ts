/**
 * `npm run bench:auth`: what the verification cache saves for systems that
 * open a new connection (and log in) for every mail. Two bridges in the same
 * run, on the same machine, one with smtp.auth.cacheSeconds 300 and one with
 * 0, take the same sequence of new-connection + AUTH PLAIN + one-mail
 * sessions, in alternating rounds; reported as ratios (these machines are
 * shared and noisy, absolute times mean little). Also the bare verify call.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startBridge, type Bridge } from '../src/bridge.js';
import { buildConfig } from '../src/config/load.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SESSIONS = Number(process.env.SESSIONS ?? 40);
const PASSWORD = 'bench-passwort-123';

async function bridge(cacheSeconds: number): Promise<{ b: Bridge; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-bench-auth-'));
  const config = buildConfig({
    smtp: { port: 0, tls: { starttls: false }, auth: { cacheSeconds } },
    accounts: [{ name: 'erp', networks: [], addresses: ['@erp.test'] }],
    limits: { messagesPerMinute: 0, perNumberPerHour: 0, segmentsPerDay: 0, segmentsPerMonth: 0, brake: { newNumbersPerWindow: 0, failureRatio: 0 } },
    connectors: [{ name: 'simulator', type: 'simulator', simulator: { deliveryDelayMs: 0, sentLog: '' } }], notify: { level: 'none' }, audit: { enabled: false },
    store: { dir }, log: { level: 'silent' },
  });
  const b = await startBridge(config, { log: () => undefined });
  await b.users.add('erp', 'erp', PASSWORD);
  return { b, dir };
}

/** SESSIONS sessions one after another, each a new connection that logs in and sends one mail; returns ms. */
async function sessions(port: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < SESSIONS; i++) {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, auth: { user: 'erp', pass: PASSWORD } });
    await t.sendMail({ from: 'erp@erp.test', to: `+49151${String(20_000_000 + i)}@sms.localhost`, subject: 'x', text: 'Bench.' });
    t.close();
  }
  return performance.now() - start;
}

async function verifies(b: Bridge, n: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) if (!(await b.users.verify('erp', PASSWORD))) throw new Error('login failed');
  return performance.now() - start;
}

const cached = await bridge(300);
const uncached = await bridge(0);
try {
  const rows: Array<{ round: number; cachedMs: number; uncachedMs: number; ratio: number }> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate which goes first, so neither always meets a warmer or busier machine.
    const [a, b] = round % 2 ? [cached, uncached] : [uncached, cached];
    const first = await sessions(a.b.smtp.port);
    const second = await sessions(b.b.smtp.port);
    const cachedMs = a === cached ? first : second;
    const uncachedMs = a === cached ? second : first;
    rows.push({ round, cachedMs: Math.round(cachedMs), uncachedMs: Math.round(uncachedMs), ratio: Number((uncachedMs / cachedMs).toFixed(2)) });
  }
  const verifyCached = await verifies(cached.b, 50);
  const verifyUncached = await verifies(uncached.b, 50);
  console.table(rows);
  const ratios = rows.map((r) => r.ratio).sort((x, y) => x - y);
  console.log(`sessions (new connection + AUTH PLAIN + 1 mail), ${SESSIONS} per round: uncached/cached time, median ${ratios[Math.floor(ratios.length / 2)]}`);
  console.log(`Users.verify x50: uncached ${verifyUncached.toFixed(0)} ms, cached ${verifyCached.toFixed(1)} ms, ratio ${(verifyUncached / verifyCached).toFixed(0)}`);
} finally {
  for (const x of [cached, uncached]) {
    await x.b.stop();
    await rm(x.dir, { recursive: true, force: true });
  }
}
