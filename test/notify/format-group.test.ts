import { readFile } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { composeTogether, togetherMessageId } from '../../src/notify/compose-group.js';
import type { ConfirmationInput } from '../../src/notify/compose.js';
import { confirmationView } from '../../src/notify/format.js';
import { togetherSubject, togetherView, type Confirmed } from '../../src/notify/format-group.js';
import { LANGUAGES, wordingFor, type Language } from '../../src/notify/wording/index.js';
import type { SmsMessage, SmsStatus, StatusEvent } from '../../src/store/types.js';
import { NOW, partOfType, TEMPLATES } from './mime.js';
import { historyTo, sampleSms, T } from './sample.js';

/** What a clerk reads in a confirmation for several SMS of one mail, per language: the sentences are the spec. */
const F = suite('notify/format-group (several SMS of one mail in one confirmation)');

const BERLIN = 'Europe/Berlin';
const UNDELIV = 'UNDELIV: the handset was not reachable';

/** SMS n of a mail of 3, in `status` (with `final` for its last event), as the store has it. */
function nth(n: number, status: SmsStatus, final: Partial<StatusEvent> = {}, over: Partial<SmsMessage> = {}): Confirmed {
  const sms = sampleSms({
    id: `M1a2b3c.${n}`, ofMail: 3, to: `+49151123456${70 + n}`, status, history: historyTo(status, final), reference: 'INV-4711',
    text: 'Bitte begleichen Sie die Rechnung INV-4711 bis Freitag.', connectorMessageId: undefined, ...over,
  } as Partial<SmsMessage>, { subject: 'Zahlungserinnerung', rcptTo: `+49151123456${70 + n}@sms.localhost` });
  sms.history.forEach((e) => e.connectorMessageId && (e.connectorMessageId = `SIM-77${n}`));
  return { sms, status };
}

const mixed = () => [nth(1, 'delivered', { at: '2026-11-23T14:06:42.000Z' }), nth(2, 'delivered', { at: '2026-11-23T14:06:44.000Z' }), nth(3, 'failed', { at: '2026-11-23T14:06:47.000Z', reason: UNDELIV })];

async function compose(all: Confirmed[], extra: Partial<ConfirmationInput> = {}) {
  const [first, ...together] = all;
  const out = await composeTogether({
    sms: first.sms, status: first.status, together, from: 'mail2sms <noreply@sms.localhost>', reportingMta: 'sms.localhost', now: NOW, templatesDir: TEMPLATES, timeZone: BERLIN, ...extra,
  });
  return { out, mail: await simpleParser(out.raw) };
}

type Case = { all: () => Confirmed[]; en: [string, string]; de: [string, string] };
const CASES: Record<string, Case> = {
  'all delivered': {
    all: () => [nth(1, 'delivered'), nth(2, 'delivered'), nth(3, 'delivered')],
    en: ['SMS delivered to 3 numbers: "Zahlungserinnerung"', 'Your SMS to 3 numbers were delivered.'],
    de: ['SMS an 3 Nummern zugestellt: „Zahlungserinnerung“', 'Ihre SMS an 3 Nummern wurden zugestellt.'],
  },
  '2 delivered, 1 failed': {
    all: mixed,
    en: ['SMS to 3 numbers: 2 delivered, 1 failed: "Zahlungserinnerung"', 'Your SMS to 3 numbers: 2 were delivered, 1 could not be delivered.'],
    de: ['SMS an 3 Nummern: 2 zugestellt, 1 fehlgeschlagen: „Zahlungserinnerung“', 'Ihre SMS an 3 Nummern: 2 wurden zugestellt, 1 konnte nicht zugestellt werden.'],
  },
  '1 delivered, 2 failed, the failures named after the success whatever the order': {
    all: () => [nth(1, 'failed', { reason: UNDELIV }), nth(2, 'delivered'), nth(3, 'expired', { reason: 'validity period ended' })],
    en: ['SMS to 3 numbers: 1 delivered, 1 failed, 1 expired: "Zahlungserinnerung"', 'Your SMS to 3 numbers: 1 was delivered, 1 could not be delivered, 1 could not be delivered in time and expired.'],
    de: ['SMS an 3 Nummern: 1 zugestellt, 1 fehlgeschlagen, 1 abgelaufen: „Zahlungserinnerung“', 'Ihre SMS an 3 Nummern: 1 wurde zugestellt, 1 konnte nicht zugestellt werden, 1 konnte nicht rechtzeitig zugestellt werden und ist abgelaufen.'],
  },
  'a repeat held back by duplicate detection among them': {
    all: () => [nth(1, 'delivered'), nth(2, 'cancelled', { duplicateOf: 'M0.1', reason: 'not sent: duplicate' })],
    en: ['SMS to 2 numbers: 1 delivered, 1 not sent again (duplicate): "Zahlungserinnerung"', 'Your SMS to 2 numbers: 1 was delivered, 1 was not sent again: the same text went to that number shortly before.'],
    de: ['SMS an 2 Nummern: 1 zugestellt, 1 nicht erneut gesendet (Dublette): „Zahlungserinnerung“', 'Ihre SMS an 2 Nummern: 1 wurde zugestellt, 1 wurde nicht erneut gesendet: Derselbe Text ging kurz zuvor an diese Nummer.'],
  },
  'handed to the carrier': {
    all: () => [nth(1, 'submitted'), nth(2, 'submitted')],
    en: ['SMS handed to carrier for 2 numbers: "Zahlungserinnerung"', 'Your SMS to 2 numbers were handed to the carrier; the delivery reports are still outstanding.'],
    de: ['SMS an 2 Nummern an Netzbetreiber übergeben: „Zahlungserinnerung“', 'Ihre SMS an 2 Nummern wurden an den Netzbetreiber übergeben; die Zustellberichte stehen noch aus.'],
  },
  'accepted with a send time': {
    all: () => [1, 2].map((n) => nth(n, 'accepted', {}, { notBefore: '2026-11-30T07:00:00.000Z', sendAt: '2026-11-30T07:00:00.000Z' })),
    en: ['SMS accepted for 2 numbers: "Zahlungserinnerung"', 'Your SMS to 2 numbers were accepted and will be sent at the time shown.'],
    de: ['SMS an 2 Nummern angenommen: „Zahlungserinnerung“', 'Ihre SMS an 2 Nummern wurden angenommen und werden zur angegebenen Zeit gesendet.'],
  },
};

