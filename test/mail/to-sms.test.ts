import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildConfig } from '../../src/config/load.js';
import type { ParsedMail } from '../../src/mail/parse.js';
import type { SendingPolicy } from '../../src/mail/recipient-plan.js';
import { contentKey, dedupKey, senderPatterns, shortDigest, toSms, type SmsBatch, type ToSmsInput } from '../../src/mail/to-sms.js';
import { confirmationsFor } from '../../src/notify/policy.js';
import { SmtpError } from '../../src/smtp/errors.js';

// Closings off: the greetings here are for the sender patterns to cut.
const config = buildConfig({ text: { closings: [], senderSignaturePatterns: { '@acme.test': ['^Mit freundlichen Grüßen'], 'max@other.test': ['^Gruß Max$'] } } });
const NOW = new Date('2026-11-23T10:00:00Z');

function input(text: string, over: Partial<ToSmsInput> = {}, mail: Partial<ParsedMail> = {}): ToSmsInput {
  return {
    parsed: { references: [], headers: new Map(), attachments: 0, text, messageId: '<m1@acme.test>', fromAddress: 'clerk@acme.test', fromAddresses: ['clerk@acme.test'], ...mail },
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

T('a past send time in a mail without a Date header (bare ERP mail) :: refused, measured against when it came', () => {
  const r = toSms(input('Termin', {}, { subject: '[AT:2026-11-22 09:00] Termin', date: undefined }));
  assert.ok(r instanceof SmtpError, 'refused, not sent at once');
  assert.match(r.message, /option \[AT\] has the value "2026-11-22 09:00", which is not valid: use a time after the mail was written \(2026-11-23 11:00 Europe\/Berlin\)/);
  const recent = batch(toSms(input('Termin', {}, { subject: '[AT:2026-11-23 10:50] Termin', date: undefined })));
  assert.is(recent.messages[0].sendAt, undefined, 'a few minutes past is now');
});

T('recipients :: the same number twice gets one SMS; ids are <mailId>.<n>', () => {
  const b = batch(toSms(input('Hallo', { recipients: [
    { address: '+4915112345678@sms.localhost', e164: '+4915112345678' },
    { address: '015112345678@sms.localhost', e164: '+4915112345678' },
    { address: '+4915112345679@sms.localhost', e164: '+4915112345679' },
  ] })));
  assert.equal(b.messages.map((m) => [m.id, m.to]), [['MAIL1.1', '+4915112345678'], ['MAIL1.2', '+4915112345679']]);
  assert.equal(b.messages.map((m) => m.ofMail), [2, 2], 'each knows how many its mail made, for confirming them together');
  assert.is(batch(toSms(input('Hallo'))).messages[0].ofMail, undefined, 'one number: none');
  const fp = b.fingerprint!;
  assert.equal(b.dedupKeys, [dedupKey('default', '<m1@acme.test>', '+4915112345678', fp), dedupKey('default', '<m1@acme.test>', '+4915112345679', fp)]);
});

T('keys :: a key is the first 22 characters of the SHA-256 in base64url, the same in every version (keys stored before a restart or an upgrade must still match)', () => {
  // SHA-256("abc") = ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0 (FIPS 180-2's test vector, in base64url)
  assert.is(shortDigest('abc'), 'ungWv48Bz-pBQUDeXa4iI7');
  assert.is(shortDigest('Grüße €'), 'k-SGA3fNFOombXwPMdXdyF', 'text is hashed as UTF-8');
});

T('dedup :: no Message-ID, no key; the key ignores case and surrounding space of the id', () => {
  assert.equal(batch(toSms(input('Hallo', {}, { messageId: undefined }))).dedupKeys, [undefined]);
  assert.is(dedupKey('a', ' <X@Y> ', '+49'), dedupKey('a', '<x@y>', '+49'));
  assert.is.not(dedupKey('a', '<x@y>', '+49'), dedupKey('b', '<x@y>', '+49'));
});

/** The key of a mail (one recipient) as toSms makes it. */
const keyOf = (text: string, over: Partial<ToSmsInput> = {}, mail: Partial<ParsedMail> = {}) => batch(toSms(input(text, over, mail))).dedupKeys[0];
const sent = { subject: '[AT:morgen 09:00] [REF:INV-1] Mahnung', headers: new Map([['x-sms-validity', '48h']]) };

// What a retry of the same mail repeats is one SMS; anything else it says makes another (to-sms.ts mailFingerprint).
const SAME_MAIL: Array<[string, Partial<ToSmsInput>, Partial<ParsedMail>]> = [
  ['a day later, when [AT:morgen 09:00] is another day', { now: new Date(NOW.getTime() + 86_400_000) }, sent],
  ['from another sender address', { envelopeFrom: 'other@acme.test' }, { ...sent, fromAddress: 'other@acme.test' }],
  ['another subject beside the same tags', {}, { ...sent, subject: '[AT:morgen 09:00] [REF:INV-1] Zweite Mahnung' }],
  ['the Message-ID in other case', {}, { ...sent, messageId: '<M1@ACME.TEST>' }],
];
for (const [name, over, mail] of SAME_MAIL) {
  T(`dedup :: the same mail ${name} :: the same key`, () => {
    assert.is(keyOf('Bitte zahlen.', over, mail), keyOf('Bitte zahlen.', {}, sent));
  });
}
const OTHER_MAIL: Array<[string, string, Partial<ParsedMail>]> = [
  ['another text', 'Bitte zahlen!', sent],
  ['another send time as written', 'Bitte zahlen.', { ...sent, subject: '[AT:morgen 10:00] [REF:INV-1] Mahnung' }],
  ['another reference', 'Bitte zahlen.', { ...sent, subject: '[AT:morgen 09:00] [REF:INV-2] Mahnung' }],
  ['another header option', 'Bitte zahlen.', { ...sent, headers: new Map([['x-sms-validity', '24h']]) }],
  ['an option more', 'Bitte zahlen.', { ...sent, headers: new Map([['x-sms-validity', '48h'], ['x-sms-flash', 'yes']]) }],
];
for (const [name, text, mail] of OTHER_MAIL) {
  T(`dedup :: the same Message-ID with ${name} :: another key (a new SMS)`, () => {
    assert.is.not(keyOf(text, {}, mail), keyOf('Bitte zahlen.', {}, sent));
  });
}

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
  assert.match(r.text, /^the text would take 7 SMS segments, at most 6 are allowed \(\d+ characters in Unicode because of "П" "р" "и" "в" "е", 67 per segment\)/);
  // The SMTP reply line is ASCII (RFC 5321): the characters are named.
  assert.match(r.message, /^5\.3\.4 the text would take 7 SMS segments, at most 6 are allowed \(\d+ characters in Unicode because of "U\+041F" "U\+0440" "U\+0438" "U\+0432" "U\+0435", 67 per segment\)/);
});

