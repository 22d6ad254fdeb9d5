import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { confirmationView, rfc5322Date, subjectFor } from '../../src/notify/format.js';
import { wordingFor } from '../../src/notify/wording/index.js';
import { historyTo, sampleSms } from './sample.js';

const Format = suite('notify/format');

Format('rfc5322Date :: numeric +0000 zone, not GMT', () => {
  assert.is(rfc5322Date('2026-11-23T14:05:09.000Z'), 'Mon, 23 Nov 2026 14:05:09 +0000');
});

Format('view :: reason ending in a full stop :: no double full stop in the sentence', () => {
  const sms = sampleSms({ status: 'rejected', history: historyTo('rejected', { reason: 'Number blocked.' }) });
  const view = confirmationView(sms, 'rejected', { now: new Date() });
  assert.is(view.headline, 'Your SMS to +4915112345678 was rejected and not sent: Number blocked.');
});

Format('view :: status not in history :: time of composing is used', () => {
  const sms = sampleSms({ status: 'accepted', history: [] });
  const view = confirmationView(sms, 'accepted', { now: new Date('2026-11-23T14:10:00Z') });
  assert.match(view.headline, 'accepted at 2026-11-23 14:10:00 UTC');
});

Format('view :: connector message id comes from the latest stage that has one', () => {
  const sms = sampleSms();
  assert.is(confirmationView(sms, 'delivered', { now: new Date() }).connectorMessageId, 'SIM-777');
});

const at = '2026-11-23T14:05:09.000Z';
const VIEWS: Array<[string, Parameters<typeof sampleSms>[0], string, string]> = [
  ['a held SMS :: accepted now, sent at the end of its hold',
    { status: 'accepted', notBefore: '2026-11-24T07:00:00.000Z', history: [{ status: 'accepted', at }, { status: 'accepted', at, until: '2026-11-24T07:00:00.000Z', reason: 'held for quiet hours' }] },
    'accepted', 'Your SMS to +4915112345678 was accepted at 2026-11-23 14:05:09 UTC and will be sent at 2026-11-24 07:00:00 UTC.'],
  ['cancelled by somebody :: who, and that it will not go',
    { status: 'cancelled', history: [{ status: 'accepted', at }, { status: 'cancelled', at, by: 'reply from clerk@acme.test' }] },
    'cancelled', 'Your SMS to +4915112345678 was cancelled at 2026-11-23 14:05:09 UTC (reply from clerk@acme.test) and will not be sent.'],
  ['a duplicate :: names the earlier SMS',
    { status: 'cancelled', history: [{ status: 'accepted', at }, { status: 'cancelled', at, duplicateOf: 'M0.1' }] },
    'cancelled', 'Your SMS to +4915112345678 was not sent: the same text went to this number shortly before (our reference M0.1), and duplicate detection is on.'],
];
Format('view :: a hold in the stages :: "Held" with the reason without its own "held for" (it read "Held (held for quiet hours …)")', () => {
  const sms = sampleSms({ status: 'accepted', notBefore: '2026-11-24T07:00:00.000Z', history: [{ status: 'accepted', at }, { status: 'accepted', at, until: '2026-11-24T07:00:00.000Z', reason: 'held for quiet hours (your mail: 00:00–23:59) until 2026-11-24 08:00 Europe/Berlin' }] });
  const held = confirmationView(sms, 'accepted', { now: new Date(at) }).stages[1];
  assert.equal([held.label, held.reason], ['Held', 'for quiet hours (your mail: 00:00–23:59) until 2026-11-24 08:00 Europe/Berlin']);
});

Format('view :: a retry recorded by an earlier version ("…; next attempt in 6 s" in its reason) :: "Waiting", the wait as the next attempt\'s time, EN and DE', () => {
  const sms = sampleSms({ status: 'accepted', history: [{ status: 'accepted', at }, { status: 'accepted', at, reason: 'simulator: link down; next attempt in 6 s' }] });
  const en = confirmationView(sms, 'accepted', { now: new Date(at) }).stages[1];
  assert.equal([en.label, en.reason], ['Waiting', 'the attempt failed for now (simulator: link down); next attempt at 2026-11-23 14:05:15 UTC']);
  const de = confirmationView(sms, 'accepted', { now: new Date(at), wording: wordingFor('de'), timeZone: 'Europe/Berlin' }).stages[1];
  assert.equal([de.label, de.reason], ['Wartet', 'der Versuch ist vorerst fehlgeschlagen (simulator: link down); nächster Versuch am 23.11.2026 15:05:15 MEZ']);
});

