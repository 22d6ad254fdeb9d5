import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { formatTime } from '../../src/notify/times.js';
import { SmtpError } from '../../src/smtp/errors.js';
import { queuedReply, sendTimes, subjectNote, type Queued } from '../../src/smtp/queued-reply.js';
import { startTestBridge, type TestBridge } from '../helpers/bridge.js';
import { mailer } from '../helpers/smtp.js';

const Q = suite('smtp 250 after DATA');

const BASE: Queued = { mailId: 'MX1', stored: 1, duplicates: [], suppressed: 0, timeZone: 'Europe/Berlin', attachments: 0 };

const CASES: Array<[string, Partial<Queued>, string]> = [
  ['one SMS at once', {}, '2.0.0 queued as MX1 (1 SMS)'],
  ['a later send time, in the account\'s zone', { sendTimes: [{ at: '2026-12-01T08:00:00.000Z', count: 1 }] }, '2.0.0 queued as MX1 (1 SMS); to be sent at 2026-12-01 09:00:00 UTC+01:00'],
  ['an attachment', { attachments: 1 }, '2.0.0 queued as MX1 (1 SMS); the attachment was not sent: an SMS carries text only'],
  ['attachments', { attachments: 3 }, '2.0.0 queued as MX1 (1 SMS); the 3 attachments were not sent: an SMS carries text only'],
  ['a retry of the whole mail', { stored: 0, duplicates: [{ of: 'MX0.1' }, { of: 'MX0.2' }] }, '2.0.0 already queued as MX0: this mail was received before, its SMS will not be sent again'],
  ['regression: one recipient of several had the mail already :: singular', { duplicates: [{ of: 'MX0.1' }] }, '2.0.0 queued as MX1 (1 SMS); 1 recipient already had this mail and gets no second SMS'],
  ['two recipients had the mail already :: plural', { duplicates: [{ of: 'MX0.1' }, { of: 'MX0.2' }] }, '2.0.0 queued as MX1 (1 SMS); 2 recipients already had this mail and get no second SMS'],
  ['regression: every SMS a repeat by content :: says none will be sent, not "(0 SMS)"', { stored: 0, suppressed: 1 }, '2.0.0 queued as MX1 (no SMS will be sent); 1 SMS repeats the same text to the same number shortly before and is not sent again (duplicate detection)'],
  ['repeats and an opted-out number together', { stored: 1, suppressed: 2, optedOut: new SmtpError(550, '5.7.1', '+49151 has asked not to receive SMS'), sendTimes: [{ at: '2026-12-01T08:00:00.000Z', count: 1 }] },
    '2.0.0 queued as MX1 (1 SMS); to be sent at 2026-12-01 09:00:00 UTC+01:00; 2 SMS repeat the same text to the same number shortly before and are not sent again (duplicate detection); +49151 has asked not to receive SMS'],
];
for (const [name, over, want] of CASES) Q(`text :: ${name}`, () => assert.is(queuedReply({ ...BASE, ...over }), want));

// Review 4b, F1 and F2: the clerk's text in the subject, the body only what the mail client and server add.
Q('text :: the subject is the text, the body held only a signature', () => {
  assert.is(queuedReply({ ...BASE, subjectNote: subjectNote([{ kind: 'closing' }]) }), "2.0.0 queued as MX1 (1 SMS); the text is the subject's, as the body held only a signature");
});

Q('subject note :: each kind of cut named once, in the order cut; none for an empty body', () => {
  assert.is(subjectNote([{ kind: 'signature-block' }]), "the text is the subject's, as the body held only a signature");
  assert.is(subjectNote([{ kind: 'closing' }, { kind: 'disclaimer' }, { kind: 'quote' }, { kind: 'html' }]), "the text is the subject's, as the body held only a signature and a disclaimer and a quoted mail");
  assert.is(subjectNote([]), undefined);
});