/**
 * Review 4b F8: the 552 counts characters as the clerk does and says what
 * counts twice; it called 920 septets "920 characters" for 900 × C + 10 × €.
 * [name, text, the reply]
 */
const TOO_LONG: Array<[string, string, string]> = [
  ['900 × C and 10 × € :: 910 characters, counted as 920', `${'C'.repeat(900)}${'€'.repeat(10)}`,
    'the text would take 7 SMS segments, at most 6 are allowed (910 characters, counted as 920 because € [ ] { } ~ ^ \\ | count twice, 153 per segment); shorten it'],
  ['919 × C :: characters only', 'C'.repeat(919), 'the text would take 7 SMS segments, at most 6 are allowed (919 characters, 153 per segment); shorten it'],
  ['403 × Ж and an emoji :: the emoji counted twice, and what made it Unicode', `${'Ж'.repeat(403)}😀`,
    'the text would take 7 SMS segments, at most 6 are allowed (404 characters in Unicode because of "Ж" "😀", counted as 405 because an emoji counts twice, 67 per segment); shorten it'],
];
for (const [name, text, reply] of TOO_LONG) {
  T(`refusal :: too long :: ${name}`, () => {
    const r = toSms(input(text)) as SmtpError;
    assert.instance(r, SmtpError);
    assert.is(r.text, reply);
    assert.match(r.message, /^5\.3\.4 [\x20-\x7e]+$/);
  });
}

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

const policy = (over: Partial<SendingPolicy['sender']> = {}, rest: Partial<SendingPolicy> = {}): SendingPolicy => ({
  sender: { account: 'acme', defaultId: 'ACME', numericFallback: '+15005550006', allowed: ['ACME Bank', '+4930123456'], numericOnlyCountries: ['US', 'CA', 'PR', 'CN'], onNumericOnly: 'fallback', ...over },
  duplicates: { enabled: false, windowMinutes: 10 },
  quiet: { countries: {} },
  callbacks: {},
  ...rest,
});
const US = { address: '+12015550123@sms.localhost', e164: '+12015550123', country: 'US' };
const DE = { address: '+4915112345678@sms.localhost', e164: '+4915112345678', country: 'DE' };