for (const [name, c] of Object.entries(CASES)) {
  for (const language of LANGUAGES) {
    F(`${language} :: ${name} :: subject and headline`, () => {
      const wording = wordingFor(language);
      const all = c.all();
      assert.is(togetherSubject(all, wording), c[language][0]);
      assert.is(togetherView(all, { now: NOW, timeZone: BERLIN, wording }).headline, c[language][1]);
    });
  }
}

F('rows :: each number with its own status, time and reason; a waiting one says when it goes', () => {
  const waiting = nth(3, 'accepted', {}, { notBefore: '2026-11-24T07:00:00.000Z' });
  waiting.sms.history.push({ status: 'accepted', at: T.accepted, reason: 'held for quiet hours (country FR: 20:00–08:00) until 2026-11-24 08:00 Europe/Paris', until: '2026-11-24T07:00:00.000Z' });
  const view = togetherView([nth(1, 'accepted'), waiting], { now: new Date(T.accepted), timeZone: BERLIN });
  assert.equal(view.rows.map((r) => [r.to, r.label, r.at, r.note]), [
    ['+4915112345671', 'Accepted', '2026-11-23 15:05:09 UTC+01:00', undefined],
    ['+4915112345673', 'Held', '2026-11-23 15:05:09 UTC+01:00', 'for quiet hours (country FR: 20:00–08:00) until 2026-11-24 08:00 Europe/Paris; will be sent at 2026-11-24 08:00:00 UTC+01:00'],
  ]);
});

F('sender :: named once when all go with the same, per number when they differ', () => {
  assert.is(togetherView([nth(1, 'delivered', {}, { sender: 'ACME' }), nth(2, 'delivered', {}, { sender: 'ACME' })], { now: NOW }).sender, 'ACME');
  const differ = togetherView([nth(1, 'delivered', {}, { sender: 'ACME' }), nth(2, 'delivered', {}, { sender: '+4930901820' })], { now: NOW });
  assert.is(differ.sender, undefined);
  assert.equal(differ.rows.map((r) => r.sender), ['ACME', '+4930901820']);
});

F('length :: as in the confirmation of one SMS, naming what made the text Unicode', () => {
  const text = 'Ihr Termin: 10 Uhr ✓';
  const all = [nth(1, 'delivered', {}, { text, encoding: 'UCS2' }), nth(2, 'delivered', {}, { text, encoding: 'UCS2' })];
  const one = confirmationView(all[0].sms, 'delivered', { now: NOW });
  assert.match(one.length, '✓');
  assert.is(togetherView(all, { now: NOW }).length, one.length);
});

