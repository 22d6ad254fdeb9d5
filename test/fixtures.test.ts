import { readFile } from 'node:fs/promises';
import { suite } from './helpers/suite.js';
import * as assert from 'uvu/assert';
import { startTestBridge, stopTestBridge, waitFor, type TestBridge } from './helpers/bridge.js';
import { mailer, queuedAs } from './helpers/smtp.js';

/**
 * The realistic mails of test/fixtures sent as they are over SMTP: what the
 * connector receives is checked for the property each fixture is about.
 * (test/mail checks the exact texts in-process.)
 */
const FORWARD_LEAKS = ['Forwarded', 'Weitergeleitete', 'forwarded message', 'weitergeleiteten', 'Betreff:', 'Subject:', 'Von:', 'From:', 'Datum:', 'Date:', 'Gesendet:', 'An:', 'To:'];
type Expect = { encoding?: 'GSM7' | 'UCS2'; segments?: number; contains?: string[]; lacks?: string[]; reply?: RegExp; accepted?: RegExp; from?: string };
const CASES: Array<[string, Expect]> = [
  ['outlook-html-only.eml', { encoding: 'GSM7', contains: ['https://pay.acme.test/inv/4711'], lacks: ['MsoNormal', '’', '“', '<'] }],
  ['outlook-multipart-quoted.eml', { lacks: ['Gesendet:', 'Von:'] }],
  ['thunderbird-flowed-signature.eml', { lacks: ['-- '] }],
  ['gmail-reply.eml', { lacks: ['wrote:', '\n>'] }],
  ['latin1-qp.eml', { encoding: 'GSM7', contains: ['ß'] }],
  ['base64-utf8.eml', { encoding: 'GSM7' }],
  ['pdf-attachment.eml', { lacks: ['%PDF', 'JVBER'] }],
  ['cyrillic.eml', { encoding: 'UCS2' }],
  ['emoji.eml', { encoding: 'UCS2' }],
  ['gsm-160.eml', { encoding: 'GSM7', segments: 1 }],
  ['gsm-161.eml', { encoding: 'GSM7', segments: 2 }],
  ['end-marker.eml', { lacks: ['##'] }],
  ['empty-body.eml', { segments: 1 }],
  ['nothing-to-send.eml', { reply: /550 5\.6\.0 no text to send/ }],
  ['erp-latin1-undeclared.eml', { encoding: 'GSM7', contains: ['Grüße aus Köln!', '84,00 €'], lacks: ['?', '\ufffd'] }],
  ['erp-latin1-subject.eml', { encoding: 'GSM7', contains: ['Grüße aus Köln: Zählerablesung'], lacks: ['?'] }],
  ['erp-latin1-from.eml', { encoding: 'GSM7', contains: ['Zählerablesung'], from: '"Jürgen Müller" <erp@stadtwerke-musterstadt.example>' }],
  ['erp-mislabelled-utf8.eml', { encoding: 'GSM7', contains: ['Frau Müller, Ihr Zählerstand wurde übermittelt'], lacks: ['?'] }],
  ['erp-latin1-attachment.eml', { encoding: 'GSM7', contains: ['über 84,00 €', 'Abzüge'], lacks: ['?', 'JVBER'] }],
  ['utf8-undeclared.eml', { encoding: 'GSM7', contains: ['Grüße aus Köln, der Zähler'] }],
  ['outlook-signature.eml', { encoding: 'GSM7', segments: 1, contains: ['bis Freitag.'], lacks: ['Grüßen', 'Erika', 'Tel.', 'Ursprüngliche'] }],
  ['erp-ansi-invisible.eml', { encoding: 'GSM7', segments: 1, contains: ['FEHLER im Nachtlauf: Buchungslauf abgebrochen, Dateiimport offen.'], lacks: ['[1;31m', '[0m'] }],
  ['outlook-html-table.eml', { encoding: 'GSM7', contains: ['INV-1 10 €\nINV-2 20 €'], lacks: ['INV-110'] }],
  ['erp-html-layout.eml', { encoding: 'GSM7', contains: ['RE-2026-1001 01.11.2026 149,90 €\n'], lacks: ['ACME', '  '] }],
  // Forwards: never a separator or a header line of the forwarded mail (review 2, F3).
  ['thunderbird-forward-de.eml', { contains: ['Ihre Lieferung kommt morgen'], lacks: FORWARD_LEAKS }],
  ['thunderbird-forward-only.eml', { contains: ['Ihre Bestellung 12345 ist unterwegs'], lacks: FORWARD_LEAKS, accepted: /^250 .*the text is the forwarded mail's/ }],
  ['thunderbird-forward-html-only.eml', { contains: ['Ihre Lieferung kommt morgen'], lacks: [...FORWARD_LEAKS, 'Clerk', 'Halle 3'] }],
  ['gmail-forward.eml', { contains: ['Bitte so an den Kunden.'], lacks: FORWARD_LEAKS }],
  ['gmail-forward-de-only.eml', { contains: ['Ihr Wagen ist ab 16 Uhr abholbereit'], lacks: [...FORWARD_LEAKS, 'Hauptstraße'] }],
  ['apple-forward.eml', { contains: ['Ihr Wagen ist fertig.'], lacks: FORWARD_LEAKS }],
  ['apple-forward-de-only.eml', { contains: ['Ihr Wagen ist ab 16 Uhr abholbereit.'], lacks: [...FORWARD_LEAKS, '>', 'Autohaus'] }],
  ['outlook-forward-html-only.eml', { contains: ['Ihre Brille ist fertig'], lacks: [...FORWARD_LEAKS, 'WG:', 'Optik Meier'] }],
  ['outlook-forward-attachment.eml', { contains: ['Ihr Termin ist am Montag um 9 Uhr.'], lacks: ['FW:', 'Praxis'], accepted: /^250 (?!.*attachment).*the text is the forwarded mail's/ }],
  // Review 3: a separator phrase in prose is text (C8); an introduction above a forward is not the SMS (C9).
  ['prose-begin-forwarded.eml', { contains: ['Begin forwarded message:\nthat is what Apple Mail', 'Call 0800 123'] }],
  ['apple-forward-fyi.eml', { contains: ['Ihre Bestellung 4711 wurde storniert'], lacks: [...FORWARD_LEAKS, 'FYI'], accepted: /^250 .*only introduces it/ }],
  ['outlook-forward-intro.eml', { contains: ['Die Lieferung kommt Dienstag'], lacks: [...FORWARD_LEAKS, 'beachten', '____'], accepted: /^250 .*only introduces it/ }],
  // winmail.dat alone: refused, never the subject (F4); next to text/plain see test/smtp/forwards.test.ts.
  ['tnef-only.eml', { reply: /^550 5\.6\.0 Outlook sent the text as Rich Text \(winmail\.dat\)/ }],
  ['tnef-toplevel.eml', { reply: /^550 5\.6\.0 Outlook sent the text as Rich Text/ }],
  // A text part marked base64 that is not: refused, never garbage or a text cut short.
  ['erp-mislabelled-base64.eml', { reply: /^550 5\.6\.0 the text part is marked as base64 but is not valid base64; the mail program or system that sent it encoded it wrongly/ }],
  ['outlook-base64-cut.eml', { reply: /^550 5\.6\.0 the text part is marked as base64 but is not valid base64/ }],
  // A multipart without a boundary: refused, never the subject instead of the lost body.
  ['erp-multipart-no-boundary.eml', { reply: /^550 5\.6\.0 the mail could not be read: it is marked multipart\/mixed \(several parts\) but names no boundary between the parts/ }],
];

const F = suite<{ b: TestBridge }>('fixtures over smtp');
F.before(async (ctx) => {
  ctx.b = await startTestBridge();
});
F.after(async (ctx) => {
  await stopTestBridge(ctx.b);
});

for (const [i, [file, e]] of CASES.entries()) {
  F(`fixture :: ${file} :: ${JSON.stringify(e).replace(/"/g, '')}`, async ({ b }) => {
    const raw = await readFile(new URL(`./fixtures/${file}`, import.meta.url));
    // A number each: the default per-number cap is 10 SMS an hour.
    const to = `+49151123456${String(i).padStart(2, '0')}@sms.localhost`;
    const send = mailer(b.port).sendMail({ envelope: { from: 'clerk@acme.test', to: [to] }, raw });
    if (e.reply) {
      const err = await send.then(() => undefined, (x: Error) => x);
      assert.ok(err, 'should be refused');
      assert.match(String((err as { response?: string }).response), e.reply);
      return;
    }
    const info = await send;
    if (e.accepted) assert.match(info.response, e.accepted);
    const id = queuedAs(info.response);
    const sms = await waitFor('SMS', () => b.sim.sent.find((s) => s.id === `${id}.1`));
    if (e.encoding) assert.is(sms.encoding, e.encoding, sms.text);
    if (e.segments) assert.is(sms.segments, e.segments, sms.text);
    for (const c of e.contains ?? []) assert.ok(sms.text.includes(c), `"${c}" missing in: ${sms.text}`);
    for (const c of e.lacks ?? []) assert.not.ok(sms.text.includes(c), `"${c}" left in: ${sms.text}`);
    assert.ok(sms.text.trim().length > 0);
    // What confirmations, the portal and the API show of the mail's sender.
    if (e.from) assert.is(b.store.get(sms.id)?.mail.from, e.from);
  });
}

F.run();
