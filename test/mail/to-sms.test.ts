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
    mailId: 'MAIL1', account: 'default', now: NOW, text: config.text, notify: 'final', wantsConfirmation: confirmationsFor, ...over,
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

T.run();
