import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildConfig } from '../../src/config/load.js';
import type { ParsedMail } from '../../src/mail/parse.js';
import { dedupKey, senderPatterns, toSms, type SmsBatch, type ToSmsInput } from '../../src/mail/to-sms.js';
import { confirmationsFor } from '../../src/notify/policy.js';
import { SmtpError } from '../../src/smtp/errors.js';

const config = buildConfig({ text: { senderSignaturePatterns: { '@acme.test': ['^Mit freundlichen Grüßen'], 'max@other.test': ['^Gruß Max$'] } } });
const NOW = new Date('2026-11-23T10:00:00Z');

function input(text: string, over: Partial<ToSmsInput> = {}, mail: Partial<ParsedMail> = {}): ToSmsInput {
  return {
    parsed: { references: [], headers: new Map(), attachments: 0, text, messageId: '<m1@acme.test>', fromAddress: 'clerk@acme.test', ...mail },
    envelopeFrom: 'clerk@acme.test',
    recipients: [{ address: '+4915112345678@sms.localhost', e164: '+4915112345678' }],
    mailId: 'MAIL1', account: 'default', now: NOW, options: config.options, text: config.text, notify: 'final', wantsConfirmation: confirmationsFor, ...over,
  };
}

const batch = (r: SmsBatch | SmtpError): SmsBatch => {
  if (r instanceof SmtpError) throw new Error(`refused: ${r.message}`);
  return r;
};

const T = suite('mail to-sms');

const TEXTS: Array<[string, string, Partial<ParsedMail>, string]> = [
  ['per-domain signature pattern of the sender cuts the greeting', 'Rechnung offen.\n\nMit freundlichen Grüßen\nMax Muster', {}, 'Rechnung offen.'],
  ['a pattern of another sender does not apply', 'Rechnung offen.\nGruß Max', {}, 'Rechnung offen.\nGruß Max'],
  ['per-address pattern applies to that From header', 'Rechnung offen.\nGruß Max', { fromAddress: 'max@other.test' }, 'Rechnung offen.'],
  ['default mobile footer is cut', 'Bin gleich da.\n\nVon meinem iPhone gesendet', {}, 'Bin gleich da.'],
  ['smart quotes transliterated to GSM-7', 'Die „Mahnung“ – bitte’s lesen…', {}, 'Die "Mahnung" - bitte\'s lesen...'],
];
for (const [name, text, mail, expected] of TEXTS) {
  T(`text :: ${name}`, () => {
    assert.is(batch(toSms(input(text, {}, mail))).messages[0].text, expected);
  });
}

T('recipients :: the same number twice gets one SMS; ids are <mailId>.<n>', () => {
  const b = batch(toSms(input('Hallo', { recipients: [
    { address: '+4915112345678@sms.localhost', e164: '+4915112345678' },
    { address: '015112345678@sms.localhost', e164: '+4915112345678' },
    { address: '+4915112345679@sms.localhost', e164: '+4915112345679' },
  ] })));
  assert.equal(b.messages.map((m) => [m.id, m.to]), [['MAIL1.1', '+4915112345678'], ['MAIL1.2', '+4915112345679']]);
  assert.equal(b.dedupKeys, [dedupKey('default', '<m1@acme.test>', '+4915112345678'), dedupKey('default', '<m1@acme.test>', '+4915112345679')]);
});

T('dedup :: no Message-ID, no key; the key ignores case and surrounding space of the id', () => {
  assert.equal(batch(toSms(input('Hallo', {}, { messageId: undefined }))).dedupKeys, [undefined]);
  assert.is(dedupKey('a', ' <X@Y> ', '+49'), dedupKey('a', '<x@y>', '+49'));
  assert.is.not(dedupKey('a', '<x@y>', '+49'), dedupKey('b', '<x@y>', '+49'));
});

T('dsn :: NOTIFY, ORCPT, RET and ENVID are kept per recipient', () => {
  const b = batch(toSms(input('Hallo', {
    dsn: { ret: 'hdrs', envid: 'E1' },
    recipients: [{ address: '+4915112345678@sms.localhost', e164: '+4915112345678', dsn: { notify: ['success', 'failure'], orcpt: 'rfc822;x@y' } }],
  })));
  assert.equal(b.messages[0].dsn, { notify: ['SUCCESS', 'FAILURE'], ret: 'HDRS', envid: 'E1', orcpt: 'rfc822;x@y' });
});

