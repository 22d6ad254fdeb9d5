import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { wallTimeIn } from '../../src/mail/dates.js';
import { formatTime } from '../../src/notify/times.js';
import { outboxFiles, startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { chat, dataLines, queuedAs, refusal } from '../helpers/smtp.js';

/**
 * Sending options against account rules, over real sockets with nodemailer
 * as the client: sender IDs within the allowlist, the numeric-only countries,
 * flash, duplicate detection by content and quiet hours.
 */
const ACME = '127.0.0.2';
const BETA = '127.0.0.3';

const two = (n: number) => String(n).padStart(2, '0');
/** "HH:MM" in Paris (or `zone`), `minutes` from now: quiet hours around the moment the test runs. */
function parisClock(minutes: number, zone = 'Europe/Paris'): string {
  const w = wallTimeIn(new Date(Date.now() + minutes * 60_000), zone);
  return `${two(w.hour)}:${two(w.minute)}`;
}

const S = suite('smtp sending options', {} as { b: TestBridge });
S.before(async (ctx) => {
  ctx.b = await startTestBridge({
    limits: { countries: ['*'] }, // foreign numbers are the point here (anti-pumping.test covers the default)
    accounts: [
      {
        name: 'acme', networks: [ACME], addresses: ['@acme.test'], notify: 'final',
        senderId: 'ACME', numericSender: '+15005550006', allowedSenderIds: ['ACME Bank'], duplicateDetection: true,
      },
      { name: 'beta', networks: [BETA], addresses: ['@beta.test'], notify: 'final' },
    ] as never,
    options: {
      countryQuietHours: {
        FR: { from: parisClock(-60), to: parisClock(60) },
        // Ends an hour after France's: one mail's numbers that go at different times.
        AT: { from: parisClock(-60, 'Europe/Vienna'), to: parisClock(120, 'Europe/Vienna'), timeZones: ['Europe/Vienna'] },
      },
    } as never,
  });
});
S.after(async ({ b }) => stopTestBridge(b));

function client(port: number, localAddress: string) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, localAddress });
}

async function send(b: TestBridge, from: string, to: string, extra: { subject?: string; text?: string; headers?: Record<string, string> } = {}) {
  const local = from.endsWith('@acme.test') ? ACME : BETA;
  return client(b.port, local).sendMail({ from, to, subject: extra.subject ?? 'Erinnerung', text: extra.text ?? 'Bitte zahlen Sie bis Freitag.', headers: extra.headers });
}

const idOf = (response: string) => `${queuedAs(response)}.1`;

S('sender ID :: one the account may not use (header or subject tag) :: 550 5.7.1 naming it, the account and what is allowed', async ({ b }) => {
  const expected = '550 5.7.1 the sender ID "EVILCORP" is not allowed for account "acme"; allowed: ACME Bank, ACME, +15005550006';
  assert.is(await refusal(send(b, 'erp@acme.test', '+4915112345678@sms.localhost', { headers: { 'X-SMS-Sender-ID': 'EVILCORP' } })), expected);
  assert.is(await refusal(send(b, 'clerk@acme.test', '+4915112345678@sms.localhost', { subject: '[SRC:EVILCORP] Erinnerung' })), expected);
});

S('sender ID :: one with letters outside ASCII :: the reply spells them in ASCII (RFC 5321 reply text), the log keeps them', async ({ b }) => {
  const reply = await refusal(send(b, 'erp@acme.test', '+4915112345678@sms.localhost', { headers: { 'X-SMS-Sender-ID': 'Müller Söhne' } }));
  assert.match(reply, /^550 5\.6\.0 option X-SMS-Sender-ID has the value "Mueller Soehne", which is not valid: use up to 11 letters, digits and spaces/);
  assert.ok(/^[\x20-\x7e]*$/.test(reply), reply);
  assert.ok(b.events.some((e) => typeof e.reason === 'string' && e.reason.includes('"Müller Söhne", which is not valid')), 'the log names it as it was written');
});

S('regression: sender ID :: not allowed, beside other bad tags :: one 550 names every problem, the sender ID too, not only at the next try', async ({ b }) => {
  const reply = await refusal(send(b, 'clerk@acme.test', '+4915112345678@sms.localhost', { subject: '[SRC:EVILCORP] [AT:yesterday] [FLASH:maybe] Erinnerung' }));
  assert.match(reply, /^550 5\.6\.0 /);
  assert.match(reply, /option \[AT\] has the value "yesterday"/);
  assert.match(reply, /option \[FLASH\] has the value "maybe"/);
  assert.match(reply, /the sender ID "EVILCORP" is not allowed for account "acme"; allowed: ACME Bank, ACME, \+15005550006/);
});

