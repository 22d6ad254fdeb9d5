import { rm } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { wallTimeIn, zonedToInstant } from '../../src/mail/dates.js';
import { outboxFiles, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

const S = suite('dispatch scheduling');

/**
 * The ERP case: held until its time, survives a restart, goes out after its
 * time (never before), and the confirmations show the reference and the times.
 * The send time is an hour ahead on the bridge's injected clock, which is moved
 * past it after the restart: a time a few seconds ahead on the real clock could
 * pass before the bridge was stopped on a busy machine, and the SMS went out
 * before the restart it was meant to survive. The dispatcher still runs on its
 * real tick (250 ms); how soon after its time it goes is not asserted.
 */
S('X-SMS-Send-At ahead :: held, survives a restart, never sent before its time, reference in the confirmation', async () => {
  const clock = { offset: 0 };
  const now = () => new Date(Date.now() + clock.offset);
  let b = await startTestBridge({ notify: { level: 'all' } }, undefined, { now });
  const dir = b.dir;
  try {
    const sendAt = new Date(Math.ceil(now().getTime() / 1000) * 1000 + 3600_000); // whole seconds: the header carries no milliseconds
    const info = await mailer(b.port).sendMail({
      from: 'erp@acme.test', to: '+4915112345641@sms.localhost', subject: 'Mahnung', text: 'Bitte zahlen Sie bis Freitag.',
      headers: { 'X-SMS-Send-At': sendAt.toISOString().replace('.000Z', 'Z'), 'X-SMS-Reference': 'INV-4711' },
    });
    const id = queuedAs(info.response);
    const accepted = await simpleParser((await waitFor('acceptance confirmation', async () =>
      [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${id}.1.accepted@`))))[1]);
    assert.match(accepted.text ?? '', /will be sent at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    assert.match(accepted.text ?? '', /Your reference: +INV-4711/);

    await b.stop();
    assert.is(b.sim.sent.length, 0, 'nothing sent before its time');
    b = await startTestBridge({ notify: { level: 'all' } }, dir, { now });
    clock.offset = sendAt.getTime() + 1000 - Date.now();
    const sms = await waitFor('scheduled SMS', () => b.sim.sent.find((s) => s.id === `${id}.1`));
    assert.ok(sms.receivedAt >= sendAt.getTime(), `sent ${sendAt.getTime() - sms.receivedAt} ms early`);
    assert.is(sms.text, 'Bitte zahlen Sie bis Freitag.');
    const delivered = await simpleParser((await waitFor('delivered confirmation', async () =>
      [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${id}.1.delivered@`))))[1]);
    assert.match(delivered.text ?? '', /Your reference: +INV-4711/);
    assert.match(delivered.text ?? '', /Send time: /);
    const stages = (delivered.text ?? '').match(/^ {2}\d{4}-.*$/gm) ?? [];
    assert.equal(stages.map((l) => l.replace(/^.*UTC\S*\s+/, '')), ['Accepted', 'Handed to carrier', 'Delivered']);
  } finally {
    await b.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

const two = (n: number) => String(n).padStart(2, '0');

async function confirmation(b: TestBridge, id: string, stage: string) {
  const file = await waitFor(`${stage} confirmation of ${id}`, async () => [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${id}.${stage}@`)));
  return (await simpleParser(file[1])).text ?? '';
}

/**
 * Issue 4, "Done when", as one scenario. The bridge's clock is injected and
 * moved forward instead of waiting a minute and a day; the dispatcher still
 * runs on its real 250 ms tick, so "sent" means the real path took it.
 */
S('done when :: ERP headers and both clerk subjects are held, survive a restart, go out with sender ACME at their time; EVILCORP is refused', async () => {
  const clock = { offset: 0 };
  const now = () => new Date(Date.now() + clock.offset);
  const config = {
    notify: { level: 'final' as const },
    accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], allowedSenderIds: ['ACME'] }] as never,
  };
  let b = await startTestBridge(config, undefined, { now });
  const dir = b.dir;
  try {
    const send = (subject: string, headers: Record<string, string> = {}) =>
      mailer(b.port).sendMail({ from: 'erp@acme.test', to: '+4915112345643@sms.localhost', subject, text: subject === 'Mahnung' ? 'Bitte zahlen Sie bis Freitag.' : '', headers });
    const idOf = (r: string) => `${queuedAs(r)}.1`;

    const sendAt = new Date(Math.ceil(now().getTime() / 1000) * 1000 + 60_000);
    const erp = idOf((await send('Mahnung', { 'X-SMS-Send-At': sendAt.toISOString().replace('.000Z', 'Z'), 'X-SMS-Sender-ID': 'ACME', 'X-SMS-Reference': 'INV-4711' })).response);
    const today = wallTimeIn(now(), 'Europe/Berlin');
    const t = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
    const [y, m, d] = [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
    const jobperiod = idOf((await send(`[JOBPERIOD:${y}-${two(m)}-${two(d)}T09:00:00+01:00][SRC:ACME] Erinnerung`)).response);
    const at = idOf((await send(`[AT:${two(d)}.${two(m)}.${y} 09:00][SRC:ACME] Erinnerung`)).response);
    const jobperiodAt = new Date(`${y}-${two(m)}-${two(d)}T08:00:00Z`);
    const atAt = zonedToInstant({ year: y, month: m, day: d, hour: 9, minute: 0, second: 0 }, 'Europe/Berlin');

    try {
      await send('Mahnung', { 'X-SMS-Sender-ID': 'EVILCORP' });
      assert.unreachable('EVILCORP must be refused');
    } catch (e) {
      assert.is((e as { response?: string }).response, '550 5.7.1 the sender ID "EVILCORP" is not allowed for account "acme"; allowed: ACME');
    }

    const accepted = await confirmation(b, erp, 'accepted');
    assert.match(accepted, /accepted at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\S* and will be sent at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    assert.match(accepted, /Your reference: +INV-4711/);
    assert.match(accepted, /Sender: +ACME/);
    assert.match(await confirmation(b, jobperiod, 'accepted'), /will be sent at /);
    assert.match(await confirmation(b, at, 'accepted'), /will be sent at /);

    await b.stop();
    assert.is(b.sim.sent.length, 0, 'nothing sent before its time');
    b = await startTestBridge(config, dir, { now });
    // An SMS due now, sent after the restart, is the proof that the dispatcher has looked at the queue since:
    // once it is at the SMSC, the held ones were seen and were not due.
    const now1 = idOf((await send('Sofort')).response);
    await waitFor('the SMS due now at the SMSC', () => b.sim.sent.some((s) => s.id === now1));
    assert.equal(b.sim.sent.map((s) => s.id), [now1], 'still nothing before its time after the restart');

    clock.offset += 61_000;
    const first = await waitFor('the ERP SMS', () => b.sim.sent.find((s) => s.id === erp));
    assert.ok(first.receivedAt >= sendAt.getTime(), 'not before its time');
    assert.equal([first.sender, first.text], ['ACME', 'Bitte zahlen Sie bis Freitag.']);
    const delivered = await confirmation(b, erp, 'delivered');
    assert.match(delivered, /Your reference: +INV-4711/);
    assert.match(delivered, /Send time: +\d{4}-/);
    const stages = delivered.match(/^ {2}\d{4}-.*$/gm) ?? [];
    assert.equal(stages.map((l) => l.replace(/^.*UTC\S*\s+/, '')), ['Accepted', 'Handed to carrier', 'Delivered']);

    clock.offset = Math.max(jobperiodAt.getTime(), atAt.getTime()) + 1000 - Date.now();
    const clerks = await waitFor('both clerk SMS', () => {
      const found = [jobperiod, at].map((id) => b.sim.sent.find((s) => s.id === id));
      return found.every(Boolean) ? found : undefined;
    }, 10_000);
    assert.ok(clerks[0]!.receivedAt >= jobperiodAt.getTime() && clerks[1]!.receivedAt >= atAt.getTime(), 'not before their time');
    assert.equal(clerks.map((s) => [s!.sender, s!.text]), [['ACME', 'Erinnerung'], ['ACME', 'Erinnerung']]);
  } finally {
    await b.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

S.run();
