import { readFile } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { confirmationView, subjectFor } from '../../src/notify/format.js';
import { LANGUAGES, wordingFor } from '../../src/notify/wording/index.js';
import type { SmsMessage, SmsStatus, StatusEvent } from '../../src/store/types.js';
import { compose } from './mime.js';
import { historyTo, sampleSms, T } from './sample.js';

/** What a clerk reads, per language and status: the sentences are the spec, so they are written out whole. */
const W = suite('notify/wording');

const BERLIN = 'Europe/Berlin';
const now = new Date(T.final);
const cancelled: StatusEvent = { status: 'cancelled', at: T.final, by: 'reply from clerk@acme.test', reason: 'by reply from clerk@acme.test' };

type Case = { sms: SmsMessage; status: SmsStatus; en: [string, string]; de: [string, string] };
const CASES: Record<string, Case> = {
  accepted: {
    sms: sampleSms({ status: 'accepted', history: historyTo('accepted') }),
    status: 'accepted',
    en: ['SMS accepted for +4915112345678: "Meeting"', 'Your SMS to +4915112345678 was accepted at 2026-11-23 15:05:09 UTC+01:00 and will be sent shortly.'],
    de: ['SMS an +4915112345678 angenommen: „Meeting“', 'Ihre SMS an +4915112345678 wurde am 23.11.2026 15:05:09 MEZ angenommen und wird in Kürze gesendet.'],
  },
  'accepted, with a send time': {
    sms: sampleSms({ status: 'accepted', history: historyTo('accepted'), notBefore: '2026-11-30T07:00:00.000Z', sendAt: '2026-11-30T07:00:00.000Z' }),
    status: 'accepted',
    en: ['SMS accepted for +4915112345678: "Meeting"', 'Your SMS to +4915112345678 was accepted at 2026-11-23 15:05:09 UTC+01:00 and will be sent at 2026-11-30 08:00:00 UTC+01:00.'],
    de: ['SMS an +4915112345678 angenommen: „Meeting“', 'Ihre SMS an +4915112345678 wurde am 23.11.2026 15:05:09 MEZ angenommen und wird am 30.11.2026 08:00:00 MEZ gesendet.'],
  },
  submitting: {
    sms: sampleSms({ status: 'submitting', history: historyTo('submitting') }),
    status: 'submitting',
    en: ['SMS being sent to +4915112345678: "Meeting"', 'Your SMS to +4915112345678 is being sent (since 2026-11-23 15:05:10 UTC+01:00).'],
    de: ['SMS an +4915112345678 wird gesendet: „Meeting“', 'Ihre SMS an +4915112345678 wird gerade gesendet (seit 23.11.2026 15:05:10 MEZ).'],
  },
  submitted: {
    sms: sampleSms({ status: 'submitted', history: historyTo('submitted') }),
    status: 'submitted',
    en: ['SMS handed to carrier for +4915112345678: "Meeting"', 'Your SMS to +4915112345678 was handed to the carrier at 2026-11-23 15:05:11 UTC+01:00; the delivery report is still outstanding.'],
    de: ['SMS an +4915112345678 an Netzbetreiber übergeben: „Meeting“', 'Ihre SMS an +4915112345678 wurde am 23.11.2026 15:05:11 MEZ an den Netzbetreiber übergeben; der Zustellbericht steht noch aus.'],
  },
  delivered: {
    sms: sampleSms(),
    status: 'delivered',
    en: ['SMS delivered to +4915112345678: "Meeting"', 'Your SMS to +4915112345678 was delivered at 2026-11-23 15:06:42 UTC+01:00.'],
    de: ['SMS an +4915112345678 zugestellt: „Meeting“', 'Ihre SMS an +4915112345678 wurde am 23.11.2026 15:06:42 MEZ zugestellt.'],
  },
  failed: {
    sms: sampleSms({ status: 'failed', history: historyTo('failed', { reason: 'Absent subscriber.' }) }),
    status: 'failed',
    en: ['SMS to +4915112345678 failed: "Meeting"', 'Your SMS to +4915112345678 could not be delivered: Absent subscriber.'],
    de: ['SMS an +4915112345678 fehlgeschlagen: „Meeting“', 'Ihre SMS an +4915112345678 konnte nicht zugestellt werden: Absent subscriber.'],
  },
  'failed without a reason': {
    sms: sampleSms({ status: 'failed', history: historyTo('failed') }),
    status: 'failed',
    en: ['SMS to +4915112345678 failed: "Meeting"', 'Your SMS to +4915112345678 could not be delivered: no reason given.'],
    de: ['SMS an +4915112345678 fehlgeschlagen: „Meeting“', 'Ihre SMS an +4915112345678 konnte nicht zugestellt werden: kein Grund angegeben.'],
  },
  expired: {
    sms: sampleSms({ status: 'expired', history: historyTo('expired', { reason: 'no delivery report within 48 h' }) }),
    status: 'expired',
    en: ['SMS to +4915112345678 expired: "Meeting"', 'Your SMS to +4915112345678 could not be delivered in time and expired at 2026-11-23 15:06:42 UTC+01:00: no delivery report within 48 h.'],
    de: ['SMS an +4915112345678 abgelaufen: „Meeting“', 'Ihre SMS an +4915112345678 konnte nicht rechtzeitig zugestellt werden und ist am 23.11.2026 15:06:42 MEZ abgelaufen: no delivery report within 48 h.'],
  },
  rejected: {
    sms: sampleSms({ status: 'rejected', history: historyTo('rejected', { reason: 'Number blocked' }) }),
    status: 'rejected',
    en: ['SMS to +4915112345678 rejected: "Meeting"', 'Your SMS to +4915112345678 was rejected and not sent: Number blocked.'],
    de: ['SMS an +4915112345678 abgelehnt: „Meeting“', 'Ihre SMS an +4915112345678 wurde abgelehnt und nicht gesendet: Number blocked.'],
  },
  cancelled: {
    sms: sampleSms({ status: 'cancelled', history: [{ status: 'accepted', at: T.accepted }, cancelled] }),
    status: 'cancelled',
    en: ['SMS to +4915112345678 cancelled: "Meeting"', 'Your SMS to +4915112345678 was cancelled at 2026-11-23 15:06:42 UTC+01:00 (reply from clerk@acme.test) and will not be sent.'],
    de: ['SMS an +4915112345678 storniert: „Meeting“', 'Ihre SMS an +4915112345678 wurde am 23.11.2026 15:06:42 MEZ storniert (per Antwort von clerk@acme.test) und wird nicht gesendet.'],
  },
  'cancelled as a duplicate': {
    sms: sampleSms({ status: 'cancelled', history: [{ status: 'accepted', at: T.accepted }, { status: 'cancelled', at: T.accepted, duplicateOf: 'M0.1' }] }),
    status: 'cancelled',
    en: ['SMS to +4915112345678 not sent again (duplicate): "Meeting"', 'Your SMS to +4915112345678 was not sent: the same text went to this number shortly before (our reference M0.1), and duplicate detection is on.'],
    de: ['SMS an +4915112345678 nicht erneut gesendet (Dublette): „Meeting“', 'Ihre SMS an +4915112345678 wurde nicht gesendet: Derselbe Text ging kurz zuvor an diese Nummer (unsere Referenz M0.1), und die Dublettenprüfung ist eingeschaltet.'],
  },
};