S('sender ID :: an allowed one goes out with it; none asked for: the account default; to the US a name becomes the numeric fallback', async ({ b }) => {
  const asked = idOf((await send(b, 'clerk@acme.test', '+4915112345670@sms.localhost', { subject: '[SRC:acme bank] Erinnerung' })).response);
  const plain = idOf((await send(b, 'clerk@acme.test', '+4915112345671@sms.localhost', { text: 'Termin morgen.' })).response);
  const us = idOf((await send(b, 'clerk@acme.test', '+12025550143@sms.localhost', { text: 'Call us.' })).response);
  const sent = await waitFor('three SMS', () => {
    const found = [asked, plain, us].map((id) => b.sim.sent.find((s) => s.id === id));
    return found.every(Boolean) ? found : undefined;
  });
  assert.equal(sent.map((s) => s!.sender), ['ACME Bank', 'ACME', '+15005550006']);
  assert.match(b.store.get(us)?.history[0].reason ?? '', /replaced by \+15005550006: carriers in US do not deliver alphanumeric sender IDs/);
});

S('an X-SMS-* header that is no option (a typo) :: 550 5.6.0 naming the one meant, nothing sent at once instead of at the time asked for', async ({ b }) => {
  const r = await refusal(send(b, 'erp@acme.test', '+4915112345679@sms.localhost', { headers: { 'X-SMS-SendAt': '2026-12-24T09:00:00+01:00' } }));
  assert.match(r, /^550 5\.6\.0 the header x-sms-sendat is no option of this gateway \(did you mean X-SMS-Send-At\?\); the options are X-SMS-Send-At, /);
  assert.not.ok(b.sim.sent.some((m) => m.to === '+4915112345679'));
});

S('a subject tag close to ours (another gateway\'s name) with an empty body :: 550 5.6.0 naming the one meant; the tag never reaches the customer', async ({ b }) => {
  const r = await refusal(send(b, 'clerk@acme.test', '+4915112345680@sms.localhost', { subject: '[SENDAT:24.12.2026 09:00] Frohe Weihnachten', text: '' }));
  assert.match(r, /^550 5\.6\.0 the subject tag \[SENDAT:\.\.\.\] is no option of this gateway \(did you mean \[AT:\.\.\.\]\?\)/);
  assert.not.ok(b.sim.sent.some((m) => m.to === '+4915112345680'));
});

S('a send time tag in the wrong shape ([JOBPERIOD=…]) :: 550 5.6.0 naming the tag written right; nothing sent at once', async ({ b }) => {
  const r = await refusal(send(b, 'clerk@acme.test', '+4915112345690@sms.localhost', { subject: '[JOBPERIOD=2026-12-01T09:00] eq', text: 'Ihr Termin' }));
  assert.match(r, /^550 5\.6\.0 the subject text \[JOBPERIOD=2026-12-01T09:00\] looks like an option tag in the wrong shape \(did you mean \[JOBPERIOD:2026-12-01T09:00\]\?\)/);
  assert.not.ok(b.sim.sent.some((m) => m.to === '+4915112345690'));
});

S('a sender tag with a blank :: [FROM HR] (a clerk\'s heading, HR no sender of the account) is sent with its subject; [FROM ACME Bank] (the account\'s) is refused as a tag in the wrong shape', async ({ b }) => {
  const heading = await send(b, 'clerk@acme.test', '+4915112345692@sms.localhost', { subject: '[FROM HR] Neue Regeln', text: '' });
  const id = idOf(heading.response);
  const sent = await waitFor('the SMS', () => b.sim.sent.find((m) => m.id === id));
  assert.is(sent.text, '[FROM HR] Neue Regeln');
  const r = await refusal(send(b, 'clerk@acme.test', '+4915112345693@sms.localhost', { subject: '[FROM ACME Bank] Ihr Konto', text: 'Ihr Konto ist eröffnet.' }));
  assert.match(r, /^550 5\.6\.0 the subject text \[FROM ACME Bank\] looks like an option tag in the wrong shape \(did you mean \[FROM:ACME Bank\]\?\)/);
  assert.not.ok(b.sim.sent.some((m) => m.to === '+4915112345693'));
});