Format('view :: a hold of the mail\'s own blackout period, kept as data :: its start and end in the reader\'s time, EN and DE', () => {
  const quiet = { source: 'your mail', start: '2026-11-23T23:00:00.000Z', end: '2026-11-24T07:00:00.000Z', zone: 'Europe/Berlin' };
  const sms = sampleSms({ status: 'accepted', notBefore: '2026-11-24T07:00:00.000Z', history: [{ status: 'accepted', at }, { status: 'accepted', at, until: '2026-11-24T07:00:00.000Z', quiet }] });
  const en = confirmationView(sms, 'accepted', { now: new Date(at) }).stages[1];
  assert.equal([en.label, en.reason], ['Held', 'a blackout period set in your mail: 2026-11-23 23:00:00 UTC to 2026-11-24 07:00:00 UTC; goes out at 2026-11-24 07:00:00 UTC']);
  const de = confirmationView(sms, 'accepted', { now: new Date(at), wording: wordingFor('de'), timeZone: 'Europe/Berlin' }).stages[1];
  assert.is(de.reason, 'Sperrzeit, festgelegt in Ihrer E-Mail: 24.11.2026 00:00:00 MEZ bis 24.11.2026 08:00:00 MEZ; Versand am 24.11.2026 08:00:00 MEZ');
});

Format('view :: a hold on Sundays and holidays for an account, kept as data :: days and dates in words, not all called public holidays (review 8, B-L4), EN and DE', () => {
  const quiet = { source: 'account acme', days: ['sun' as const], dates: ['12-25', '2027-03-26'], zone: 'Europe/Berlin' };
  const sms = sampleSms({ status: 'accepted', history: [{ status: 'accepted', at }, { status: 'accepted', at, until: '2026-11-23T23:00:00.000Z', quiet }] });
  assert.is(confirmationView(sms, 'accepted', { now: new Date(at), timeZone: 'Europe/Berlin' }).stages[1].reason,
    'quiet hours at the recipient, set for account acme: Sundays and on 25 Dec, 26 Mar 2027 their local time; goes out at 2026-11-24 00:00:00 UTC+01:00');
  assert.is(confirmationView(sms, 'accepted', { now: new Date(at), wording: wordingFor('de'), timeZone: 'Europe/Berlin' }).stages[1].reason,
    'Ruhezeit beim Empfänger, festgelegt für das Konto acme: sonntags und am 25.12., 26.03.2027 seiner Ortszeit; Versand am 24.11.2026 00:00:00 MEZ');
});

Format('view :: settled after a restore as handed over by the old system (review 8, B-M2) :: not "handed over at <the time of the mark>; report outstanding", EN and DE; with a carrier id the report still comes', () => {
  const marked = { status: 'submitted' as const, at: '2026-11-25T10:00:00.000Z', backup: 'sent' as const, by: 'the operator (command line)', reason: 'handed to the carrier by the bridge the backup was taken of, as the operator (command line) found' };
  const sms = sampleSms({ status: 'submitted', history: [{ status: 'accepted', at }, { status: 'submitting', at }, marked] });
  const en = confirmationView(sms, 'submitted', { now: new Date(marked.at) }).headline;
  assert.is(en, 'Your SMS to +4915112345678 was handed to the carrier by the system our service replaced when it had to be restored from a backup; it is not sent again. Its delivery report went to that system, so it may never reach us.');
  const de = confirmationView(sms, 'submitted', { now: new Date(marked.at), wording: wordingFor('de'), timeZone: 'Europe/Berlin' }).headline;
  assert.match(de, /^Ihre SMS an \+4915112345678 wurde von dem System an den Netzbetreiber übergeben, das unser Dienst ersetzt hat/);
  assert.not.match(de, '25.11.2026');
  const reported = sampleSms({ status: 'submitted', history: [{ status: 'accepted', at }, { status: 'submitting', at }, { ...marked, connectorMessageId: 'AGG-1' }] });
  assert.match(confirmationView(reported, 'submitted', { now: new Date(marked.at) }).headline, / it is not sent again\. The delivery report is still outstanding\.$/);
});

