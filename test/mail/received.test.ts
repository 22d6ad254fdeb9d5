import { readFile } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildConfig } from '../../src/config/load.js';
import { draftSms } from '../../src/mail/draft.js';
import { parseMail } from '../../src/mail/parse.js';
import { earliestReceived, receivedAt } from '../../src/mail/received.js';
import { SmtpError } from '../../src/smtp/errors.js';

const fixture = (name: string): Promise<Buffer> => readFile(new URL(`../fixtures/${name}`, import.meta.url));

const R = suite('mail received :: the timestamp of a Received: header');
const stamps: Array<[string, string, string | undefined]> = [
  ['a relay\'s stamp with a zone comment', 'from a (a [192.0.2.1]) by b with ESMTP id 1; Mon, 30 Nov 2026 09:10:03 +0100 (CET)', '2026-11-30T08:10:03.000Z'],
  ['folded before the stamp, one-digit day', 'from a by b with SMTP id 2;\r\n\tMon, 1 Dec 2026 08:00:00 -0500', '2026-12-01T13:00:00.000Z'],
  ['without a weekday, in GMT', 'by b; 30 Nov 2026 09:10 GMT', '2026-11-30T09:10:00.000Z'],
  ['a semicolon in the clauses: the stamp is after the last', 'from a (x;y) by b; Mon, 30 Nov 2026 09:10:03 +0000', '2026-11-30T09:10:03.000Z'],
  ['no stamp', 'from a by b with SMTP', undefined],
  ['a stamp without a zone (could be any of 27 hours)', 'from a by b; 30 Nov 2026 09:10:03', undefined],
  ['words, not a stamp', 'from a by b; gestern', undefined],
  ['text with a zone, not a stamp (Date would read year 100)', 'from a by b; garbage +0100', undefined],
  ['an hour that does not exist', 'from a by b; Mon, 30 Nov 2026 25:10:03 +0100', undefined],
];
for (const [name, value, expected] of stamps) R(`${name} :: ${expected ?? 'none'}`, () => assert.is(receivedAt(value)?.toISOString(), expected));
R('several :: the earliest (the first relay\'s, whatever their order), unreadable ones left out', () => {
  const values = ['from c by d; Mon, 30 Nov 2026 10:40:12 +0100', 'from a by b; gestern', 'from b by c; Mon, 30 Nov 2026 09:10:03 +0100', 'from x by y; Mon, 30 Nov 2026 09:20:00 +0100'];
  assert.is(earliestReceived(values)?.toISOString(), '2026-11-30T08:10:03.000Z');
  assert.is(earliestReceived(['from a by b']), undefined);
  assert.is(earliestReceived([]), undefined);
});
R.run();

// Mon 2026-11-30 10:50 in Berlin: the mail asks for 09:30 (08:30 UTC) and reaches the bridge 80 minutes after that.
const NOW = new Date('2026-11-30T09:50:00Z');
const config = buildConfig({});

async function draftOfFixture(name: string) {
  const parsed = await parseMail(await fixture(name));
  return { parsed, draft: draftSms({ parsed, envelopeFrom: 'erp@acme.test', now: NOW, options: { ...config.options, timeZone: 'Europe/Berlin' }, text: config.text }) };
}

const W = suite('mail received :: when a mail without a Date was written, for a send time already past');
W('no Date, relayed: its first relay took it at 09:10, before the 09:30 asked for :: the time had passed on the way, it goes at once and says so', async () => {
  const { parsed, draft } = await draftOfFixture('erp-no-date-relayed.eml');
  assert.is(parsed.date, undefined);
  assert.is(parsed.firstReceived?.toISOString(), '2026-11-30T08:10:03.000Z');
  assert.not.ok(draft instanceof SmtpError, draft instanceof SmtpError ? draft.message : '');
  if (draft instanceof SmtpError) return;
  assert.is(draft.options.sendAt, undefined);
  assert.is(draft.passed?.toISOString(), '2026-11-30T08:30:00.000Z');
});
W('no Date, Received: headers without a readable stamp :: written when it came, so 09:30 is 80 minutes before: refused', async () => {
  const { parsed, draft } = await draftOfFixture('erp-no-date-unreadable-received.eml');
  assert.is(parsed.firstReceived, undefined);
  assert.ok(draft instanceof SmtpError);
  assert.is(draft.errorName, 'BadOption');
  assert.match(draft.message, /option \[AT\] has the value "30\.11\.2026 09:30", which is not valid: use a time after the mail was written \(2026-11-30 10:50 Europe\/Berlin\)/);
});
W('a Date header (10:45) and an earlier Received: :: the Date is when it was written, so 09:30 is refused', async () => {
  const { parsed, draft } = await draftOfFixture('dated-relayed.eml');
  assert.is(parsed.firstReceived?.toISOString(), '2026-11-30T08:10:03.000Z');
  assert.ok(draft instanceof SmtpError);
  assert.match(draft.message, /use a time after the mail was written \(2026-11-30 10:45 Europe\/Berlin\)/);
});
W.run();