S('a send time before the mail was written (a typo for another day) :: 550 5.6.0 naming when it was written; nothing sent', async ({ b }) => {
  const written = new Date(Date.now() - 5 * 60_000);
  const r = await refusal(send(b, 'clerk@acme.test', '+4915112345681@sms.localhost', { subject: '[AT:2026-01-05 09:00] Termin', headers: { Date: written.toUTCString() } }));
  assert.match(r, /^550 5\.6\.0 option \[AT\] has the value "2026-01-05 09:00", which is not valid: use a time after the mail was written \(\d{4}-\d\d-\d\d \d\d:\d\d /);
  assert.not.ok(b.sim.sent.some((m) => m.to === '+4915112345681'));
});

S('a past send time in bare ERP mail without a Date header :: 550 5.6.0, measured against when it came; nothing sent at once', async ({ b }) => {
  const mail = 'From: erp@acme.test\r\nTo: +4915112345691@sms.localhost\r\nSubject: [AT:2026-01-05 09:00] Termin\r\n\r\nIhr Termin';
  const replies = await chat(b.port, ['EHLO erp.acme.test', 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<+4915112345691@sms.localhost>', 'DATA', ...dataLines(mail)], { localAddress: ACME });
  assert.match(replies.at(-1)!.text, /^550 5\.6\.0 option \[AT\] has the value "2026-01-05 09:00", which is not valid: use a time after the mail was written \(\d{4}-\d\d-\d\d \d\d:\d\d /);
  assert.not.ok(b.sim.sent.some((m) => m.to === '+4915112345691'));
});

S('the same past send time in bare ERP mail that came through a relay :: its first Received: stamp is when it was written at the latest, so 250, sent at once and said', async ({ b }) => {
  const relayed = new Date(Date.now() - 2 * 3600_000).toUTCString();
  const asked = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const mail = `Received: from mx.acme.test (mx.acme.test [${ACME}]) by relay.acme.test; ${new Date().toUTCString()}\r\nReceived: from erp.acme.test by mx.acme.test; ${relayed}\r\n`
    + `From: erp@acme.test\r\nTo: +4915112345694@sms.localhost\r\nSubject: [AT:${asked}] Termin\r\n\r\nIhr Termin`;
  const replies = await chat(b.port, ['EHLO erp.acme.test', 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<+4915112345694@sms.localhost>', 'DATA', ...dataLines(mail)], { localAddress: ACME });
  assert.match(replies.at(-1)!.text, /^250 2\.0\.0 queued as \w+ \(1 SMS\); the send time asked for, .+, had passed when the mail came: sent at once$/);
  await waitFor('the SMS sent at once', () => b.sim.sent.find((m) => m.to === '+4915112345694'));
});

S('regression: a forged early Received: stamp below a hop we do not trust :: not when the mail was written, so the past send time is refused, not sent at once', async ({ b }) => {
  const forged = new Date(Date.now() - 48 * 3600_000).toUTCString();
  const asked = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  // The topmost line is the relay's (it handed the mail to us); it took the mail from 203.0.113.9, outside every trusted network, which wrote the line below.
  const mail = `Received: from outside.example (outside.example [203.0.113.9]) by relay.acme.test; ${new Date().toUTCString()}\r\n`
    + `Received: from erp.acme.test (erp.acme.test [${ACME}]) by mx.acme.test; ${forged}\r\n`
    + `From: erp@acme.test\r\nTo: +4915112345695@sms.localhost\r\nSubject: [AT:${asked}] Termin\r\n\r\nIhr Termin`;
  const replies = await chat(b.port, ['EHLO erp.acme.test', 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<+4915112345695@sms.localhost>', 'DATA', ...dataLines(mail)], { localAddress: ACME });
  assert.match(replies.at(-1)!.text, /^550 5\.6\.0 option \[AT\] has the value ".+", which is not valid: use a time after the mail was written /);
  assert.not.ok(b.sim.sent.some((m) => m.to === '+4915112345695'));
});

S('an empty option header (an ERP template\'s unused field, X-SMS-Reference:) :: as if absent, 250 and sent; a bad value beside it is still refused', async ({ b }) => {
  const lines = (to: string, extra: string) => ['EHLO erp.acme.test', 'MAIL FROM:<erp@acme.test>', `RCPT TO:<${to}@sms.localhost>`, 'DATA',
    ...dataLines(`From: erp@acme.test\r\nTo: ${to}@sms.localhost\r\nSubject: Zahlung\r\nX-SMS-Reference:\r\nX-SMS-Validity: \r\n${extra}\r\nIhre Zahlung ist eingegangen.`)];
  const ok = await chat(b.port, lines('+4915112345692', ''), { localAddress: ACME });
  assert.is(ok.at(-1)!.code, 250, ok.at(-1)!.text);
  const id = `${queuedAs(ok.at(-1)!.text)}.1`;
  await waitFor('the SMS', () => b.sim.sent.find((m) => m.id === id));
  assert.is(b.store.get(id)?.reference, undefined);
  const bad = await chat(b.port, lines('+4915112345693', 'X-SMS-Flash: maybe\r\n'), { localAddress: ACME });
  assert.match(bad.at(-1)!.text, /^550 5\.6\.0 option X-SMS-Flash has the value "maybe", which is not valid/);
});

S('a send time still ahead when the mail was written, passed when it came :: sent at once, and the 250 says so', async ({ b }) => {
  const written = new Date(Date.now() - 3 * 3600_000);
  const asked = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const r = await send(b, 'clerk@acme.test', '+4915112345682@sms.localhost', { headers: { Date: written.toUTCString(), 'X-SMS-Send-At': asked } });
  assert.match(r.response, /^250 2\.0\.0 queued as \w+ \(1 SMS\); the send time asked for, .+, had passed when the mail came: sent at once$/);
  await waitFor('the SMS sent at once', () => b.sim.sent.find((m) => m.to === '+4915112345682'));
});

S('flash :: X-SMS-Flash: yes reaches the connector as flash', async ({ b }) => {
  const id = idOf((await send(b, 'clerk@acme.test', '+4915112345672@sms.localhost', { headers: { 'X-SMS-Flash': 'yes' }, text: 'Alarm' })).response);
  const sms = await waitFor('flash SMS', () => b.sim.sent.find((s) => s.id === id));
  assert.is(sms.flash, true);
});

S('duplicates :: the same text to the same number again is accepted, not sent, and the sender hears why; OFF sends it', async ({ b }) => {
  const text = 'Ihre Karte wurde gesperrt.';
  const first = idOf((await send(b, 'clerk@acme.test', '+4915112345673@sms.localhost', { text })).response);
  const again = await send(b, 'clerk@acme.test', '+4915112345673@sms.localhost', { text });
  assert.match(again.response, /^250 2\.0\.0 queued as \w+ \(no SMS will be sent\); 1 SMS repeats the same text to the same number shortly before and is not sent again \(duplicate detection\)$/);
  const dupId = idOf(again.response);
  assert.equal([b.store.get(dupId)?.status, b.store.get(dupId)?.history.at(-1)?.duplicateOf], ['cancelled', first]);
  const conf = await waitFor('duplicate confirmation', async () => [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${dupId}.cancelled@`)));
  const parsed = await simpleParser(conf[1]);
  assert.match(parsed.subject ?? '', /^SMS to \+4915112345673 not sent again \(duplicate\)/);
  assert.match(parsed.text ?? '', new RegExp(`not sent: the same text went to this number shortly before \\(our reference ${first.replace('.', '\\.')}\\)`));
  const off = idOf((await send(b, 'clerk@acme.test', '+4915112345673@sms.localhost', { text, subject: '[DUPLICATEDETECTION:OFF] x' })).response);
  await waitFor('the SMS sent on purpose', () => b.sim.sent.find((s) => s.id === off));
  assert.is(b.sim.sent.filter((s) => s.to === '+4915112345673').length, 2, 'the first and the one with OFF, never the duplicate');
});

S('quiet hours :: a French number inside the country\'s window is held, the hold is in its history and the confirmation says when it goes', async ({ b }) => {
  const id = idOf((await send(b, 'erp@beta.test', '+33612345678@sms.localhost', { text: 'Bonsoir' })).response);
  const m = b.store.get(id)!;
  const hold = m.history.at(-1)!;
  assert.ok(hold.until && hold.until > new Date().toISOString(), JSON.stringify(hold));
  // Kept as data, worded when read (notify/hold-words.test.ts says how).
  assert.equal([hold.quiet?.source, hold.quiet?.zone, hold.reason], ['country FR', 'Europe/Paris', undefined]);
  assert.is(m.notBefore, hold.until);
  const conf = await waitFor('acceptance confirmation', async () => [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${id}.accepted@`)));
  const parsed = await simpleParser(conf[1]);
  assert.match(parsed.text ?? '', /will be sent at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  assert.match(parsed.text ?? '', /Held \(quiet hours at the recipient, set for France: \d\d:\d\d–\d\d:\d\d their local time; goes out at /);
  // a US number is not under the French rule
  const us = idOf((await send(b, 'erp@beta.test', '+12025550143@sms.localhost', { text: 'Hello' })).response);
  await waitFor('the US SMS', () => b.sim.sent.find((s) => s.id === us));
  assert.not.ok(b.sim.sent.some((s) => s.id === id), 'not sent before its time');
});

S('quiet hours :: one mail to a German, a French and an Austrian number, which go at three times :: the 250 names each time with its SMS', async ({ b }) => {
  const r = await send(b, 'erp@beta.test', '+4915112345683@sms.localhost, +33612345679@sms.localhost, +436641234567@sms.localhost', { text: 'Ihr Termin ist bestätigt.' });
  const mailId = queuedAs(r.response);
  const [fr, at] = ['2', '3'].map((n) => b.store.get(`${mailId}.${n}`)!.notBefore);
  assert.ok(fr < at, `France's quiet hours end first: ${fr}, ${at}`);
  const when = (iso: string) => formatTime(iso, b.config.options.timeZone);
  assert.is(r.response, `250 2.0.0 queued as ${mailId} (3 SMS); to be sent at once (1 SMS), at ${when(fr)} (1 SMS) and at ${when(at)} (1 SMS)`);
});

S.run();
