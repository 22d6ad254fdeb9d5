/**
 * `npm run screenshots`: the README's pictures of the portal, taken by a
 * script (never by hand) so they can be made again after any change. Starts
 * a bridge on a temporary store seeded with two weeks of made-up history,
 * sends the INV-4711 reminder for real, and photographs the dashboard and
 * the reminder's timeline in headless Chromium → docs/*.png.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startBridge } from '../src/bridge.js';
import { buildConfig } from '../src/config/load.js';
import { packageRoot } from '../src/paths.js';
import { appendToArchive } from '../src/store/archive.js';
import { newMailId } from '../src/store/ids.js';
import type { SmsMessage, SmsStatus } from '../src/store/types.js';
import { launchBrowser } from '../test/helpers/browser.js';

const DAY = 86_400_000;
const NUMBERS = ['+4915112345678', '+4917612345678', '+436641234567', '+41791234567', '+4915790123456', '+31612345678'];

/** Deterministic made-up traffic: a few hundred SMS a weekday, some failures, several countries. */
function history(now: number): SmsMessage[] {
  let seed = 7;
  const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const out: SmsMessage[] = [];
  for (let d = 13; d >= 1; d--) {
    const dayStart = Math.floor((now - d * DAY) / DAY) * DAY;
    const weekend = [0, 6].includes(new Date(dayStart).getUTCDay());
    const count = Math.round((weekend ? 40 : 260) * (0.8 + rnd() * 0.4));
    for (let i = 0; i < count; i++) {
      const at = dayStart + 7 * 3600_000 + rnd() * 10 * 3600_000;
      const status: SmsStatus = rnd() < 0.035 ? 'failed' : rnd() < 0.01 ? 'expired' : 'delivered';
      const mailId = newMailId(new Date(at), () => Buffer.from(Math.floor(rnd() * 2 ** 40).toString(16).padStart(10, '0'), 'hex'));
      const sent = at + 200 + rnd() * 800;
      const final = sent + 1500 + rnd() * rnd() * 40_000;
      const iso = (t: number) => new Date(t).toISOString();
      out.push({
        id: `${mailId}.1`, mailId, account: rnd() < 0.7 ? 'acme' : 'acme-logistics', to: NUMBERS[Math.floor(rnd() * rnd() * NUMBERS.length)],
        text: 'Zahlungserinnerung', encoding: 'GSM7', segments: rnd() < 0.2 ? 2 : 1, reference: `INV-${3000 + out.length}`,
        mail: { envelopeFrom: 'erp@acme.test', rcptTo: 'x', receivedAt: iso(at) }, notify: 'final', status, attempts: 1, notBefore: iso(at), confirmations: [],
        history: [
          { status: 'accepted', at: iso(at) },
          { status: 'submitted', at: iso(sent), connector: 'simulator', connectorMessageId: `SIM${out.length}` },
          { status, at: iso(final), connector: 'simulator', ...(status === 'delivered' ? {} : { reason: status === 'failed' ? 'absent subscriber' : 'no delivery report within 48 h' }) },
        ],
      });
    }
  }
  return out;
}

const dir = await mkdtemp(join(tmpdir(), 'mail2sms-screenshots-'));
const config = buildConfig({
  smtp: { port: 0 }, api: { port: 0 }, store: { dir }, log: { level: 'silent' },
  accounts: [
    { name: 'acme', description: 'ACME accounting', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], senderId: 'ACME' },
    { name: 'acme-logistics', description: 'ACME logistics', networks: [], addresses: ['@logistics.acme.test'] },
  ],
  connectors: [{ name: 'simulator', type: 'simulator', simulator: { deliveryDelayMs: 2300 } }],
}, 'screenshots');
await appendToArchive(join(dir, 'archive'), history(Date.now()));
const bridge = await startBridge(config, { log: () => undefined });
const browser = await launchBrowser();
try {
  await bridge.users.add('lead', 'acme', 'team-lead-password', 'admin');
  const mail = nodemailer.createTransport({ host: '127.0.0.1', port: bridge.smtp.port, secure: false, ignoreTLS: true });
  const info = await mail.sendMail({
    from: 'erp@acme.test', to: '+4915112345678@sms.localhost', subject: 'Zahlungserinnerung', headers: { 'X-SMS-Reference': 'INV-4711' },
    text: 'Guten Tag, Ihre Rechnung INV-4711 über 149,00 EUR ist seit dem 20.11. fällig. Bitte überweisen Sie den Betrag bis Freitag. ACME Buchhaltung',
  });
  const id = `${/queued as ([0-9A-Z]+)/.exec(info.response)![1]}.1`;
  for (let i = 0; i < 100 && bridge.store.get(id)?.status !== 'delivered'; i++) await new Promise((r) => setTimeout(r, 100));
  const base = `http://127.0.0.1:${bridge.api!.port}`;
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`${base}/login`);
  await page.getByLabel('User').fill('lead');
  await page.getByLabel('Password').fill('team-lead-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/`);
  const docs = join(packageRoot(), 'docs');
  await page.screenshot({ path: join(docs, 'portal-dashboard.png'), fullPage: true });
  await page.goto(`${base}/messages?reference=INV-4711`);
  await page.locator(`tr[data-id="${id}"] a`).click();
  await page.waitForURL(`${base}/messages/${id}`);
  await page.screenshot({ path: join(docs, 'portal-timeline.png'), fullPage: true });
  process.stdout.write(`wrote ${docs}/portal-dashboard.png and portal-timeline.png\n`);
} finally {
  await browser.close();
  await bridge.stop();
  await rm(dir, { recursive: true, force: true });
}