T('notify :: level all queues the acceptance confirmation with the message; null sender none', () => {
  assert.equal(batch(toSms(input('Hallo', { notify: 'all' }))).messages[0].confirmations.map((c) => c.stage), ['accepted']);
  assert.equal(batch(toSms(input('Hallo', { notify: 'all', envelopeFrom: '' }))).messages[0].confirmations, []);
});

T('refusal :: nothing left → 550 5.6.0', () => {
  const r = toSms(input('-- \nMax'));
  assert.instance(r, SmtpError);
  assert.is((r as SmtpError).message, '5.6.0 no text to send: the mail has no text left after removing the signature, quoted replies and attachments');
});

T('refusal :: a long Unicode text → 552 5.3.4 naming the segments and the characters that forced Unicode', () => {
  const r = toSms(input('Привет '.repeat(60))) as SmtpError;
  assert.instance(r, SmtpError);
  assert.is(r.responseCode, 552);
  assert.match(r.message, /^5\.3\.4 the text would take 7 SMS segments, at most 6 are allowed \(\d+ characters in Unicode because of "П" "р" "и" "в" "е", 67 per segment\)/);
});

T('senderPatterns :: address and domain keys, case-insensitive', () => {
  assert.equal(senderPatterns({ '@ACME.test': ['a'], 'x@acme.test': ['b'], '@other.test': ['c'] }, ['X@acme.test', undefined]), ['a', 'b']);
});

const hdr = (entries: Record<string, string>) => ({ headers: new Map(Object.entries(entries)) });

T('options :: reference, send time and validity from headers are kept; the SMS waits until its time', () => {
  const m = batch(toSms(input('Hallo', {}, hdr({ 'x-sms-reference': 'INV-4711', 'x-sms-send-at': '2026-11-24T09:00:00+01:00', 'x-sms-validity': '2h' })))).messages[0];
  assert.equal([m.reference, m.sendAt, m.notBefore, m.expiresAt], ['INV-4711', '2026-11-24T08:00:00.000Z', '2026-11-24T08:00:00.000Z', '2026-11-24T10:00:00.000Z']);
});

T('options :: subject tags are options and never text: [AT:…] local time in Europe/Berlin, [REF:…]', () => {
  const m = batch(toSms(input('', {}, { subject: '[AT:24.11.2026 09:00][REF:INV-4711] Erinnerung' }))).messages[0];
  assert.equal([m.text, m.sendAt, m.reference], ['Erinnerung', '2026-11-24T08:00:00.000Z', 'INV-4711']);
});

T('options :: notify levels map to ours; a lower max segments than the gateway\'s applies', () => {
  assert.is(batch(toSms(input('Hallo', {}, hdr({ 'x-sms-notify': 'delivery' })))).messages[0].notify, 'final');
  assert.is(batch(toSms(input('Hallo', {}, { subject: '[DN:OFF]' }))).messages[0].notify, 'failure');
  const r = toSms(input('x'.repeat(200), {}, hdr({ 'x-sms-max-segments': '1' }))) as SmtpError;
  assert.instance(r, SmtpError);
  assert.match(r.message, /^5\.3\.4 the text would take 2 SMS segments, at most 1 are allowed/);
});

T('options :: every bad value refused together with 550 5.6.0 naming option, value and accepted forms', () => {
  const r = toSms(input('Hallo', {}, { ...hdr({ 'x-sms-notify': 'sometimes' }), subject: '[AT:31.02.2026 09:00] x' })) as SmtpError;
  assert.instance(r, SmtpError);
  assert.is(r.responseCode, 550);
  assert.match(r.message, /^5\.6\.0 option X-SMS-Notify has the value "sometimes", which is not valid: use .+; option \[AT\] has the value "31\.02\.2026 09:00"/i);
});

T('options :: a sender ID cannot be honoured yet (needs account allowlists): refused, not ignored', () => {
  const r = toSms(input('Hallo', {}, hdr({ 'x-sms-sender-id': 'ACME' }))) as SmtpError;
  assert.instance(r, SmtpError);
  assert.is(r.message, '5.6.0 the option sender ID (X-SMS-Sender-ID, [SRC:…], [FROM:…]) is not available on this gateway yet; remove it and send the mail again');
  assert.not.instance(toSms(input('Hallo', {}, { subject: '[FLASH:OFF] x' })), SmtpError, 'an explicit OFF asks for nothing');
});

T.run();