for (const [name, c] of Object.entries(CASES)) {
  for (const language of LANGUAGES) {
    W(`${language} :: ${name} :: subject and headline`, () => {
      const wording = wordingFor(language);
      const view = confirmationView(c.sms, c.status, { now, timeZone: BERLIN, wording });
      assert.equal([subjectFor(c.sms, c.status, wording), view.headline], c[language]);
    });
  }
}

W('every status has a table entry in every language (a missing one would be a type error; this guards the tests)', () => {
  const statuses = new Set(Object.values(CASES).map((c) => c.status));
  assert.equal([...statuses].sort(), ['accepted', 'cancelled', 'delivered', 'expired', 'failed', 'rejected', 'submitted', 'submitting']);
});

const STAGES: Array<[string, Partial<StatusEvent>, string, string]> = [
  ['accepted', { status: 'accepted' }, 'Accepted', 'Angenommen'],
  ['held', { status: 'accepted', until: T.final, reason: 'held for quiet hours' }, 'Held', 'Zurückgehalten'],
  ['submitted', { status: 'submitted' }, 'Handed to carrier', 'An Netzbetreiber übergeben'],
  ['a part delivered', { status: 'submitted', part: { index: 2, of: 3, status: 'delivered' } }, 'Part 2 of 3 delivered', 'Teil 2 von 3 zugestellt'],
  ['delivered', { status: 'delivered' }, 'Delivered', 'Zugestellt'],
  ['failed', { status: 'failed' }, 'Failed', 'Fehlgeschlagen'],
  ['expired', { status: 'expired' }, 'Expired', 'Abgelaufen'],
  ['rejected', { status: 'rejected' }, 'Rejected', 'Abgelehnt'],
  ['cancelled', { status: 'cancelled' }, 'Cancelled', 'Storniert'],
];
for (const [name, event, en, de] of STAGES) {
  W(`stage label :: ${name} :: "${en}" / "${de}"`, () => {
    const sms = sampleSms({ history: [{ status: 'accepted', at: T.accepted, ...event } as StatusEvent] });
    const label = (language: 'en' | 'de') => confirmationView(sms, 'delivered', { now, wording: wordingFor(language) }).stages[0].label;
    assert.equal([label('en'), label('de')], [en, de]);
  });
}

