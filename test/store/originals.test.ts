import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { Originals } from '../../src/store/originals.js';
import { simpleParser } from 'mailparser';
import { outboxFiles, startTestBridge, waitFor } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';
import { suite } from '../helpers/suite.js';

/**
 * The mails kept for RET=FULL reports (src/store/originals.ts): whole under
 * their name or not there, kept from when their last SMS falls due, and
 * none left behind for a mail that was not stored.
 */
const O = suite('store :: originals kept for RET=FULL');
const DAY = 86_400_000;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'originals-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

O('a mail scheduled ten days ahead, kept a week :: still there after eight days, removed a week after it fell due', () => withDir(async (dir) => {
  const now = { t: Date.parse('2026-11-30T08:00:00Z') };
  const originals = new Originals({ dir, days: 7, maxBytes: 100_000, now: () => new Date(now.t), log: () => undefined });
  const raw = Buffer.from('From: erp@acme.test\r\nSubject: Termin\r\n\r\nIhr Termin am 10.12.\r\n');
  assert.is(await originals.keep('MAIL1', raw, new Date(now.t + 10 * DAY)), 'kept');
  assert.equal(await readdir(dir), ['MAIL1.eml'], 'under its name, nothing half written beside it');
  assert.equal(await readFile(join(dir, 'MAIL1.eml')), raw);
  now.t += 8 * DAY;
  await originals.sweep();
  assert.equal(await readdir(dir), ['MAIL1.eml'], 'written eight days ago, due in two');
  now.t += 10 * DAY;
  await originals.sweep();
  assert.equal(await readdir(dir), []);
}));

O('what a crash left half written :: removed by the sweep once a day old, not while a keep may be writing it', () => withDir(async (dir) => {
  const now = { t: Date.now() };
  const originals = new Originals({ dir, days: 7, maxBytes: 100_000, now: () => new Date(now.t), log: () => undefined });
  await writeFile(join(dir, 'MAIL2.eml.tmp'), 'From: erp@acme.test\r\n');
  await utimes(join(dir, 'MAIL2.eml.tmp'), new Date(now.t + 30 * DAY), new Date(now.t + 30 * DAY)); // the due time was set before the crash
  await originals.sweep();
  assert.equal(await readdir(dir), ['MAIL2.eml.tmp']);
  now.t += 2 * DAY;
  await originals.sweep();
  assert.equal(await readdir(dir), []);
}));

O('a copy that cannot be written :: false and logged, no temporary file left', () => withDir(async (dir) => {
  const lines: string[] = [];
  await writeFile(join(dir, 'file'), 'not a folder');
  const originals = new Originals({ dir: join(dir, 'file', 'originals'), days: 7, maxBytes: 100_000, now: () => new Date(), log: (evt) => lines.push(evt) });
  assert.is(await originals.keep('MAIL3', Buffer.from('x'), new Date()), 'failed');
  assert.equal(lines, ['original-not-kept']);
}));

O('RET=FULL over SMTP :: the copy is there when the SMS is stored; a duplicate mail (already queued) leaves none of its own', async () => {
  const b = await startTestBridge();
  try {
    const send = () => mailer(b.port).sendMail({
      from: 'erp@acme.test', to: '+4915112345697@sms.localhost', subject: 'Mahnung', text: 'Bitte zahlen Sie bis Freitag.', messageId: '<inv-4712@acme.test>',
      dsn: { notify: ['success'], ret: 'full' },
    });
    const first = queuedAs((await send()).response);
    const kept = join(b.dir, 'originals', `${first}.eml`);
    const copy = await stat(kept);
    assert.ok(copy.size > 0);
    const again = await send();
    assert.match(again.response, new RegExp(`already queued as ${first}`));
    assert.equal(await readdir(join(b.dir, 'originals')), [`${first}.eml`], 'the duplicate\'s copy removed again');
    await waitFor('the SMS sent', () => b.sim.sent.length === 1);
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

O('RET=FULL, the copy cannot be written (originals/ is a file) :: the mail is taken, and its report returns the headers saying it could not be kept, not that it is no longer kept', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'originals-blocked-'));
  await writeFile(join(dir, 'originals'), 'not a folder');
  const b = await startTestBridge({}, dir);
  try {
    const info = await mailer(b.port).sendMail({
      from: 'erp@acme.test', to: '+4915112345699@sms.localhost', subject: 'Mahnung', text: 'Bitte zahlen Sie bis Freitag.', dsn: { notify: ['success'], ret: 'full' },
    });
    const id = queuedAs(info.response);
    assert.ok(b.events.some((e) => e.evt === 'original-not-kept' && e.mailId === id));
    const report = await waitFor('the report', async () => (await outboxFiles(b)).get(`${id}.1.delivered@mail2sms.localhost.eml`));
    assert.match((await simpleParser(report)).text!, 'Only the headers of your message are attached, not the full message you asked for (RET=FULL): it could not be kept when it arrived.');
  } finally {
    await b.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

O.run();