Format('view :: a hold read in a zone that need not be the recipient\'s (review 8, B-L4) :: one the rule names, or the account\'s for a country of unknown zones: its offset, not "their local time", EN and DE', () => {
  for (const zoneFrom of ['rule', 'fallback'] as const) {
    const quiet = { source: 'account acme', from: '20:00', to: '08:00', zone: 'America/New_York', zoneFrom };
    const sms = sampleSms({ status: 'accepted', history: [{ status: 'accepted', at }, { status: 'accepted', at, until: '2026-11-24T13:00:00.000Z', quiet }] });
    assert.is(confirmationView(sms, 'accepted', { now: new Date(at) }).stages[1].reason,
      'quiet hours at the recipient, set for account acme: 20:00–08:00 (UTC-05:00); goes out at 2026-11-24 13:00:00 UTC', zoneFrom);
    assert.is(confirmationView(sms, 'accepted', { now: new Date(at), wording: wordingFor('de'), timeZone: 'Europe/Berlin' }).stages[1].reason,
      'Ruhezeit beim Empfänger, festgelegt für das Konto acme: 20:00–08:00 Uhr (UTC-05:00); Versand am 24.11.2026 14:00:00 MEZ', zoneFrom);
  }
});

Format('view and subject :: a subject with CR LF (from an encoded word) and a direction override :: one line, in the body\'s "Your mail" as in the Subject', () => {
  const sms = sampleSms({}, { subject: 'Mahnung\r\nBcc: victim@evil.test \u202eGPJ.exe' });
  assert.is(confirmationView(sms, 'delivered', { now: new Date(at) }).originalSubject, 'Mahnung Bcc: victim@evil.test GPJ.exe');
  assert.is(subjectFor(sms, 'delivered'), 'SMS delivered to +4915112345678: "Mahnung Bcc: victim@evil.test GPJ.exe"');
});

for (const [name, over, status, headline] of VIEWS) {
  Format(`view :: ${name}`, () => {
    assert.is(confirmationView(sampleSms(over), status as never, { now: new Date(at) }).headline, headline);
  });
}

Format('view :: a hold is listed as "Held" in the history; the cancel hint only while a reply can cancel', () => {
  const sms = sampleSms({ status: 'accepted', notBefore: '2026-11-24T07:00:00.000Z', history: [{ status: 'accepted', at }, { status: 'accepted', at, until: '2026-11-24T07:00:00.000Z', reason: 'held' }] });
  const view = confirmationView(sms, 'accepted', { now: new Date(at), canCancelByReply: true });
  assert.equal(view.stages.map((s) => s.label), ['Accepted', 'Held']);
  assert.match(view.cancelHint ?? '', /reply to this mail with the word CANCEL/);
  assert.is(confirmationView({ ...sms, status: 'submitted' }, 'accepted', { now: new Date(at), canCancelByReply: true }).cancelHint, undefined);
});

/**
 * Review 4b F8: the length names what made the SMS Unicode, as the preview does.
 * [name, text as stored, encoding, text.transliterate, language, length]
 */
const LENGTHS: Array<[string, string, 'GSM7' | 'UCS2', boolean, 'en' | 'de', string]> = [
  ['a French name with ç (0x09 is the capital Ç)', 'Bonjour François', 'UCS2', true, 'en', '1 SMS part, Unicode (UCS-2) because of "ç"'],
  ['the same in German', 'Bonjour François', 'UCS2', true, 'de', '1 SMS-Teil, Unicode (UCS-2) wegen "ç"'],
  ['names and a dash kept as written :: the letters, not the dash', 'Herr Dvořák – ça va?', 'UCS2', true, 'en', '1 SMS part, Unicode (UCS-2) because of "ř" "á" "ç"'],
  ['typographic quotes without transliteration :: they made it Unicode', 'Die „Mahnung“', 'UCS2', false, 'en', '1 SMS part, Unicode (UCS-2) because of "„" "“"'],
  ['Cyrillic :: the first five', 'Привет мир', 'UCS2', true, 'en', '1 SMS part, Unicode (UCS-2) because of "П" "р" "и" "в" "е"'],
  ['GSM-7 :: nothing to name', 'Grüße aus Köln', 'GSM7', true, 'en', '1 SMS part, GSM 7-bit'],
];
for (const [name, text, encoding, transliterate, language, length] of LENGTHS) {
  Format(`view :: length :: ${name}`, () => {
    const view = confirmationView(sampleSms({ text, encoding }), 'delivered', { now: new Date(at), wording: wordingFor(language), transliterate });
    assert.is(view.length, length);
  });
}

Format.run();