const T1 = '2026-12-01T07:00:00.000Z';
const T2 = '2026-12-01T08:00:00.000Z';
const T3 = '2026-12-01T13:00:00.000Z';
const T4 = '2026-12-01T14:30:00.000Z';
const TIMES: Array<[string, Queued['sendTimes'], string]> = [
  ['3 SMS, one later time :: that time, as for one', [{ at: T2, count: 3 }], 'to be sent at 2026-12-01 09:00:00 UTC+01:00'],
  ['some at once, the others later :: both, with their SMS', [{ count: 1 }, { at: T2, count: 2 }], 'to be sent at once (1 SMS) and at 2026-12-01 09:00:00 UTC+01:00 (2 SMS)'],
  ['two later times :: each', [{ at: T1, count: 1 }, { at: T2, count: 1 }], 'to be sent at 2026-12-01 08:00:00 UTC+01:00 (1 SMS) and at 2026-12-01 09:00:00 UTC+01:00 (1 SMS)'],
  ['at once and three later times :: each', [{ count: 2 }, { at: T1, count: 1 }, { at: T2, count: 1 }, { at: T3, count: 1 }],
    'to be sent at once (2 SMS), at 2026-12-01 08:00:00 UTC+01:00 (1 SMS), at 2026-12-01 09:00:00 UTC+01:00 (1 SMS) and at 2026-12-01 14:00:00 UTC+01:00 (1 SMS)'],
  ['four later times :: between the first and the last', [{ at: T1, count: 1 }, { at: T2, count: 2 }, { at: T3, count: 1 }, { at: T4, count: 1 }],
    'to be sent at 4 different times between 2026-12-01 08:00:00 UTC+01:00 and 2026-12-01 15:30:00 UTC+01:00 (5 SMS)'],
  ['at once and four later times :: at once, then between', [{ count: 1 }, { at: T1, count: 1 }, { at: T2, count: 1 }, { at: T3, count: 1 }, { at: T4, count: 1 }],
    'to be sent at once (1 SMS) and at 4 different times between 2026-12-01 08:00:00 UTC+01:00 and 2026-12-01 15:30:00 UTC+01:00 (4 SMS)'],
];
for (const [name, sendTimes, want] of TIMES) Q(`send times :: ${name}`, () => assert.is(queuedReply({ ...BASE, stored: 5, sendTimes }), `2.0.0 queued as MX1 (5 SMS); ${want}`));

Q('send times :: grouped by time, at once first, then in time order; within a minute is at once; none when all go at once', () => {
  const now = new Date('2026-11-30T10:00:00Z');
  const at = (iso: string) => ({ notBefore: iso });
  assert.equal(sendTimes([at('2026-11-30T12:00:00.000Z'), at('2026-11-30T10:00:30.000Z'), at('2026-11-30T11:00:00.000Z'), at('2026-11-30T12:00:00.000Z')], now),
    [{ count: 1 }, { at: '2026-11-30T11:00:00.000Z', count: 1 }, { at: '2026-11-30T12:00:00.000Z', count: 2 }]);
  assert.equal(sendTimes([at('2026-11-30T12:00:00.000Z')], now), [{ at: '2026-11-30T12:00:00.000Z', count: 1 }]);
  assert.is(sendTimes([at('2026-11-30T10:00:30.000Z')], now), undefined, 'within the minute: at once');
  assert.is(sendTimes([at('2026-11-30T09:00:00.000Z'), at('2026-11-30T10:00:00.000Z')], now), undefined, 'due already');
  assert.is(sendTimes([], now), undefined);
});

const S = suite<{ b: TestBridge }>('smtp 250 after DATA, over SMTP');
S.before(async (ctx) => {
  ctx.b = await startTestBridge({});
});
S.after(async ({ b }) => {
  await b.stop();
  await rm(b.dir, { recursive: true, force: true });
});

S('a mail with a send time and a PDF :: the 250 says when the SMS goes and that the PDF did not go along', async ({ b }) => {
  const at = new Date(Date.now() + 2 * 86_400_000);
  at.setUTCHours(8, 0, 0, 0);
  const info = await mailer(b.port).sendMail({
    from: 'clerk@acme.test', to: '+4915112345801@sms.localhost', subject: 'Mahnung', text: 'Bitte zahlen Sie bis Freitag.',
    headers: { 'X-SMS-Send-At': at.toISOString() },
    attachments: [{ filename: 'rechnung.pdf', content: Buffer.from('%PDF-1.4 test'), contentType: 'application/pdf' }],
  });
  const when = formatTime(at.toISOString(), 'Europe/Berlin').replace(/[+.]/g, '\\$&'); // the default account's zone
  assert.match(info.response, new RegExp(`^250 2\\.0\\.0 queued as [0-9A-Z]+ \\(1 SMS\\); to be sent at ${when}; the attachment was not sent: an SMS carries text only$`));
});

S('a repeat by content with a send time :: not sent, so the 250 names no send time for it', async ({ b }) => {
  const headers = { 'X-SMS-Send-At': new Date(Date.now() + 86_400_000).toISOString(), 'X-SMS-Duplicate-Detection': 'yes' };
  const mail = { from: 'clerk@acme.test', to: '+4915112345803@sms.localhost', subject: 'x', text: 'Morgen wieder.', headers };
  assert.match((await mailer(b.port).sendMail(mail)).response, /\(1 SMS\); to be sent at /);
  const again = await mailer(b.port).sendMail(mail);
  assert.match(again.response, /^250 2\.0\.0 queued as [0-9A-Z]+ \(no SMS will be sent\); 1 SMS repeats the same text/);
  assert.not.match(again.response, /to be sent at/);
});

S('a plain mail :: the 250 stays as it was', async ({ b }) => {
  const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345802@sms.localhost', subject: 'x', text: 'Jetzt.' });
  assert.match(info.response, /^250 2\.0\.0 queued as [0-9A-Z]+ \(1 SMS\)$/);
});

Q.run();
S.run();
