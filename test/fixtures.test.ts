import { readFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestBridge, waitFor, type TestBridge } from './helpers/bridge.js';
import { mailer } from './helpers/smtp.js';

/**
 * The realistic mails of test/fixtures sent as they are over SMTP: what the
 * connector receives is checked for the property each fixture is about.
 * (test/mail checks the exact texts in-process.)
 */
type Expect = { encoding?: 'GSM7' | 'UCS2'; segments?: number; contains?: string[]; lacks?: string[]; reply?: RegExp; from?: string };
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
];

const F = suite<{ b: TestBridge }>('fixtures over smtp');
F.before(async (ctx) => {
  ctx.b = await startTestBridge();
});
F.after(async (ctx) => {
  await ctx.b.stop();
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
    const id = /queued as ([0-9A-Z]+)/.exec(info.response)![1];
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