F('Message-ID :: the mail id, the SMS numbers and the stage (the phase when they differ); a digest for a mail to many', () => {
  assert.is(togetherMessageId(mixed(), 'sms.localhost'), '<M1a2b3c.1+2+3.final@sms.localhost>');
  assert.is(togetherMessageId([nth(1, 'delivered'), nth(3, 'delivered')], 'sms.localhost'), '<M1a2b3c.1+3.delivered@sms.localhost>');
  const many = Array.from({ length: 40 }, (_, i) => nth(i + 1, 'delivered'));
  assert.match(togetherMessageId(many, 'sms.localhost'), /^<M1a2b3c\.40sms\.[0-9a-f]{16}\.delivered@sms\.localhost>$/);
  assert.is(togetherMessageId(many, 'sms.localhost'), togetherMessageId(many.map((c) => ({ ...c })), 'sms.localhost'), 'the same SMS, the same id');
});

F('DSN :: one report, its per-message block once and a per-recipient block per number, the original To listing them', async () => {
  const all = mixed().map((c) => ({ ...c, sms: { ...c.sms, dsn: { notify: ['SUCCESS', 'FAILURE'] as Array<'SUCCESS' | 'FAILURE'>, envid: 'ENV-1' } } }));
  const { out, mail } = await compose(all);
  assert.is((mail.headers.get('content-type') as { value: string }).value, 'multipart/report');
  assert.is(out.envelopeFrom, '', 'the null sender, as for every report');
  const status = partOfType(out.raw, 'message/delivery-status').body;
  assert.is(status.split('\r\n\r\n').filter((b) => b.trim()).length, 4, 'per-message block and three per-recipient blocks');
  assert.is(status.match(/^Reporting-MTA:/gm)?.length, 1);
  assert.equal([...status.matchAll(/^Action: (\w+)\r\nStatus: ([\d.]+)/gm)].map((m) => [m[1], m[2]]), [['delivered', '2.0.0'], ['delivered', '2.0.0'], ['failed', '5.0.0']]);
  assert.match(partOfType(out.raw, 'text/rfc822-headers').body, 'To: +4915112345671@sms.localhost, +4915112345672@sms.localhost,\r\n +4915112345673@sms.localhost\r\n');
});

F('threading and automatic-mail headers :: as for one SMS', async () => {
  const { mail } = await compose(mixed());
  assert.is(mail.inReplyTo, '<orig-1@client.example>');
  assert.equal(mail.references, ['<root-0@client.example>', '<orig-1@client.example>']);
  assert.is(mail.headers.get('auto-submitted'), 'auto-replied');
  assert.is(mail.messageId, '<M1a2b3c.1+2+3.final@sms.localhost>');
});

F('acceptance of SMS that wait :: Reply-To lists each one\'s cancel address, the body names which is which', async () => {
  const later = { notBefore: '2026-11-30T07:00:00.000Z', sendAt: '2026-11-30T07:00:00.000Z' };
  const all = [nth(1, 'accepted', {}, later), nth(2, 'accepted', {}, later)];
  const { mail } = await compose(all, { now: new Date(T.accepted), cancelAddress: (id) => `cancel+${id.toLowerCase()}.abc@sms.localhost` });
  assert.equal(mail.replyTo!.value.map((a) => a.address), ['cancel+m1a2b3c.1.abc@sms.localhost', 'cancel+m1a2b3c.2.abc@sms.localhost']);
  assert.match(mail.text!, '  +4915112345671  cancel+m1a2b3c.1.abc@sms.localhost\n  +4915112345672  cancel+m1a2b3c.2.abc@sms.localhost\n');
  assert.match(mail.text!, 'replies other than CANCEL are not read');
  // Those about to go (due within the minute) offer no cancel, as for one SMS.
  const soon = await compose([nth(1, 'accepted'), nth(2, 'accepted')], { now: new Date(T.accepted), cancelAddress: (id) => `cancel+${id}@sms.localhost` });
  assert.is(soon.mail.replyTo, undefined);
  assert.not.match(soon.mail.text!, 'CANCEL');
});

for (const language of LANGUAGES) {
  F(`${language} :: the README's example of a confirmation for several SMS is what the bridge writes`, async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const block = new RegExp(`<!-- example:confirmation-together-${language} -->\\n\`\`\`text\\n([\\s\\S]*?)\`\`\`\\n<!-- example:end -->`).exec(readme);
    assert.ok(block, `the ${language} example is in the README`);
    const { mail } = await compose(mixed(), { language: language as Language });
    assert.fixture(`Subject: ${mail.subject}\n\n${mail.text}`, block[1]);
  });
}

F.run();
