import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { markerSent, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { chat, dataLines, mailer, queuedAs } from '../helpers/smtp.js';

/**
 * A mail's duplicate key is its Message-ID, the number and what it says: a
 * retry of the same mail is recognised, a reused Message-ID with another
 * text is a new SMS (and a warning), over real SMTP.
 */
const R = suite<{ b: TestBridge; clock: { offset: number } }>('smtp message-id reuse');

R.before(async (ctx) => {
  ctx.clock = { offset: 0 };
  ctx.b = await startTestBridge({}, undefined, { now: () => new Date(Date.now() + ctx.clock.offset) });
});
R.after(async ({ b }) => {
  await b.stop();
  await rm(b.dir, { recursive: true, force: true });
});

const send = (b: TestBridge, to: string, text: string, messageId: string, subject = 'Mahnung') =>
  mailer(b.port).sendMail({ from: 'erp@acme.test', to: `${to}@sms.localhost`, subject, text, messageId });

R('regression: a Message-ID reused with another text (an ERP\'s fixed id) :: a new SMS, not "already queued", and a warning names the earlier mail', async ({ b }) => {
  const first = await send(b, '+4915112345800', 'Mahnung 1', '<erp-dup-1@acme.test>');
  const second = await send(b, '+4915112345800', 'Mahnung 2', '<erp-dup-1@acme.test>');
  assert.match(second.response, /^250 2\.0\.0 queued as [0-9A-Z]+ \(1 SMS\)$/);
  await waitFor('both texts at the connector', () => b.sim.sent.filter((s) => s.to === '+4915112345800').length === 2);
  assert.equal(b.sim.sent.filter((s) => s.to === '+4915112345800').map((s) => s.text).sort(), ['Mahnung 1', 'Mahnung 2']);
  const warning = b.events.find((e) => e.evt === 'sms-message-id-reused');
  assert.ok(warning, 'a warning for the operator');
  assert.equal([warning.mailId, warning.earlier, warning.messageId], [queuedAs(second.response), queuedAs(first.response), '<erp-dup-1@acme.test>']);
});

R('the same mail again (a retry after a lost reply) :: "already queued", one SMS, no warning', async ({ b }) => {
  const first = await send(b, '+4915112345801', 'Mahnung 1', '<erp-retry-1@acme.test>');
  const again = await send(b, '+4915112345801', 'Mahnung 1', '<erp-retry-1@acme.test>');
  assert.match(again.response, new RegExp(`^250 2\\.0\\.0 already queued as ${queuedAs(first.response)}:`));
  await waitFor('the SMS', () => b.sim.sent.some((s) => s.to === '+4915112345801'));
  await markerSent(b);
  assert.is(b.sim.sent.filter((s) => s.to === '+4915112345801').length, 1);
  assert.not.ok(b.events.some((e) => e.evt === 'sms-message-id-reused' && e.messageId === '<erp-retry-1@acme.test>'));
});

R('the same Message-ID and text to another number (a mail server splitting the recipients) :: an SMS, no warning', async ({ b }) => {
  await send(b, '+4915112345803', 'Lieferung kommt', '<erp-split-1@acme.test>');
  const other = await send(b, '+4915112345804', 'Lieferung kommt', '<erp-split-1@acme.test>');
  assert.match(other.response, /^250 2\.0\.0 queued as [0-9A-Z]+ \(1 SMS\)$/);
  assert.not.ok(b.events.some((e) => e.evt === 'sms-message-id-reused' && e.messageId === '<erp-split-1@acme.test>'));
});

/** A mail as a bare ERP SMTP client writes it: no Message-ID. The last reply is the one to its DATA. */
async function sendWithoutId(b: TestBridge, to: string, text: string, date: string): Promise<string> {
  const replies = await chat(b.port, ['EHLO erp.acme.test', 'MAIL FROM:<erp@acme.test>', `RCPT TO:<${to}@sms.localhost>`, 'DATA',
    ...dataLines(`From: erp@acme.test\r\nTo: ${to}@sms.localhost\r\nSubject: Mahnung\r\nDate: ${date}\r\n\r\n${text}`), 'QUIT']);
  return replies.at(-2)!.text;
}

R('a mail without a Message-ID sent again (the same Date, From, number and text) :: "already queued", one SMS', async ({ b }) => {
  const date = 'Mon, 30 Nov 2026 23:02:00 +0100';
  const first = await sendWithoutId(b, '+4915112345805', 'ERP Nachricht ohne Message-ID', date);
  assert.match(first, /^250 2\.0\.0 queued as [0-9A-Z]+ \(1 SMS\)$/);
  const again = await sendWithoutId(b, '+4915112345805', 'ERP Nachricht ohne Message-ID', date);
  assert.match(again, new RegExp(`^250 2\\.0\\.0 already queued as ${queuedAs(first)}:`));
  await waitFor('the SMS', () => b.sim.sent.some((s) => s.to === '+4915112345805'));
  await markerSent(b);
  assert.is(b.sim.sent.filter((s) => s.to === '+4915112345805').length, 1);
  assert.is(b.store.get(`${queuedAs(first)}.1`)!.mail.messageId, undefined, 'no Message-ID is made up for the SMS');
});

R('mails without a Message-ID in one second (an ERP batch) :: each its own SMS, whatever differs: the text, the number, the Date; no warning', async ({ b }) => {
  const date = 'Mon, 30 Nov 2026 23:05:00 +0100';
  const replies = [
    await sendWithoutId(b, '+4915112345806', 'Rechnung 1', date),
    await sendWithoutId(b, '+4915112345806', 'Rechnung 2', date),
    await sendWithoutId(b, '+4915112345807', 'Rechnung 1', date),
    await sendWithoutId(b, '+4915112345806', 'Rechnung 1', 'Mon, 30 Nov 2026 23:05:01 +0100'),
  ];
  for (const r of replies) assert.match(r, /^250 2\.0\.0 queued as [0-9A-Z]+ \(1 SMS\)$/);
  const ids = replies.map(queuedAs);
  assert.not.ok(b.events.some((e) => e.evt === 'sms-message-id-reused' && ids.includes(e.mailId as string)));
});

R('a retry the next day of a mail with a relative send time ([AT:morgen 09:00]) :: still "already queued", though "morgen" is another day now', async ({ b, clock }) => {
  const first = await send(b, '+4915112345802', 'Termin morgen', '<erp-at-1@acme.test>', '[AT:morgen 09:00] Erinnerung');
  const scheduled = b.store.get(`${queuedAs(first.response)}.1`)!.sendAt;
  assert.ok(scheduled, 'the first was scheduled');
  // Last in the suite: the bridge's clock only moves forward (the rate's bucket must not see it go back).
  clock.offset = 24 * 3600_000;
  const again = await send(b, '+4915112345802', 'Termin morgen', '<erp-at-1@acme.test>', '[AT:morgen 09:00] Erinnerung');
  assert.match(again.response, new RegExp(`^250 2\\.0\\.0 already queued as ${queuedAs(first.response)}:`));
});

R.run();