const WHO: Array<[string, string]> = [
  ['reply from clerk@acme.test', 'per Antwort von clerk@acme.test'],
  ['reply from the null sender', 'per Antwort ohne Absender'],
  ['api user erp', 'durch API-Benutzer erp'],
  ['portal user anna', 'durch Portal-Benutzer anna'],
  ['the operator (command line)', 'durch den Betreiber (Kommandozeile)'],
  ['its recipient, who opted out', 'der Empfänger möchte keine SMS mehr erhalten'],
  ['someone we never heard of', 'someone we never heard of'],
];
for (const [by, de] of WHO) {
  W(`de :: who cancelled :: "${by}" :: "${de}", in the headline and the history`, () => {
    const sms = sampleSms({ status: 'cancelled', history: [{ status: 'accepted', at: T.accepted }, { status: 'cancelled', at: T.final, by, reason: `by ${by}` }] });
    const view = confirmationView(sms, 'cancelled', { now, wording: wordingFor('de') });
    assert.match(view.headline, `storniert (${de}) und`);
    assert.equal(view.stages[1], { label: 'Storniert', at: '23.11.2026 14:06:42 UTC', reason: de });
    assert.is(view.reason, de);
  });
}

W('en :: a cancel\'s history keeps its recorded reason', () => {
  const sms = sampleSms({ status: 'cancelled', history: [{ status: 'accepted', at: T.accepted }, cancelled] });
  assert.is(confirmationView(sms, 'cancelled', { now }).stages[1].reason, 'by reply from clerk@acme.test');
});

W('de :: a reason the bridge did not write as "by <who>" stays as recorded', () => {
  const sms = sampleSms({ status: 'cancelled', history: [{ status: 'cancelled', at: T.final, by: 'its recipient, who opted out', reason: '+4915112345678 has asked not to receive SMS' }] });
  assert.is(confirmationView(sms, 'cancelled', { now, wording: wordingFor('de') }).stages[0].reason, '+4915112345678 has asked not to receive SMS');
});

const HINTS: Array<['en' | 'de', RegExp]> = [
  ['en', /reply to this mail with the word CANCEL as your text/],
  ['de', /antworten Sie auf diese E-Mail mit dem Wort STORNO \(oder CANCEL\) als Text/],
];
for (const [language, hint] of HINTS) {
  W(`${language} :: the cancel hint names the words src/smtp/cancel-reply.ts takes`, () => {
    const sms = sampleSms({ status: 'accepted', history: historyTo('accepted') });
    assert.match(confirmationView(sms, 'accepted', { now, canCancelByReply: true, wording: wordingFor(language) }).cancelHint ?? '', hint);
  });
}

