import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { validityHours } from '../../src/mail/option-values.js';
import { describeOptionError, parseSmsOptions, type SmsOptions } from '../../src/mail/options.js';

// Monday 2026-11-30, 11:00 in Berlin. Injected so nothing depends on the clock.
const NOW = new Date('2026-11-30T10:00:00Z');
const TZ = 'Europe/Berlin';

interface Case {
  headers?: Record<string, string>;
  subject?: string;
  now?: Date;
  maxAheadDays?: number;
  written?: Date;
  blankIsUnset?: boolean;
  senderIds?: string[];
}
interface Expected {
  options?: SmsOptions;
  subject?: string;
  errors?: string[]; // exact sentences from describeOptionError
}

function run(c: Case) {
  return parseSmsOptions({
    blankIsUnset: c.blankIsUnset,
    headers: new Map(Object.entries(c.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    subject: c.subject,
    now: c.now ?? NOW,
    timeZone: TZ,
    maxAheadDays: c.maxAheadDays,
    written: c.written,
    senderIds: c.senderIds,
  });
}

function check(c: Case, expected: Expected): void {
  const result = run(c);
  if (expected.errors) {
    assert.ok('errors' in result, `expected errors, got ${JSON.stringify(result)}`);
    if ('errors' in result) assert.equal(result.errors.map(describeOptionError), expected.errors);
    return;
  }
  assert.ok('options' in result, `expected options, got ${JSON.stringify(result)}`);
  if (!('options' in result)) return;
  if (expected.options) assert.equal(result.options, expected.options);
  if (expected.subject !== undefined) assert.is(result.subject, expected.subject);
}

const at = (iso: string) => new Date(iso);
const H_TIME = 'an RFC 3339 date-time like 2026-12-01T09:00:00+01:00 or an RFC 5322 one like Tue, 01 Dec 2026 09:00:00 +0100';
const T_TIME = 'a date-time like 2026-12-01T09:00:00+01:00, 2026-12-01 09:00, 01.12.2026 09:00 or tomorrow 09:00';
const SENDER = 'up to 11 letters, digits and spaces with at least one letter, an international number of 7 to 15 digits like +4930123456, or a short code of 3 to 8 digits';
const NOTIFY = 'none, failure, final, delivery or all';
const CALLBACK_LEVEL = 'none, failure, final, delivery or all';
const VALIDITY = 'a duration of at most 72 hours, like 48h, 30m, 2d or 48 (hours), or 0 for the default validity';
const REF = '1 to 64 printable characters';
const BC = '1 to 70 printable characters';
const FLAG = 'yes, no, true, false, on or off';
const SEGMENTS = 'a whole number from 1 to 255';
const BLACKOUT = 'periods separated by commas, each two different local times like 20:00/08:00 (every day, the recipient\'s time) or two date-times like 2026-12-24T12:00:00+01:00/2026-12-27T08:00:00+01:00';
const err = (option: string, value: string, accepted: string) =>
  `option ${option} has the value "${value}", which is not valid: use ${accepted}`;

const Valid = suite('options :: valid values');

const valid: Array<[string, Case, SmsOptions]> = [
  // headers
  ['X-SMS-Send-At RFC 3339 :: send time', { headers: { 'X-SMS-Send-At': '2026-12-01T09:00:00+01:00' } }, { sendAt: at('2026-12-01T08:00:00Z') }],
  ['X-SMS-Send-At RFC 3339 Z :: send time', { headers: { 'X-SMS-Send-At': '2026-12-01T08:00:00Z' } }, { sendAt: at('2026-12-01T08:00:00Z') }],
  ['X-SMS-Send-At RFC 5322 :: send time', { headers: { 'X-SMS-Send-At': 'Tue, 01 Dec 2026 09:00:00 +0100' } }, { sendAt: at('2026-12-01T08:00:00Z') }],
  ['X-SMS-Send-At RFC 5322 GMT with comment :: send time', { headers: { 'X-SMS-Send-At': '1 Dec 2026 08:00 GMT (UTC)' } }, { sendAt: at('2026-12-01T08:00:00Z') }],
  ['X-SMS-Send-At without offset :: read in the account zone', { headers: { 'X-SMS-Send-At': '2026-12-01T09:00:00' } }, { sendAt: at('2026-12-01T08:00:00Z') }],
  ['X-SMS-Send-At in the past :: now (no send time)', { headers: { 'X-SMS-Send-At': '2026-11-01T09:00:00+01:00' } }, {}],
  ['X-SMS-Send-At exactly 30 days ahead :: send time', { headers: { 'X-SMS-Send-At': '2026-12-30T10:00:00Z' } }, { sendAt: at('2026-12-30T10:00:00Z') }],
  ['X-SMS-Sender-ID alphanumeric :: sender', { headers: { 'X-SMS-Sender-ID': 'ACME' } }, { senderId: 'ACME' }],
  ['X-SMS-Sender-ID 11 chars with space :: sender', { headers: { 'X-SMS-Sender-ID': 'Praxis Dr M' } }, { senderId: 'Praxis Dr M' }],
  ['X-SMS-Sender-ID E.164 :: sender', { headers: { 'X-SMS-Sender-ID': '+491701234567' } }, { senderId: '+491701234567' }],
  ['X-SMS-Sender-ID short code :: sender', { headers: { 'X-SMS-Sender-ID': '12345' } }, { senderId: '12345' }],
  ['X-SMS-Sender-ID surrounding blanks :: trimmed', { headers: { 'X-SMS-Sender-ID': '  ACME\t' } }, { senderId: 'ACME' }],
  ['X-SMS-Sender-ID 00 prefix :: international form', { headers: { 'X-SMS-Sender-ID': '004930123456' } }, { senderId: '+4930123456' }],
  ['X-SMS-Sender-ID 9+ bare digits :: international form', { headers: { 'X-SMS-Sender-ID': '4930123456' } }, { senderId: '+4930123456' }],
  ['X-SMS-Sender-ID 3-digit short code :: sender', { headers: { 'X-SMS-Sender-ID': '112' } }, { senderId: '112' }],
  ['X-SMS-Blackout daily :: period', { headers: { 'X-SMS-Blackout': '20:00/08:00' } }, { blackout: [{ from: '20:00', to: '08:00' }] }],
  ['X-SMS-Duplicate-Detection yes :: on', { headers: { 'X-SMS-Duplicate-Detection': 'yes' } }, { duplicateDetection: true }],
  ['X-SMS-Duplicate-Detection off :: off', { headers: { 'X-SMS-Duplicate-Detection': 'off' } }, { duplicateDetection: false }],
  ['X-SMS-Preview yes :: preview', { headers: { 'X-SMS-Preview': 'yes' } }, { preview: true }],
  ['X-SMS-Notify mixed case :: the level it stands for (delivery is final)', { headers: { 'X-SMS-Notify': 'Delivery' } }, { notify: 'final' }],
  ['X-SMS-Notify final :: level (the word notify.level and the accounts take)', { headers: { 'X-SMS-Notify': 'final' } }, { notify: 'final' }],
  ['X-SMS-Notify none :: level', { headers: { 'X-SMS-Notify': 'none' } }, { notify: 'none' }],
  ['X-SMS-Validity 48h :: hours', { headers: { 'X-SMS-Validity': '48h' } }, { validityHours: 48 }],
  ['X-SMS-Validity 30m :: hours', { headers: { 'X-SMS-Validity': '30m' } }, { validityHours: 0.5 }],
  ['X-SMS-Validity 2d :: hours', { headers: { 'X-SMS-Validity': '2d' } }, { validityHours: 48 }],
  ['X-SMS-Validity plain number :: hours', { headers: { 'X-SMS-Validity': '72' } }, { validityHours: 72 }],
  ['X-SMS-Reference :: reference', { headers: { 'X-SMS-Reference': 'INV-4711' } }, { reference: 'INV-4711' }],
  ['X-SMS-Billing-Code :: billing code', { headers: { 'X-SMS-Billing-Code': 'KST 4711' } }, { billingCode: 'KST 4711' }],
  ['X-SMS-Billing-Code 70 chars, umlauts :: billing code', { headers: { 'X-SMS-Billing-Code': 'Ä'.repeat(70) } }, { billingCode: 'Ä'.repeat(70) }],
  ['X-SMS-Reference with umlaut and spaces :: reference', { headers: { 'X-SMS-Reference': 'Rechnung Müller 12' } }, { reference: 'Rechnung Müller 12' }],
  ['X-SMS-Flash yes :: flash', { headers: { 'X-SMS-Flash': 'yes' } }, { flash: true }],
  ['X-SMS-Flash OFF :: no flash', { headers: { 'X-SMS-Flash': 'OFF' } }, { flash: false }],
  ['X-SMS-Max-Segments :: limit', { headers: { 'X-SMS-Max-Segments': '3' } }, { maxSegments: 3 }],
  ['X-SMS-Max-Segments 255 :: limit', { headers: { 'X-SMS-Max-Segments': '255' } }, { maxSegments: 255 }],
  ['X-SMS-Status-Callback :: the URL as written', { headers: { 'X-SMS-Status-Callback': 'https://erp.test/cb?t=1' } }, { statusCallback: 'https://erp.test/cb?t=1' }],
  ['X-SMS-Status-Callback in angle brackets, folded :: the URL unwrapped', { headers: { 'X-SMS-Status-Callback': '<https://erp.test/\r\n cb>' } }, { statusCallback: 'https://erp.test/cb' }],
  ['X-SMS-Status-Callback empty :: none (the account\'s default)', { headers: { 'X-SMS-Status-Callback': ' ' } }, {}],
  ['X-SMS-Status-Callback-Level final :: final', { headers: { 'X-SMS-Status-Callback-Level': 'final' } }, { statusCallbackLevel: 'final' }],
  ['X-SMS-Status-Callback-Level delivery, as X-SMS-Notify says it :: final', { headers: { 'X-SMS-Status-Callback-Level': 'Delivery' } }, { statusCallbackLevel: 'final' }],
  ['X-SMS-Status-Callback-Level none :: none (switches the account\'s default off)', { headers: { 'X-SMS-Status-Callback-Level': 'none' } }, { statusCallbackLevel: 'none' }],
  // Retarus tags
  ['[SRC] :: sender', { subject: '[SRC:ACME] Hi' }, { senderId: 'ACME' }],
  ['[JOBPERIOD] with offset :: send time', { subject: '[JOBPERIOD:2026-12-01T09:00:00+01:00]' }, { sendAt: at('2026-12-01T08:00:00Z') }],
  ['[DN:ON] :: final', { subject: '[DN:ON]' }, { notify: 'final' }],
  ['[NOTIFY:final] :: final', { subject: '[NOTIFY:final]' }, { notify: 'final' }],
  ['[DN:off] :: failure', { subject: '[DN:off]' }, { notify: 'failure' }],
  ['[VALIDITY:48] :: hours', { subject: '[VALIDITY:48]' }, { validityHours: 48 }],
  ['[FLASH:ON] :: flash', { subject: '[FLASH:ON]' }, { flash: true }],
  ['[CUSTOMERREF] :: reference', { subject: '[CUSTOMERREF:INV-4711]' }, { reference: 'INV-4711' }],
  ['Retarus\' [BC] :: billing code', { subject: '[BC:Vertrieb/4711] Hi' }, { billingCode: 'Vertrieb/4711' }],
  ['[bc] lower case :: billing code', { subject: '[bc:KST-1]' }, { billingCode: 'KST-1' }],
  ['[BLACKOUTPERIODS] :: window as given', { subject: '[BLACKOUTPERIODS:20:00/08:00]' }, { blackout: [{ from: '20:00', to: '08:00' }] }],
  ['[BLACKOUTPERIODS] Retarus ISO interval :: absolute period', { subject: '[BLACKOUTPERIODS:2026-12-01T01:00:00.000-08:00/2026-12-01T08:00:00.000-08:00]' },
    { blackout: [{ start: '2026-12-01T09:00:00.000Z', end: '2026-12-01T16:00:00.000Z' }] }],
  ['[BLACKOUTPERIODS] several, German dates in the account zone :: all', { subject: '[BLACKOUTPERIODS:12:00/13:30, 24.12.2026 12:00/27.12.2026 08:00]' },
    { blackout: [{ from: '12:00', to: '13:30' }, { start: '2026-12-24T11:00:00.000Z', end: '2026-12-27T07:00:00.000Z' }] }],
  ['[BLACKOUTPERIODS] single-digit hour :: padded', { subject: '[BLACKOUTPERIODS:21:00/8:00]' }, { blackout: [{ from: '21:00', to: '08:00' }] }],
  ['[DUPLICATEDETECTION:ON] :: on', { subject: '[DUPLICATEDETECTION:ON]' }, { duplicateDetection: true }],
  // aliases
  ['[AT] German date :: send time', { subject: '[AT:01.12.2026 09:00]' }, { sendAt: at('2026-12-01T08:00:00Z') }],
  ['[AT] ISO date :: send time', { subject: '[AT:2026-12-01 09:00]' }, { sendAt: at('2026-12-01T08:00:00Z') }],
  ['[AT] German date without year, with Uhr :: next such date', { subject: '[AT:1.12. 9:00 Uhr]' }, { sendAt: at('2026-12-01T08:00:00Z') }],
  ['[AT] morgen :: tomorrow in the zone', { subject: '[AT:morgen 09:00]' }, { sendAt: at('2026-12-01T08:00:00Z') }],
  ['[AT] tomorrow :: tomorrow in the zone', { subject: '[AT:tomorrow 9:00]' }, { sendAt: at('2026-12-01T08:00:00Z') }],
  ['[AT] earlier today :: now', { subject: '[AT:heute 08:00]' }, {}],
  ['[FROM] :: sender', { subject: '[FROM:ACME]' }, { senderId: 'ACME' }],
  ['[REF] :: reference', { subject: '[REF:A 1/2]' }, { reference: 'A 1/2' }],
  ['[NOTIFY:all] :: level', { subject: '[NOTIFY:all]' }, { notify: 'all' }],
  ['[PREVIEW] without value :: preview', { subject: '[PREVIEW] Test' }, { preview: true }],
  ['[flash] lower case, without value :: flash', { subject: '[flash]' }, { flash: true }],
  ['same tag twice, same value :: accepted', { subject: '[SRC:ACME][FROM:ACME]' }, { senderId: 'ACME' }],
  // precedence
  ['header and tag :: header wins', { headers: { 'X-SMS-Sender-ID': 'HDR' }, subject: '[SRC:TAG]' }, { senderId: 'HDR' }],
  ['past header time and future tag :: header wins, now', { headers: { 'X-SMS-Send-At': '2026-11-01T09:00:00Z' }, subject: '[AT:01.12.2026 09:00]' }, {}],
  ['header and tag for different options :: both', { headers: { 'X-SMS-Flash': 'no' }, subject: '[SRC:ACME]' }, { flash: false, senderId: 'ACME' }],
  ['no headers, no subject :: no options', {}, {}],
];

for (const [name, input, options] of valid) Valid(name, () => check(input, { options }));
Valid.run();

const Dst = suite('options :: local times across DST in Europe/Berlin');
const MARCH = new Date('2026-03-20T12:00:00Z');
const OCTOBER = new Date('2026-10-20T12:00:00Z');
const dst: Array<[string, Case, string]> = [
  ['[AT:28.03.2026 09:00] :: +01:00', { subject: '[AT:28.03.2026 09:00]', now: MARCH }, '2026-03-28T08:00:00Z'],
  ['[AT:29.03.2026 09:00] :: +02:00', { subject: '[AT:29.03.2026 09:00]', now: MARCH }, '2026-03-29T07:00:00Z'],
  ['[AT:29.03.2026 02:30] in the gap :: moved forward to 03:30 +02:00', { subject: '[AT:29.03.2026 02:30]', now: MARCH }, '2026-03-29T01:30:00Z'],
  ['[AT:25.10.2026 02:30] ambiguous :: first occurrence, +02:00', { subject: '[AT:25.10.2026 02:30]', now: OCTOBER }, '2026-10-25T00:30:00Z'],
  ['[AT:25.10.2026 03:30] after fall-back :: +01:00', { subject: '[AT:25.10.2026 03:30]', now: OCTOBER }, '2026-10-25T02:30:00Z'],
  ['X-SMS-Send-At without offset in summer :: +02:00', { headers: { 'X-SMS-Send-At': '2026-04-01T09:00:00' }, now: MARCH }, '2026-04-01T07:00:00Z'],
  ['[AT:morgen 09:00] on the eve of the change :: +02:00', { subject: '[AT:morgen 09:00]', now: new Date('2026-03-28T20:00:00Z') }, '2026-03-29T07:00:00Z'],
];
for (const [name, input, iso] of dst) Dst(name, () => check(input, { options: { sendAt: at(iso) } }));
Dst.run();

const Subject = suite('options :: subject');
const subjects: Array<[string, string, string]> = [
  ['tags removed :: blanks tidied', '  [SRC:ACME]  Erinnerung [AT:01.12.2026 09:00]  morgen ', 'Erinnerung morgen'],
  ['tag between words :: a blank left', 'Termin[REF:X]bestätigt', 'Termin bestätigt'],
  ['unknown tags :: left untouched', '[EXTERNAL] [WICHTIG] Re: [Ticket#123] [SRC:ACME] Rückruf', '[EXTERNAL] [WICHTIG] Re: [Ticket#123] Rückruf'],
  ['unknown key with value :: left untouched', '[KST:4711] Hallo', '[KST:4711] Hallo'],
  ['Retarus\' [QOS:…] :: taken out', '[QOS:EXPRESS] Hallo', 'Hallo'],
  ['no tags :: unchanged', 'Erinnerung: Termin morgen', 'Erinnerung: Termin morgen'],
  ['only tags :: empty', '[SRC:ACME][PREVIEW]', ''],
];
for (const [name, subject, rest] of subjects) Subject(name, () => check({ subject }, { subject: rest }));
Subject.run();

const Bad = suite('options :: bad values');
const bad: Array<[string, Case, string[]]> = [
  ['X-SMS-Send-At garbage :: 550 sentence', { headers: { 'X-SMS-Send-At': 'next week' } }, [err('X-SMS-Send-At', 'next week', H_TIME)]],
  ['X-SMS-Send-At 31 Nov :: rejected, saying the month is shorter', { headers: { 'X-SMS-Send-At': '2026-11-31T09:00:00+01:00' } }, [err('X-SMS-Send-At', '2026-11-31T09:00:00+01:00', 'a day the calendar has (November 2026 has 30 days)')]],
  ['[AT] 31.11. :: rejected, saying the month is shorter', { subject: '[AT:31.11.2026 09:00]' }, [err('[AT]', '31.11.2026 09:00', 'a day the calendar has (November 2026 has 30 days)')]],
  ['[AT] month 13 :: rejected, saying there are 12', { subject: '[AT:01.13.2026 09:00]' }, [err('[AT]', '01.13.2026 09:00', 'a day the calendar has (a year has 12 months, not 13)')]],
  ['X-SMS-Send-At weekday contradicts date :: rejected', { headers: { 'X-SMS-Send-At': 'Mon, 01 Dec 2026 09:00:00 +0100' } }, [err('X-SMS-Send-At', 'Mon, 01 Dec 2026 09:00:00 +0100', H_TIME)]],
  ['X-SMS-Send-At 25:00 :: rejected', { headers: { 'X-SMS-Send-At': '2026-12-01T25:00:00Z' } }, [err('X-SMS-Send-At', '2026-12-01T25:00:00Z', H_TIME)]],
  ['X-SMS-Send-At beyond 30 days :: names the limit', { headers: { 'X-SMS-Send-At': '2027-01-15T09:00:00+01:00' } }, [err('X-SMS-Send-At', '2027-01-15T09:00:00+01:00', 'a time at most 30 days ahead')]],
  ['[AT] beyond a configured 7 days :: names the limit', { subject: '[AT:10.12.2026 09:00]', maxAheadDays: 7 }, [err('[AT]', '10.12.2026 09:00', 'a time at most 7 days ahead')]],
  ['[JOBPERIOD] garbage :: rejected', { subject: '[JOBPERIOD:soon]' }, [err('[JOBPERIOD]', 'soon', T_TIME)]],
  ['[AT] 30.02. :: rejected, saying the month is shorter', { subject: '[AT:30.02.2027 09:00]' }, [err('[AT]', '30.02.2027 09:00', 'a day the calendar has (February 2027 has 28 days)')]],
  ['[AT] without value :: rejected', { subject: '[AT] Hallo' }, [err('[AT]', '', T_TIME)]],
  ['X-SMS-Sender-ID 12 chars :: rejected', { headers: { 'X-SMS-Sender-ID': 'ACME Company' } }, [err('X-SMS-Sender-ID', 'ACME Company', SENDER)]],
  ['X-SMS-Sender-ID 16 digits :: rejected', { headers: { 'X-SMS-Sender-ID': '1234567890123456' } }, [err('X-SMS-Sender-ID', '1234567890123456', SENDER)]],
  ['X-SMS-Sender-ID umlaut :: rejected', { headers: { 'X-SMS-Sender-ID': 'Bäcker' } }, [err('X-SMS-Sender-ID', 'Bäcker', SENDER)]],
  ['X-SMS-Sender-ID punctuation :: rejected', { headers: { 'X-SMS-Sender-ID': 'ACME-AG' } }, [err('X-SMS-Sender-ID', 'ACME-AG', SENDER)]],
  ['X-SMS-Sender-ID blanks only :: rejected', { headers: { 'X-SMS-Sender-ID': '   ' } }, [err('X-SMS-Sender-ID', '', SENDER)]],
  ['X-SMS-Sender-ID header injection :: refused, CR LF escaped', { headers: { 'X-SMS-Sender-ID': 'ACME\r\nBcc: x@evil' } }, [err('X-SMS-Sender-ID', 'ACME\\r\\nBcc: x@evil', SENDER)]],
  ['X-SMS-Sender-ID trailing CR LF :: refused', { headers: { 'X-SMS-Sender-ID': 'ACME\r\n' } }, [err('X-SMS-Sender-ID', 'ACME\\r\\n', SENDER)]],
  ['[SRC] too long :: rejected', { subject: '[SRC:ACME GmbH Berlin]' }, [err('[SRC]', 'ACME GmbH Berlin', SENDER)]],
  ['X-SMS-Notify unknown :: rejected', { headers: { 'X-SMS-Notify': 'always' } }, [err('X-SMS-Notify', 'always', NOTIFY)]],
  ['[NOTIFY] unknown :: rejected', { subject: '[NOTIFY:yes]' }, [err('[NOTIFY]', 'yes', NOTIFY)]],
  ['X-SMS-Status-Callback-Level unknown :: rejected, naming the words the REST API takes', { headers: { 'X-SMS-Status-Callback-Level': 'sometimes' } }, [err('X-SMS-Status-Callback-Level', 'sometimes', CALLBACK_LEVEL)]],
  ['X-SMS-Status-Callback-Level empty :: rejected', { headers: { 'X-SMS-Status-Callback-Level': '' } }, [err('X-SMS-Status-Callback-Level', '', CALLBACK_LEVEL)]],
  ['[DN] not ON/OFF :: rejected', { subject: '[DN:yes]' }, [err('[DN]', 'yes', 'ON or OFF')]],
  ['X-SMS-Validity above 72h :: rejected', { headers: { 'X-SMS-Validity': '4d' } }, [err('X-SMS-Validity', '4d', VALIDITY)]],
  ['X-SMS-Validity unknown unit :: rejected', { headers: { 'X-SMS-Validity': '2w' } }, [err('X-SMS-Validity', '2w', VALIDITY)]],
  ['X-SMS-Validity negative :: rejected', { headers: { 'X-SMS-Validity': '-5' } }, [err('X-SMS-Validity', '-5', VALIDITY)]],
  ['[VALIDITY] text :: rejected', { subject: '[VALIDITY:lang]' }, [err('[VALIDITY]', 'lang', VALIDITY)]],
  ['X-SMS-Reference 65 chars :: rejected', { headers: { 'X-SMS-Reference': 'R'.repeat(65) } }, [err('X-SMS-Reference', 'R'.repeat(65), REF)]],
  ['X-SMS-Reference header injection :: refused', { headers: { 'X-SMS-Reference': 'INV-1\nX-Evil: 1' } }, [err('X-SMS-Reference', 'INV-1\\nX-Evil: 1', REF)]],
  ['X-SMS-Reference bidi override :: refused', { headers: { 'X-SMS-Reference': 'INV\u202E1' } }, [err('X-SMS-Reference', 'INV\u202E1', REF)]],
  ['X-SMS-Reference NUL :: refused, escaped', { headers: { 'X-SMS-Reference': 'A\u0000B' } }, [err('X-SMS-Reference', 'A\\u0000B', REF)]],
  ['[CUSTOMERREF] empty :: rejected', { subject: '[CUSTOMERREF:]' }, [err('[CUSTOMERREF]', '', REF)]],
  ['X-SMS-Billing-Code 71 chars :: rejected', { headers: { 'X-SMS-Billing-Code': 'K'.repeat(71) } }, [err('X-SMS-Billing-Code', 'K'.repeat(71), BC)]],
  ['X-SMS-Billing-Code header injection :: refused, escaped', { headers: { 'X-SMS-Billing-Code': 'KST\r\nX-Evil: 1' } }, [err('X-SMS-Billing-Code', 'KST\\r\\nX-Evil: 1', BC)]],
  ['X-SMS-Billing-Code bidi override :: refused', { headers: { 'X-SMS-Billing-Code': 'KST\u202E1' } }, [err('X-SMS-Billing-Code', 'KST\u202E1', BC)]],
  ['[BC] empty :: rejected', { subject: '[BC:]' }, [err('[BC]', '', BC)]],
  ['[BC] without value :: rejected', { subject: '[BC] x' }, [err('[BC]', '', BC)]],
  ['X-SMS-Flash maybe :: rejected', { headers: { 'X-SMS-Flash': 'maybe' } }, [err('X-SMS-Flash', 'maybe', FLAG)]],
  ['[FLASH] yes :: only ON or OFF', { subject: '[FLASH:yes]' }, [err('[FLASH]', 'yes', 'ON or OFF')]],
  ['X-SMS-Max-Segments 0 :: rejected', { headers: { 'X-SMS-Max-Segments': '0' } }, [err('X-SMS-Max-Segments', '0', SEGMENTS)]],
  ['X-SMS-Max-Segments 256 :: rejected', { headers: { 'X-SMS-Max-Segments': '256' } }, [err('X-SMS-Max-Segments', '256', SEGMENTS)]],
  ['X-SMS-Max-Segments 2.5 :: rejected', { headers: { 'X-SMS-Max-Segments': '2.5' } }, [err('X-SMS-Max-Segments', '2.5', SEGMENTS)]],
  ['[BLACKOUTPERIODS] 24:00 :: rejected', { subject: '[BLACKOUTPERIODS:20:00/24:00]' }, [err('[BLACKOUTPERIODS]', '20:00/24:00', BLACKOUT)]],
  ['[BLACKOUTPERIODS] one time :: rejected', { subject: '[BLACKOUTPERIODS:20:00]' }, [err('[BLACKOUTPERIODS]', '20:00', BLACKOUT)]],
  ['[BLACKOUTPERIODS] empty window :: rejected', { subject: '[BLACKOUTPERIODS:8:00/08:00]' }, [err('[BLACKOUTPERIODS]', '8:00/08:00', BLACKOUT)]],
  ['[BLACKOUTPERIODS] interval ending before it starts :: rejected', { subject: '[BLACKOUTPERIODS:2026-12-02T08:00:00Z/2026-12-01T08:00:00Z]' },
    [err('[BLACKOUTPERIODS]', '2026-12-02T08:00:00Z/2026-12-01T08:00:00Z', BLACKOUT)]],
  ['[BLACKOUTPERIODS] one good, one bad period :: rejected whole', { subject: '[BLACKOUTPERIODS:20:00/08:00,lunch]' }, [err('[BLACKOUTPERIODS]', '20:00/08:00,lunch', BLACKOUT)]],
  ['X-SMS-Blackout mixed time and date :: rejected', { headers: { 'X-SMS-Blackout': '20:00/2026-12-01T08:00:00Z' } }, [err('X-SMS-Blackout', '20:00/2026-12-01T08:00:00Z', BLACKOUT)]],
  ['X-SMS-Duplicate-Detection maybe :: rejected', { headers: { 'X-SMS-Duplicate-Detection': 'maybe' } }, [err('X-SMS-Duplicate-Detection', 'maybe', FLAG)]],
  ['X-SMS-Preview please :: rejected', { headers: { 'X-SMS-Preview': 'please' } }, [err('X-SMS-Preview', 'please', FLAG)]],
  ['X-SMS-Sender-ID national number with trunk 0 :: rejected', { headers: { 'X-SMS-Sender-ID': '030123456' } }, [err('X-SMS-Sender-ID', '030123456', SENDER)]],
  ['X-SMS-Sender-ID two digits :: rejected', { headers: { 'X-SMS-Sender-ID': '11' } }, [err('X-SMS-Sender-ID', '11', SENDER)]],
  ['X-SMS-Sender-ID + and 6 digits :: rejected', { headers: { 'X-SMS-Sender-ID': '+123456' } }, [err('X-SMS-Sender-ID', '+123456', SENDER)]],
  ['[DUPLICATEDETECTION] 1 :: rejected', { subject: '[DUPLICATEDETECTION:1]' }, [err('[DUPLICATEDETECTION]', '1', 'ON or OFF')]],
  ['[PREVIEW] bad value :: rejected', { subject: '[PREVIEW:bitte]' }, [err('[PREVIEW]', 'bitte', 'ON or OFF')]],
  ['[SRC] and [FROM] disagree :: rejected', { subject: '[SRC:ACME][FROM:OTHER]' }, [err('[FROM]', 'OTHER', 'the same value as [SRC], or only one of the two')]],
  ['tag key as written :: kept in the message', { subject: '[jobPeriod:x]' }, [err('[jobPeriod]', 'x', T_TIME)]],
  ['bad header, good tag for same option :: still an error', { headers: { 'X-SMS-Sender-ID': 'ACME!' }, subject: '[SRC:ACME]' }, [err('X-SMS-Sender-ID', 'ACME!', SENDER)]],
  ['good header, bad tag for same option :: still an error', { headers: { 'X-SMS-Sender-ID': 'ACME' }, subject: '[SRC:ACME!]' }, [err('[SRC]', 'ACME!', SENDER)]],
  ['several bad values :: all reported, headers first', {
    headers: { 'X-SMS-Flash': 'vielleicht', 'X-SMS-Max-Segments': '999' },
    subject: '[AT:32.12.2026 09:00] [DN:maybe] Hallo',
  }, [
    err('X-SMS-Flash', 'vielleicht', FLAG),
    err('X-SMS-Max-Segments', '999', SEGMENTS),
    err('[AT]', '32.12.2026 09:00', 'a day the calendar has (December 2026 has 31 days)'),
    err('[DN]', 'maybe', 'ON or OFF'),
  ]],
];
const OPTION_HEADERS = 'X-SMS-Send-At, X-SMS-Sender-ID, X-SMS-Notify, X-SMS-Validity, X-SMS-Reference, X-SMS-Billing-Code, X-SMS-Flash, X-SMS-Max-Segments, X-SMS-Blackout, X-SMS-Duplicate-Detection, X-SMS-Preview, X-SMS-Priority, X-SMS-Status-Callback, X-SMS-Status-Callback-Level';
bad.push(
  ['an X-SMS-* header that is no option (a typo the SMS would otherwise ignore, going out at once) :: names the one meant', { headers: { 'X-SMS-SendAt': '2026-12-01T09:00:00+01:00' } },
    [`the header x-sms-sendat is no option of this gateway (did you mean X-SMS-Send-At?); the options are ${OPTION_HEADERS}`]],
  ['another gateway\'s header :: the options listed, beside a bad value of a known one', { headers: { 'X-SMS-Originator': 'ACME', 'X-SMS-Flash': 'vielleicht' } },
    [err('X-SMS-Flash', 'vielleicht', FLAG), `the header x-sms-originator is no option of this gateway; the options are ${OPTION_HEADERS}`]],
  ['the callback\'s headers misspelt :: each named as the one meant', { headers: { 'X-SMS-StatusCallback': 'https://erp.test/cb', 'X-SMS-Status-CallbackLevel': 'final' } }, [
    `the header x-sms-statuscallback is no option of this gateway (did you mean X-SMS-Status-Callback?); the options are ${OPTION_HEADERS}`,
    `the header x-sms-status-callbacklevel is no option of this gateway (did you mean X-SMS-Status-Callback-Level?); the options are ${OPTION_HEADERS}`,
  ]],
);
for (const [name, input, errors] of bad) Bad(name, () => check(input, { errors }));
Bad.run();

const Describe = suite('options :: describeOptionError');
Describe('plain value :: the 550 sentence without the code', () => {
  assert.is(describeOptionError({ option: 'X-SMS-Flash', value: 'maybe', accepted: 'yes or no' }),
    'option X-SMS-Flash has the value "maybe", which is not valid: use yes or no');
});
Describe('long value :: cut to 80 characters', () => {
  const text = describeOptionError({ option: 'X-SMS-Reference', value: 'x'.repeat(200), accepted: REF });
  assert.is(text, `option X-SMS-Reference has the value "${'x'.repeat(80)}…", which is not valid: use ${REF}`);
});
Describe('control characters :: never reach the reply raw', () => {
  const text = describeOptionError({ option: '[REF]', value: 'a\r\n250 OK\u0007\u2028', accepted: REF });
  assert.not.match(text, /[\r\n\u0007\u2028]/);
  assert.ok(text.includes('a\\r\\n250 OK\\u0007\\u2028'));
});
Describe.run();

const Near = suite('options :: subject tags close to ours (refused: left in, they would change nothing and could become SMS text)');
const tagRefusal = (tag: string, meant: string) =>
  `the subject tag [${tag}:…] is no option of this gateway (did you mean [${meant}:…]?); left in, it would change nothing and could end up in the SMS text`;
const near: Array<[string, string, string, string]> = [
  ['another gateway\'s name for the send time', '[SENDAT:01.12.2026 09:00] Ihre Rechnung', 'SENDAT', 'AT'],
  ['hyphenated spelling of a Retarus tag', 'Rechnung [JOB-PERIOD:2026-12-01T09:00:00+01:00]', 'JOB-PERIOD', 'JOBPERIOD'],
  ['typo: two letters swapped', '[JOBPERIDO:2026-12-01T09:00:00+01:00]', 'JOBPERIDO', 'JOBPERIOD'],
  ['typo: one letter missing', '[VALIDIT:48]', 'VALIDIT', 'VALIDITY'],
  ['typo: two edits in a long name', '[CUSTOMRREFF:4711]', 'CUSTOMRREFF', 'CUSTOMERREF'],
  ['another gateway\'s name for the sender', '[Sender-ID:ACME] Termin', 'Sender-ID', 'FROM'],
];
for (const [name, subject, tag, meant] of near) Near(`${name} :: ${subject}`, () => check({ subject }, { errors: [tagRefusal(tag, meant)] }));
Near('with a bad value of a known tag :: both refused in one answer', () =>
  check({ subject: '[SENDAT:morgen] [NOTIFY:yes]' }, { errors: [tagRefusal('SENDAT', 'AT'), err('[NOTIFY]', 'yes', NOTIFY)] }));
const clerks: Array<[string, string]> = [
  ['a clerk\'s own tag with a value', '[Ticket:123] Rückruf'],
  ['a word one edit from PREVIEW but with another first letter', '[Review: Vertrag] bitte ansehen'],
  ['a short word one edit from AT', '[AM:9 Uhr] Termin'],
  ['a near name without a value (a clerk\'s marker)', '[SENDAT] Termin'],
  ['a clerk\'s cost centre in a tag of their own', '[KST:4711] Hallo'],
];
for (const [name, subject] of clerks) Near(`${name} :: stays text`, () => check({ subject }, { subject }));
Near.run();

const Shape = suite('options :: our tags in the wrong shape (= ; a blank, round brackets): refused, not left as text that changes nothing');
const shapeRefusal = (written: string, meant: string) =>
  `the subject text ${written} looks like an option tag in the wrong shape (did you mean ${meant}?); tags are written [NAME:value] in square brackets, and left as it is, it would change nothing and could end up in the SMS text`;
const wrongShapes: Array<[string, string, string]> = [
  ['eq [JOBPERIOD=2026-12-01T09:00]', '[JOBPERIOD=2026-12-01T09:00]', '[JOBPERIOD:2026-12-01T09:00]'],
  ['[JOBPERIOD 2026-12-01T09:00] Termin', '[JOBPERIOD 2026-12-01T09:00]', '[JOBPERIOD:2026-12-01T09:00]'],
  ['[JOBPERIOD;2026-12-01T09:00] Termin', '[JOBPERIOD;2026-12-01T09:00]', '[JOBPERIOD:2026-12-01T09:00]'],
  ['[AT=morgen 09:00] Termin', '[AT=morgen 09:00]', '[AT:morgen 09:00]'],
  ['Termin (JOBPERIOD:2026-12-01T09:00)', '(JOBPERIOD:2026-12-01T09:00)', '[JOBPERIOD:2026-12-01T09:00]'],
  ['[VALIDITY=48] Code', '[VALIDITY=48]', '[VALIDITY:48]'],
  ['[FLASH=ON] Alarm', '[FLASH=ON]', '[FLASH:ON]'],
  ['[SRC=ACME] Ihr Paket', '[SRC=ACME]', '[SRC:ACME]'],
  ['[src = ACME] Ihr Paket', '[src = ACME]', '[SRC:ACME]'],
  ['a typo in the wrong shape [JOB-PERIOD=2026-12-01T09:00]', '[JOB-PERIOD=2026-12-01T09:00]', '[JOBPERIOD:2026-12-01T09:00]'],
  ['(QOS EXPRESS) Störung', '(QOS EXPRESS)', '[QOS:EXPRESS]'],
  ['[AT 01.01.2020 09:00] Termin (a send time already past, with a blank)', '[AT 01.01.2020 09:00]', '[AT:01.01.2020 09:00]'],
];
for (const [subject, written, meant] of wrongShapes) Shape(`${subject} :: refused, naming ${meant}`, () => check({ subject }, { errors: [shapeRefusal(written, meant)] }));
Shape('a control character in the bracket :: escaped in the refusal', () =>
  check({ subject: '[REF=a\u0007b]' }, { errors: [shapeRefusal('[REF=a\\u0007b]', '[REF:a\\u0007b]')] }));
const harmless: Array<[string, string]> = [
  ['a ticket number', '[Ticket #123] Rückruf'],
  ['a gateway\'s marker', '[EXTERN] Rechnung'],
  ['a spam filter\'s marker', '[SPAM?] Gewinn'],
  ['an invoice in round brackets', 'Zahlung (Rechnung 4711) erhalten'],
  ['a clerk\'s words after a tag name, not in capitals', '[From Hamburg] Lieferung'],
  ['a clerk\'s reference in round brackets, not in capitals', 'Rechnung (Ref: 4711)'],
  ['a time in round brackets', 'Termin (at 10:00)'],
  ['a clerk\'s own key with =', '[Ticket=123] Rückruf'],
  ['a tag name alone in round brackets', 'Neu (FLASH)'],
  ['an empty bracket', '[] ()'],
  ['a tag name in capitals and a blank, with a word the tag does not take', '[AT RISK] Zahlung überfällig'],
  ['DN and a number it does not take, in round brackets', 'Lieferung (DN 123)'],
];
for (const [name, subject] of harmless) Shape(`${name} :: ${subject} :: stays text`, () => check({ subject }, { subject }));
Shape('the right shape beside a clerk\'s bracket :: read, the bracket stays', () =>
  check({ subject: '[Ticket #123] [FLASH:ON] Alarm' }, { options: { flash: true }, subject: '[Ticket #123] Alarm' }));
Shape.run();

const SpacedRef = suite('options :: a reference tag with a blank ([REF Rechnung 4711]): read as the reference, since a reference takes any text');
const spacedRefs: Array<[string, string, string, string]> = [
  ['a reference of two words', '[REF Rechnung 4711] Mahnung', 'Rechnung 4711', 'Mahnung'],
  ['Retarus\' name', 'Zahlung [CUSTOMERREF Auftrag 12/3] erhalten', 'Auftrag 12/3', 'Zahlung erhalten'],
  ['blanks around the value', '[ REF   INV-4711  ] Termin', 'INV-4711', 'Termin'],
  ['a colon inside the reference', '[REF Rechnung: 4711] Mahnung', 'Rechnung: 4711', 'Mahnung'],
  ['round brackets inside the reference', '[REF Rechnung (Kopie)] Mahnung', 'Rechnung (Kopie)', 'Mahnung'],
];
for (const [name, subject, reference, rest] of spacedRefs) {
  SpacedRef(`${name} :: ${subject} :: reference ${reference}`, () => check({ subject }, { options: { reference }, subject: rest }));
}
const stillMistyped: Array<[string, string, string, string]> = [
  ['= instead of :', '[REF=Rechnung 4711] Mahnung', '[REF=Rechnung 4711]', '[REF:Rechnung 4711]'],
  ['; instead of :', '[REF;4711] Mahnung', '[REF;4711]', '[REF:4711]'],
  ['round brackets', 'Mahnung (REF 4711)', '(REF 4711)', '[REF:4711]'],
  ['a near name with a blank', '[CUSTOMREF 4711] Mahnung', '[CUSTOMREF 4711]', '[CUSTOMERREF:4711]'],
];
for (const [name, subject, written, meant] of stillMistyped) {
  SpacedRef(`${name} :: ${subject} :: still refused`, () => check({ subject }, { errors: [shapeRefusal(written, meant)] }));
}
SpacedRef('a clerk\'s words, not in capitals :: [Ref Rechnung 4711] stays text', () =>
  check({ subject: '[Ref Rechnung 4711] Mahnung' }, { options: {}, subject: '[Ref Rechnung 4711] Mahnung' }));
SpacedRef('a reference too long, with a blank :: refused as a bad reference, not a mistyped tag', () =>
  check({ subject: `[REF ${'R'.repeat(65)}]` }, { errors: [err('[REF]', 'R'.repeat(65), REF)] }));
SpacedRef('the same reference with a blank and as a header :: one value', () =>
  check({ headers: { 'X-SMS-Reference': 'INV 1' }, subject: '[REF INV 1] Mahnung' }, { options: { reference: 'INV 1' }, subject: 'Mahnung' }));
SpacedRef.run();

const SenderShape = suite('options :: a sender tag with a blank ([FROM HR]): a tag in the wrong shape only with a sender the account sends as');
// Any word of up to 11 letters is a valid sender ID, so only the account's own senders tell a mistyped tag from a clerk's heading.
const ACCOUNT_SENDERS = ['ACME', 'ACME Bank', '+15005550006'];
const senderShapes: Array<[string, string, string, string]> = [
  ['the account\'s default sender', '[FROM ACME] Ihr Paket', '[FROM ACME]', '[FROM:ACME]'],
  ['the account\'s sender in other case', '[FROM acme] Ihr Paket', '[FROM acme]', '[FROM:acme]'],
  ['a sender the account may ask for, with a blank in it', '[FROM ACME Bank] Ihr Konto', '[FROM ACME Bank]', '[FROM:ACME Bank]'],
  ['the account\'s numeric sender', '[SRC +15005550006] Rückruf', '[SRC +15005550006]', '[SRC:+15005550006]'],
  ['round brackets', 'Ihr Paket (FROM ACME)', '(FROM ACME)', '[FROM:ACME]'],
  ['another gateway\'s name', '[SENDER ACME] Ihr Paket', '[SENDER ACME]', '[FROM:ACME]'],
];
for (const [name, subject, written, meant] of senderShapes) {
  SenderShape(`${name} :: ${subject} :: refused, naming ${meant}`, () => check({ subject, senderIds: ACCOUNT_SENDERS }, { errors: [shapeRefusal(written, meant)] }));
}
SenderShape('= instead of : :: refused whatever the sender (= is no way to write a subject)', () =>
  check({ subject: '[FROM=HR] Neue Regeln', senderIds: ACCOUNT_SENDERS }, { errors: [shapeRefusal('[FROM=HR]', '[FROM:HR]')] }));
SenderShape('a send time with a blank, beside :: still refused (not a sender tag)', () =>
  check({ subject: '[JOBPERIOD 01.12.2026 08:00] Termin', senderIds: ACCOUNT_SENDERS }, { errors: [shapeRefusal('[JOBPERIOD 01.12.2026 08:00]', '[JOBPERIOD:01.12.2026 08:00]')] }));
const headings: Array<[string, string, string[] | undefined]> = [
  ['a department as the heading of a notice', '[FROM HR] Neue Regeln', ACCOUNT_SENDERS],
  ['another department', '[FROM IT] Wartung heute Abend', ACCOUNT_SENDERS],
  ['a department in round brackets', 'Neue Regeln (FROM HR)', ACCOUNT_SENDERS],
  ['Retarus\' name with a word that is not the account\'s sender', '[SRC Intranet] Umzug', ACCOUNT_SENDERS],
  ['another gateway\'s name with a department', '[ABSENDER HR] Neue Regeln', ACCOUNT_SENDERS],
  ['an account with no sender of its own', '[FROM ACME] Ihr Paket', []],
  ['no account known', '[FROM ACME] Ihr Paket', undefined],
];
for (const [name, subject, senderIds] of headings) SenderShape(`${name} :: ${subject} :: stays text`, () => check({ subject, senderIds }, { subject }));
SenderShape.run();

const QosTag = suite('options :: priority is [QOS:EXPRESS] / [QOS:NORMAL] (README); anything else is refused, never ignored');
QosTag('[PRIORITY:HIGH] (another gateway\'s name) :: refused, naming [QOS:…]', () =>
  check({ subject: '[PRIORITY:HIGH] Störung' }, { errors: [tagRefusal('PRIORITY', 'QOS')] }));
QosTag('[QOS:HIGH] :: refused, naming the words it takes', () =>
  check({ subject: '[QOS:HIGH] Störung' }, { errors: [err('[QOS]', 'HIGH', 'EXPRESS or NORMAL')] }));
QosTag('[QOS:EXPRESS] :: express', () => check({ subject: '[QOS:EXPRESS] Störung' }, { options: { priority: 'express' }, subject: 'Störung' }));
QosTag.run();

const Blank = suite('options :: a blank option header in a mail (an ERP template\'s unused field) is not given');
const BLANK_HEADERS = ['X-SMS-Reference', 'X-SMS-Send-At', 'X-SMS-Sender-ID', 'X-SMS-Notify', 'X-SMS-Validity', 'X-SMS-Billing-Code', 'X-SMS-Flash',
  'X-SMS-Max-Segments', 'X-SMS-Blackout', 'X-SMS-Duplicate-Detection', 'X-SMS-Preview', 'X-SMS-Priority', 'X-SMS-Status-Callback', 'X-SMS-Status-Callback-Level'];
for (const name of BLANK_HEADERS) {
  Blank(`${name}: (nothing, or blanks) :: as if absent`, () => {
    check({ headers: { [name]: '' }, blankIsUnset: true }, { options: {} });
    check({ headers: { [name]: ' \t ' }, blankIsUnset: true }, { options: {} });
  });
}
Blank('a blank header beside a tag :: the tag holds (the header says nothing to override it)', () =>
  check({ headers: { 'X-SMS-Reference': '' }, subject: '[REF:INV-1] Mahnung', blankIsUnset: true }, { options: { reference: 'INV-1' }, subject: 'Mahnung' }));
Blank('a bad value that is not blank :: still refused', () =>
  check({ headers: { 'X-SMS-Reference': '', 'X-SMS-Flash': 'maybe' }, blankIsUnset: true }, { errors: [err('X-SMS-Flash', 'maybe', FLAG)] }));
Blank('the REST API ("" is a value there; null is not given) :: refused', () =>
  check({ headers: { 'X-SMS-Reference': '' } }, { errors: [err('X-SMS-Reference', '', REF)] }));
Blank.run();

const Past = suite('options :: a send time in the past');
// NOW is 2026-11-30 11:00 in Berlin.
Past('before the mail was written (a typo for another day) :: refused, naming when it was written', () =>
  check({ subject: '[AT:29.11.2026 09:00]', written: new Date('2026-11-30T09:55:00Z') },
    { errors: [err('[AT]', '29.11.2026 09:00', 'a time after the mail was written (2026-11-30 10:55 Europe/Berlin); to send at once, leave the option out')] }));
Past('written after the time in the header too :: refused', () =>
  check({ headers: { 'X-SMS-Send-At': '2026-11-30T08:00:00+01:00' }, written: new Date('2026-11-30T09:55:00Z') },
    { errors: [err('X-SMS-Send-At', '2026-11-30T08:00:00+01:00', 'a time after the mail was written (2026-11-30 10:55 Europe/Berlin); to send at once, leave the option out')] }));
Past('a few minutes before it was written :: now, and said', () => {
  const r = run({ subject: '[AT:30.11.2026 10:45]', written: new Date('2026-11-30T09:55:00Z') });
  assert.ok('options' in r && r.options.sendAt === undefined);
  assert.equal('options' in r && r.passed, new Date('2026-11-30T09:45:00Z'));
});
Past('ahead when written, passed when it came (an outbox or relay that waited) :: now, and said', () => {
  const r = run({ subject: '[AT:30.11.2026 09:00]', written: new Date('2026-11-30T07:00:00Z') });
  assert.ok('options' in r && r.options.sendAt === undefined);
  assert.equal('options' in r && r.passed, new Date('2026-11-30T08:00:00Z'));
});
Past('a Date header in the future (a wrong clock) :: judged from now', () => {
  const r = run({ subject: '[AT:30.11.2026 10:50]', written: new Date('2026-12-05T09:00:00Z') });
  assert.ok('options' in r && r.options.sendAt === undefined && r.passed !== undefined);
});
Past('no Date (a REST request) :: now, as before', () => {
  const r = run({ headers: { 'X-SMS-Send-At': '2026-11-01T09:00:00+01:00' } });
  assert.ok('options' in r && r.options.sendAt === undefined && r.passed !== undefined);
});
Past('a time ahead :: nothing passed', () => {
  const r = run({ subject: '[AT:01.12.2026 09:00]', written: NOW });
  assert.ok('options' in r && !r.passed);
});
Past.run();

const Prio = suite('options :: priority (express goes ahead of every normal SMS waiting)');
const prio: Array<[string, Case, SmsOptions]> = [
  ['Retarus [QOS:EXPRESS]', { subject: '[QOS:EXPRESS] x' }, { priority: 'express' }],
  ['[qos:normal] :: as if not set', { subject: '[qos:normal] x' }, {}],
  ['X-SMS-Priority: express', { headers: { 'X-SMS-Priority': 'express' } }, { priority: 'express' }],
  ['Outlook\'s high importance (X-Priority: 1, Importance: high)', { headers: { 'X-Priority': '1', Importance: 'high' } }, { priority: 'express' }],
  ['Thunderbird\'s "High" (X-Priority: 2 (High))', { headers: { 'X-Priority': '2 (High)' } }, { priority: 'express' }],
  ['Priority: urgent', { headers: { Priority: 'urgent' } }, { priority: 'express' }],
  ['low or normal importance :: nothing', { headers: { 'X-Priority': '3 (Normal)', Importance: 'normal' } }, {}],
  ['X-Priority 5 (lowest) :: nothing', { headers: { 'X-Priority': '5' } }, {}],
  ['high importance, but [QOS:NORMAL] :: the option wins', { headers: { 'X-Priority': '1' }, subject: '[QOS:NORMAL] x' }, {}],
];
for (const [name, input, options] of prio) Prio(name, () => check(input, { options }));
Prio('bad value :: refused with the accepted words', () => check({ subject: '[QOS:FAST]' }, { errors: [err('[QOS]', 'FAST', 'EXPRESS or NORMAL')] }));
Prio.run();

const Validity = suite('options :: validity, and 0 for the default validity (Retarus\' [VALIDITY:0]: the provider\'s default)');
const durations: Array<[string, number | undefined]> = [
  ['0', 0], ['0h', 0], ['0m', 0], ['0d', 0], ['0.0', 0], ['00', 0], ['0 H', 0],
  ['48', 48], ['48h', 48], ['30m', 0.5], ['2d', 48], ['72', 72], ['0.5', 0.5],
  ['72.5', undefined], ['4d', undefined], ['-0', undefined], ['-5', undefined], ['', undefined], ['0w', undefined], ['zero', undefined],
];
for (const [raw, hours] of durations) Validity(`value "${raw}" :: ${hours ?? 'refused'}`, () => assert.is(validityHours(raw), hours));
const zero: Array<[string, Case, SmsOptions, string?]> = [
  ['[VALIDITY:0] :: no validity of the mail\'s own, the tag taken out', { subject: '[VALIDITY:0] Termin' }, {}, 'Termin'],
  ['X-SMS-Validity: 0 :: none of its own', { headers: { 'X-SMS-Validity': '0' } }, {}],
  ['X-SMS-Validity: 0h over [VALIDITY:48] :: the header wins, back to the default', { headers: { 'X-SMS-Validity': '0h' }, subject: '[VALIDITY:48] x' }, {}, 'x'],
  ['X-SMS-Validity: 12h over [VALIDITY:0] :: the header\'s', { headers: { 'X-SMS-Validity': '12h' }, subject: '[VALIDITY:0] x' }, { validityHours: 12 }, 'x'],
  ['[VALIDITY:0] twice :: the same value, taken', { subject: '[VALIDITY:0][VALIDITY:0h] x' }, {}, 'x'],
];
for (const [name, input, options, subject] of zero) Validity(name, () => check(input, { options, subject }));
Validity('[VALIDITY:0] beside [VALIDITY:48] :: which was meant is unknown, refused', () =>
  check({ subject: '[VALIDITY:0] [VALIDITY:48] x' }, { errors: [err('[VALIDITY]', '48', 'the same value as [VALIDITY], or only one of the two')] }));
Validity.run();
