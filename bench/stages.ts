/**
 * `node --import tsx bench/stages.ts [N]`: CPU time per SMS of each stage of
 * the bridge's path, each run alone in this process on the benchmark's mail
 * (process.cpuUsage: user + system, including the libuv threads). It says
 * where a figure of the end-to-end run goes, independent of how busy the
 * machine is; not a substitute for the end-to-end benchmark.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConfig } from '../src/config/load.js';
import { parseMail, type ParsedMail } from '../src/mail/parse.js';
import { toSms } from '../src/mail/to-sms.js';
import { composeConfirmation, ConfirmationTemplates } from '../src/notify/compose.js';
import { FileOutbox } from '../src/notify/outbox.js';
import { confirmationsFor } from '../src/notify/policy.js';
import { parseRecipientNumber } from '../src/sms/number.js';
import { JournalStore } from '../src/store/journal-store.js';
import type { SmsMessage } from '../src/store/types.js';
import { callbackLevel } from '../src/notify/callbacks/levels.js';
import { mailBody } from './mail.js';

const TEMPLATES = fileURLToPath(new URL('../templates', import.meta.url));

async function stage(name: string, n: number, concurrency: number, fn: (i: number) => Promise<unknown> | unknown): Promise<{ name: string; cpuMs: number; sysMs: number }> {
  for (let i = 0; i < Math.min(200, n); i++) await fn(-1 - i); // warm-up
  const c0 = process.cpuUsage();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < n; i = next++) await fn(i);
  }));
  const c = process.cpuUsage(c0);
  return { name, cpuMs: (c.user + c.system) / 1000 / n, sysMs: c.system / 1000 / n };
}

/**
 * Measures in `parent` (a new folder in it), which stays: run.ts measures the stages before the
 * cases and removes its work folder only when all is done, since deleting files here would make
 * the next cases' file creation dearer (see cases.ts, freshBridge). Without `parent`: a temp
 * folder, removed at the end.
 */
export async function stages(n: number, parent?: string): Promise<Array<{ name: string; cpuMs: number; sysMs: number }>> {
  const config = buildConfig({}, 'defaults');
  const dir = await mkdtemp(join(parent ?? tmpdir(), 'mail2sms-stages-'));
  const out: Array<{ name: string; cpuMs: number; sysMs: number }> = [];
  const parsed: ParsedMail = await parseMail(mailBody(0, 'stages'));
  const make = (i: number) => toSms({
    parsed: { ...parsed, messageId: `<stages.${i}@erp.acme.test>` }, envelopeFrom: 'erp@acme.test', recipients: [{ address: '+4915112345678@sms.localhost', e164: '+4915112345678' }],
    mailId: `S${i}`, account: 'default', now: new Date(), remoteAddress: '127.0.0.1', clientHostname: 'localhost',
    options: config.options, text: config.text, notify: callbackLevel(config.notify.level) ?? 'final', wantsConfirmation: confirmationsFor,
  }) as { messages: SmsMessage[]; dedupKeys: Array<string | undefined> };
  try {
    out.push(await stage('parse the mail (mailparser)', n, 1, (i) => parseMail(mailBody(i, 'stages'))));
    out.push(await stage('recipient number (libphonenumber, once)', n, 1, () => parseRecipientNumber('+4915112345678', 'DE')));
    out.push(await stage('mail → SMS (options, text, segments, dedup key)', n, 1, (i) => make(i)));
    const store = new JournalStore({ dir: join(dir, 'store'), segmentBytes: 64 * 1024 * 1024, duplicateWindowHours: 72 });
    await store.open();
    out.push(await stage('store.accept (journal, 20 at a time)', n, 20, (i) => store.accept(make(i))));
    out.push(await stage('status change (journal, 20 at a time)', n, 20, (i) => (i >= 0 ? store.transition(`S${i}.1`, { event: { status: 'submitting', at: new Date().toISOString() } }) : undefined)));
    await store.close();
    const sms: SmsMessage = { ...make(0).messages[0], status: 'delivered' };
    const templates = new ConfirmationTemplates(TEMPLATES);
    const conf = await composeConfirmation({ sms, status: 'delivered', from: config.notify.from, reportingMta: 'mail2sms.localhost', now: new Date(), templatesDir: TEMPLATES, templates });
    out.push(await stage('compose a confirmation (Eta templates, MIME written by mime.ts, nodemailer encodes the fields and bodies)', n, 1, () =>
      composeConfirmation({ sms, status: 'delivered', from: config.notify.from, reportingMta: 'mail2sms.localhost', now: new Date(), templatesDir: TEMPLATES, templates })));
    const outbox = new FileOutbox(join(dir, 'outbox'));
    out.push(await stage('write it to the file outbox (8 at a time)', n, 8, (i) => outbox.send({ raw: conf.raw, to: conf.to, from: '', messageId: `<S${i}.1.delivered@x>` })));
  } finally {
    if (!parent) await rm(dir, { recursive: true, force: true });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 3000);
  const rows = await stages(n);
  for (const r of rows) console.log(`${r.cpuMs.toFixed(3).padStart(7)} ms  (${r.sysMs.toFixed(3)} system)  ${r.name}`);
  console.log(`${rows.reduce((s, r) => s + r.cpuMs, 0).toFixed(3).padStart(7)} ms  in all (SMTP handling, dispatch, simulator and logging not included)`);
}