const SENDERS: Array<[string, Record<string, string>, Partial<SendingPolicy['sender']>, typeof DE, string | undefined]> = [
  ['no sender ID in the mail :: the account default', {}, {}, DE, 'ACME'],
  ['an allowed one :: as asked', { 'x-sms-sender-id': 'ACME Bank' }, {}, DE, 'ACME Bank'],
  ['an allowed one in other case :: the registered spelling', { 'x-sms-sender-id': 'acme bank' }, {}, DE, 'ACME Bank'],
  ['an allowed number written with 00 :: canonical +', { 'x-sms-sender-id': '004930123456' }, {}, DE, '+4930123456'],
  ['the numeric fallback is always allowed :: as asked', { 'x-sms-sender-id': '+15005550006' }, {}, DE, '+15005550006'],
  ['"*" :: any valid one', { 'x-sms-sender-id': 'OTHER' }, { allowed: ['*'] }, DE, 'OTHER'],
  ['no default, none asked :: the connector default', {}, { defaultId: undefined }, DE, undefined],
  ['a name to a US number :: replaced by the numeric fallback', {}, {}, US, '+15005550006'],
  ['a number to a US number :: kept', { 'x-sms-sender-id': '+4930123456' }, {}, US, '+4930123456'],
  ['a name to a US number when US is not listed :: kept', {}, { numericOnlyCountries: ['CN'] }, US, 'ACME'],
];
for (const [name, headers, over, to, expected] of SENDERS) {
  T(`sender :: ${name}`, () => {
    const m = batch(toSms(input('Hallo', { recipients: [to], policy: policy(over) }, hdr(headers)))).messages[0];
    assert.is(m.sender, expected);
  });
}

T('sender :: the fallback is noted in the status history', () => {
  const m = batch(toSms(input('Hallo', { recipients: [US], policy: policy() }))).messages[0];
  assert.is(m.history[0].reason, 'sender ID "ACME" replaced by +15005550006: carriers in US do not deliver alphanumeric sender IDs');
});

const SENDER_REFUSALS: Array<[string, Record<string, string>, Partial<SendingPolicy['sender']>, typeof DE, string]> = [
  ['a sender ID not on the list', { 'x-sms-sender-id': 'EVILCORP' }, {}, DE,
    '5.7.1 the sender ID "EVILCORP" is not allowed for account "acme"; allowed: ACME Bank, +4930123456, ACME, +15005550006'],
  ['any sender ID for an account that allows none', { 'x-sms-sender-id': 'ACME' }, { defaultId: undefined, numericFallback: undefined, allowed: [] }, DE,
    '5.7.1 the sender ID "ACME" is not allowed for account "acme"; allowed: none (an operator can allow sender IDs in accounts[].allowedSenderIds)'],
  ['a name to the US with onNumericOnly reject', {}, { onNumericOnly: 'reject' }, US,
    '5.7.1 the sender ID "ACME" cannot be used for +12015550123: carriers in United States (US) only deliver SMS from numeric senders; ask for a numeric sender ID (X-SMS-Sender-ID: +4930123456, [SRC:+4930123456]) for this number'],
  ['a name to the US without a numeric fallback', { 'x-sms-sender-id': 'ACME Bank' }, { numericFallback: undefined }, US,
    '5.7.1 the sender ID "ACME Bank" cannot be used for +12015550123: carriers in United States (US) only deliver SMS from numeric senders; account "acme" has no numeric sender to use instead (accounts[].numericSender); ask for a numeric sender ID for this number'],
];
for (const [name, headers, over, to, expected] of SENDER_REFUSALS) {
  T(`sender :: refused: ${name} :: 550`, () => {
    const r = toSms(input('Hallo', { recipients: [DE, to], policy: policy(over) }, hdr(headers))) as SmtpError;
    assert.instance(r, SmtpError);
    assert.is(r.responseCode, 550);
    assert.is(r.message, expected);
  });
}

T('flash :: [FLASH:ON] and X-SMS-Flash: yes are carried on the message; OFF leaves it out', () => {
  assert.is(batch(toSms(input('Hallo', {}, { subject: '[FLASH:ON]' }))).messages[0].flash, true);
  assert.is(batch(toSms(input('Hallo', {}, hdr({ 'x-sms-flash': 'yes' })))).messages[0].flash, true);
  assert.is(batch(toSms(input('Hallo', {}, { subject: '[FLASH:OFF] x' }))).messages[0].flash, undefined);
});

