import { readFile } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildConfig } from '../../src/config/load.js';
import { draftSms } from '../../src/mail/draft.js';
import { parseMail } from '../../src/mail/parse.js';
import { earliestReceived, receivedAt, receivedFrom } from '../../src/mail/received.js';
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
const froms: Array<[string, string, string | undefined]> = [
  ['a name and the address in brackets', 'from a (a.example [192.0.2.1]) by b; Mon, 30 Nov 2026 09:10:03 +0100', '192.0.2.1'],
  ['the address alone', 'from [192.0.2.7] by b; Mon, 30 Nov 2026 09:10:03 +0100', '192.0.2.7'],
  ['IPv6, folded', 'from a\r\n\t(a.example [IPv6:2001:db8::1])\r\n\tby b; Mon, 30 Nov 2026 09:10:03 +0100', '2001:db8::1'],
  ['no address in the from clause; one after by is not where it came from', 'from a by b ([192.0.2.9]); Mon, 30 Nov 2026 09:10:03 +0100', undefined],
  ['no from clause', 'by b; Mon, 30 Nov 2026 09:10:03 +0100', undefined],
];
for (const [name, value, expected] of froms) R(`from :: ${name} :: ${expected ?? 'none'}`, () => assert.is(receivedFrom(value), expected));
const inside = (ip: string) => ip.startsWith('10.');
R('several, all from trusted hops :: the earliest (the first relay\'s, whatever their order), unreadable ones left out', () => {
  const values = ['from c [10.0.0.3] by d; Mon, 30 Nov 2026 10:40:12 +0100', 'from a [10.0.0.1] by b; gestern', 'from b [10.0.0.2] by c; Mon, 30 Nov 2026 09:10:03 +0100', 'from x [10.0.0.9] by y; Mon, 30 Nov 2026 09:20:00 +0100'];
  assert.is(earliestReceived(values, inside)?.toISOString(), '2026-11-30T08:10:03.000Z');
  assert.is(earliestReceived(['from a by b'], inside), undefined);
  assert.is(earliestReceived([], inside), undefined);
});
const trust: Array<[string, string[], string | undefined]> = [
  ['the topmost line counts: the client that handed the mail to us wrote it', ['from x [203.0.113.9] by relay; Mon, 30 Nov 2026 10:40:12 +0100'], '2026-11-30T09:40:12.000Z'],
  ['a line below one from an untrusted address is the sender\'s own: left out, however early (forged)',
    ['from x [203.0.113.9] by relay; Mon, 30 Nov 2026 10:40:12 +0100', 'from erp [10.0.0.1] by x; Mon, 30 Nov 2019 09:00:00 +0100'], '2026-11-30T09:40:12.000Z'],
  ['a line below one that names no address: left out',
    ['from mx by relay; Mon, 30 Nov 2026 10:40:12 +0100', 'from erp [10.0.0.1] by mx; Mon, 30 Nov 2026 09:10:03 +0100'], '2026-11-30T09:40:12.000Z'],
  ['trusted down to the second line, then an outsider: the third is left out',
    ['from mx [10.0.0.2] by relay; Mon, 30 Nov 2026 10:40:12 +0100', 'from out [198.51.100.1] by mx; Mon, 30 Nov 2026 09:10:03 +0100', 'from y [10.0.0.5] by out; Mon, 30 Nov 2026 01:00:00 +0100'], '2026-11-30T08:10:03.000Z'],
];
for (const [name, values, expected] of trust) R(`trust :: ${name} :: ${expected ?? 'none'}`, () => assert.is(earliestReceived(values, inside)?.toISOString(), expected));
R.run();

// Mon 2026-11-30 10:50 in Berlin: the mail asks for 09:30 (08:30 UTC) and reaches the bridge 80 minutes after that.
const NOW = new Date('2026-11-30T09:50:00Z');
const config = buildConfig({});

// The fixtures' relays: mx.acme.test 192.0.2.10 and the ERP 192.0.2.20.
const ACME_NETWORK = (ip: string) => ip.startsWith('192.0.2.');

async function draftOfFixture(name: string, trustedHop: (ip: string) => boolean = ACME_NETWORK) {
  const parsed = await parseMail(await fixture(name));
  return { parsed, draft: draftSms({ parsed, envelopeFrom: 'erp@acme.test', now: NOW, options: { ...config.options, timeZone: 'Europe/Berlin' }, text: config.text, trustedHop }) };
}

const W = suite('mail received :: when a mail without a Date was written, for a send time already past');
W('no Date, relayed: its first relay took it at 09:10, before the 09:30 asked for :: the time had passed on the way, it goes at once and says so', async () => {
  const { parsed, draft } = await draftOfFixture('erp-no-date-relayed.eml');
  assert.is(parsed.date, undefined);
  assert.is(parsed.received?.length, 2);
  assert.not.ok(draft instanceof SmtpError, draft instanceof SmtpError ? draft.message : '');
  if (draft instanceof SmtpError) return;
  assert.is(draft.options.sendAt, undefined);
  assert.is(draft.passed?.toISOString(), '2026-11-30T08:30:00.000Z');
});
W('no Date, Received: headers without a readable stamp :: written when it came, so 09:30 is 80 minutes before: refused', async () => {
  const { parsed, draft } = await draftOfFixture('erp-no-date-unreadable-received.eml');
  assert.ok(parsed.received?.length);
  assert.ok(draft instanceof SmtpError);
  assert.is(draft.errorName, 'BadOption');
  assert.match(draft.message, /option \[AT\] has the value "30\.11\.2026 09:30", which is not valid: use a time after the mail was written \(2026-11-30 10:50 Europe\/Berlin\)/);
});
W('no Date, relayed, but mx.acme.test (which wrote the 09:10 line) in no trusted network :: only the relay\'s 10:40 counts, so 09:30 is refused', async () => {
  const { draft } = await draftOfFixture('erp-no-date-relayed.eml', () => false);
  assert.ok(draft instanceof SmtpError);
  assert.match(draft.message, /use a time after the mail was written \(2026-11-30 10:40 Europe\/Berlin\)/);
});
W('a Date header (10:45) and an earlier Received: :: the Date is when it was written, so 09:30 is refused', async () => {
  const { parsed, draft } = await draftOfFixture('dated-relayed.eml');
  assert.ok(draft instanceof SmtpError);
  assert.match(draft.message, /use a time after the mail was written \(2026-11-30 10:45 Europe\/Berlin\)/);
});
W.run();