W('length :: parts and encoding in each language', () => {
  assert.equal([wordingFor('en').length(1, 'GSM7'), wordingFor('en').length(2, 'UCS2')], ['1 SMS part, GSM 7-bit', '2 SMS parts, Unicode (UCS-2)']);
  assert.equal([wordingFor('de').length(1, 'GSM7'), wordingFor('de').length(2, 'UCS2')], ['1 SMS-Teil, GSM 7-Bit', '2 SMS-Teile, Unicode (UCS-2)']);
});

W('fields :: each block\'s values start in one column, in both languages', () => {
  for (const language of LANGUAGES) {
    const f = wordingFor(language).fields;
    const first = [f.recipient, f.reason, f.sendTime, f.sender, f.flash, f.length].map((s) => s.length);
    const second = [f.yourReference, f.ourReference, f.carrierReference, f.yourMail].map((s) => s.length);
    assert.is(new Set(first).size, 1, `${language}: ${first}`);
    assert.is(new Set(second).size, 1, `${language}: ${second}`);
    assert.ok(Object.values(f).every((s) => / {2}$/.test(s)), 'at least two spaces before each value');
  }
  assert.is(wordingFor('en').fields.recipient, 'Recipient:  ');
  assert.is(wordingFor('de').fields.recipient, 'Empfänger:  ');
});

W('wordingFor :: an unknown or inherited-prototype name falls back to English', () => {
  for (const odd of [undefined, 'fr', 'toString', '__proto__']) assert.is(wordingFor(odd).language, 'en', String(odd));
});

W('subject :: no original subject :: just the outcome, in each language', () => {
  const sms = sampleSms({}, { subject: undefined });
  assert.equal([subjectFor(sms, 'delivered', wordingFor('en')), subjectFor(sms, 'delivered', wordingFor('de'))], ['SMS delivered to +4915112345678', 'SMS an +4915112345678 zugestellt']);
});

for (const language of LANGUAGES) {
  W(`${language} :: the README's example confirmation is what the bridge writes`, async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const block = new RegExp(`<!-- example:confirmation-${language} -->\\n\`\`\`text\\n([\\s\\S]*?)\`\`\`\\n<!-- example:end -->`).exec(readme);
    assert.ok(block, `the ${language} example is in the README`);
    const sms = sampleSms({ text: 'Bitte begleichen Sie die Rechnung INV-4711 bis Freitag.', reference: 'INV-4711' }, { subject: 'Zahlungserinnerung' });
    const { mail } = await compose(sms, 'delivered', { language, timeZone: BERLIN });
    assert.fixture(`Subject: ${mail.subject}\n\n${mail.text}`, block[1]);
  });
}

W('billing code :: the preview names it with the confirmations\' word, in each language (German: Kostenstelle)', () => {
  for (const language of LANGUAGES) {
    const w = wordingFor(language);
    assert.ok(w.preview.option.billingCode('KST-1').toLowerCase().startsWith(w.labels.billingCode.toLowerCase()), language);
  }
  assert.is(wordingFor('de').preview.option.billingCode('KST-1'), 'Kostenstelle KST-1');
});

W('unknown charset :: the preview says how the text was read, in each language, as a send\'s 250 does', () => {
  assert.is(wordingFor('de').preview.unknownCharset('x-unknown-42'),
    'Der Zeichensatz "x-unknown-42" Ihrer E-Mail ist unbekannt: Der Text wurde wie Text ohne Angabe eines Zeichensatzes gelesen, als UTF-8, wo die Bytes UTF-8 sind, sonst als windows-1252 (westeuropäisch). Bitte prüfen Sie den Text.');
  assert.is(wordingFor('en').preview.unknownCharset('x-unknown-42'),
    'The charset "x-unknown-42" of your mail is unknown: its text was read as if it named no charset: as UTF-8 where the bytes are UTF-8 and as windows-1252 (Western European) elsewhere. Please check the text.');
});

W.run();