T('quiet hours :: a mail at 21:30 Paris time to a French number is held until 08:00 Paris, in its history; validity counts from then', () => {
  const p = policy({}, { validityHours: 2, quiet: { countries: { FR: { from: '20:00', to: '08:00', days: ['sun'] } } } });
  const FR = { address: '+33612345678@sms.localhost', e164: '+33612345678', country: 'FR' };
  const m = batch(toSms(input('Bonsoir', { recipients: [FR], policy: p, now: new Date('2026-11-24T20:30:00Z') }))).messages[0];
  assert.is(m.notBefore, '2026-11-25T07:00:00.000Z');
  assert.is(m.expiresAt, '2026-11-25T09:00:00.000Z');
  // The rule and its zone as data, worded when a confirmation or page is made (notify/hold-words.ts).
  assert.equal(m.history.at(-1), { status: 'accepted', at: '2026-11-24T20:30:00.000Z', until: '2026-11-25T07:00:00.000Z',
    quiet: { source: 'country FR', from: '20:00', to: '08:00', days: ['sun'], zone: 'Europe/Paris' } });
  const de = batch(toSms(input('Hallo', { recipients: [DE], policy: p, now: new Date('2026-11-24T20:30:00Z') }))).messages[0];
  assert.is(de.notBefore, '2026-11-24T20:30:00.000Z', 'another country: not held');
});

T('quiet hours :: the mail\'s [BLACKOUTPERIODS] apply in the recipient\'s time; rules that leave no time are refused', () => {
  const now = new Date('2026-11-24T11:00:00Z'); // 12:00 Berlin
  const m = batch(toSms(input('Hallo', { recipients: [DE], now }, { subject: '[BLACKOUTPERIODS:12:00/13:30]' }))).messages[0];
  assert.is(m.notBefore, '2026-11-24T12:30:00.000Z');
  const p = policy({}, { quiet: { account: { from: '08:00', to: '20:00' }, countries: { DE: { from: '20:00', to: '08:00' } } } });
  const r = toSms(input('Hallo', { recipients: [DE], policy: p, now })) as SmtpError;
  assert.instance(r, SmtpError);
  assert.match(r.message, /^5\.7\.1 quiet hours at the recipient, set for (account \S+|Germany): \d\d:\d\d-\d\d:\d\d their local time, leave no time to send within two weeks; nothing was queued$/);
});

T('duplicates :: with detection on (account or [DUPLICATEDETECTION:ON]) each SMS carries a content key over sender, number and text', () => {
  const on = policy({}, { duplicates: { enabled: true, windowMinutes: 10 } });
  const a = batch(toSms(input('Hallo', { policy: on })));
  assert.equal(a.contentKeys, [{ key: contentKey('default', 'clerk@acme.test', '+4915112345678', 'Hallo'), windowMinutes: 10 }]);
  assert.equal(batch(toSms(input('Hallo', {}, { subject: '[DUPLICATEDETECTION:ON]' }))).contentKeys[0]?.windowMinutes, 10);
  assert.equal(batch(toSms(input('Hallo', { policy: on }, { subject: '[DUPLICATEDETECTION:OFF]' }))).contentKeys, [undefined]);
  assert.is.not(contentKey('a', 's', '+49', 'Hallo'), contentKey('a', 's', '+49', 'Hallo!'));
  const dup = a.markDuplicate(a.messages[0], 'EARLIER.1');
  assert.equal([dup.status, dup.history.at(-1)!.duplicateOf, dup.confirmations.map((c) => c.stage)], ['cancelled', 'EARLIER.1', ['cancelled']]);
});

T('long SMS (review 4b F6) :: each SMS counted behind the UDH of its route; the one that takes most parts decides the 552', () => {
  // +44 goes by a connector with 16-bit references (7-octet UDH: 152 a part), the rest by 8-bit ones.
  const udhOf = (m: { to: string }) => (m.to.startsWith('+44') ? 7 : 6);
  const recipients = [{ address: '+4915112345678@sms.localhost', e164: '+4915112345678' }, { address: '+447400123456@sms.localhost', e164: '+447400123456' }];
  const b = batch(toSms(input('a'.repeat(306), { recipients, udhOf })));
  assert.equal(b.messages.map((m) => [m.to, m.segments]), [['+4915112345678', 2], ['+447400123456', 3]]);
  const refused = toSms(input('a'.repeat(306), { recipients, udhOf, text: { ...config.text, maxSegments: 2 } }));
  assert.instance(refused, SmtpError);
  assert.is((refused as SmtpError).message, '5.3.4 the text would take 3 SMS segments, at most 2 are allowed (306 characters, 152 per segment); shorten it');
  assert.equal(batch(toSms(input('a'.repeat(306), { recipients: recipients.slice(0, 1), udhOf, text: { ...config.text, maxSegments: 2 } }))).messages.map((m) => m.segments), [2]);
  // Too long on any route: the refusal counts with the route that takes most parts (8 of 152, not 7 of 153).
  const long = toSms(input('a'.repeat(1070), { recipients, udhOf })) as SmtpError;
  assert.is(long.message, '5.3.4 the text would take 8 SMS segments, at most 6 are allowed (1070 characters, 152 per segment); shorten it');
});

T.run();
