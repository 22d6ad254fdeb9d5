import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildConfig } from '../../src/config/load.js';
import { draftSms, type Draft } from '../../src/mail/draft.js';
import { parseMail } from '../../src/mail/parse.js';
import { previewReport } from '../../src/mail/preview.js';
import { basicPolicy } from '../../src/mail/recipient-plan.js';
import { previewText } from '../../src/notify/preview.js';
import { wordingFor } from '../../src/notify/wording/index.js';
import { SmtpError } from '../../src/smtp/errors.js';

const config = buildConfig({});
const NOW = new Date('2026-11-23T10:00:00Z');

async function preview(raw: string, language: 'en' | 'de' = 'en') {
  const parsed = await parseMail(Buffer.from(raw.replace(/\r?\n/g, '\r\n'), 'latin1'));
  const draft = draftSms({ parsed, envelopeFrom: 'erp@acme.test', now: NOW, options: config.options, text: config.text }) as Draft | SmtpError;
  if (draft instanceof SmtpError) throw new Error(draft.reply);
  const report = previewReport(draft, [], basicPolicy('default'), { now: NOW, timeZone: 'Europe/Berlin' }, () => undefined);
  return { report, text: previewText(report, 'Europe/Berlin', wordingFor(language)) };
}

const utf8Mail = (body: string) => 'From: erp@acme.test\nSubject: x\nContent-Type: text/plain; charset=utf-8\n\n' + Buffer.from(body, 'utf8').toString('latin1') + '\n';

const P = suite('mail preview');

P('Latin-1 without a charset :: recovered, nothing reported lost', async () => {
  const { report, text } = await preview('From: erp@acme.test\nSubject: x\nContent-Type: text/plain\n\nGr\xfc\xdfe aus K\xf6ln\n');
  assert.is(report.text, 'Grüße aus Köln');
  assert.is(report.lost, undefined);
  assert.not.match(text, /could not be read/);
});

P('a byte no charset can read :: counted, and the preview says the text goes out with "?"', async () => {
  const { report, text } = await preview('From: erp@acme.test\nSubject: x\nContent-Type: text/plain\n\nK\xf6ln \x81 und \x9d\n');
  assert.is(report.text, 'Köln ? und ?');
  assert.is(report.encoding, 'GSM7');
  assert.is(report.lost, 2);
  assert.match(text, /2 characters of your mail could not be read .* and go out as "\?": please check the text\./);
});

P('a closing cut :: named in the preview with its line', async () => {
  const { report, text } = await preview('From: erp@acme.test\nSubject: x\nContent-Type: text/plain; charset=utf-8\n\nKomme um 8.\n\nViele Gr\xfc\xdfe\nErika\n');
  assert.is(report.text, 'Komme um 8.');
  assert.match(text, /Cut from your mail:\n {2}- the closing and the signature below it \(from this line on\): "Viele Grüße"/);
});

P('a mail of high importance :: the preview names it express', async () => {
  const { report, text } = await preview('From: erp@acme.test\nSubject: x\nX-Priority: 1 (Highest)\nContent-Type: text/plain\n\nKonto ueberzogen.\n');
  assert.is(report.options.priority, 'express');
  assert.match(text, /Options in your mail: express \(ahead of normal SMS waiting\)\./);
});

// Review 4b, F1 and F2: the preview says the subject is the text, and why.
P('text in the subject, the body only a signature and a disclaimer :: the subject, both cuts named, the reason said', async () => {
  const body = 'Mit freundlichen Gr\xfc\xdfen\nMax Muster\nAutohaus ACME\n\nDiese E-Mail enth\xe4lt vertrauliche Informationen. Wenn Sie nicht der richtige Adressat sind, informieren Sie bitte den Absender.\n';
  const { report, text } = await preview(`From: erp@acme.test\nSubject: Ihr Auto ist fertig\nContent-Type: text/plain; charset=iso-8859-1\n\n${body}`);
  assert.equal([report.text, report.source], ['Ihr Auto ist fertig', 'subject']);
  assert.match(text, /Cut from your mail:\n {2}- the closing and the signature below it \(from this line on\): "Mit freundlichen Grüßen"\n {2}- a disclaimer or company footer at the end of the mail \(from this line on\): "Diese E-Mail enthält/);
  assert.match(text, /The text was taken from the subject: the body held nothing but what is listed above as cut\./);
});

P('invisible characters :: removed, named by code point (shown as they are they would turn the line around)', async () => {
  const { report, text } = await preview('From: erp@acme.test\nSubject: x\nContent-Type: text/plain; charset=utf-8\n\n' + Buffer.from('Rechnung \u202eoffen\u200b.', 'utf8').toString('latin1') + '\n');
  assert.equal([report.text, report.encoding], ['Rechnung offen.', 'GSM7']);
  assert.match(text, /Every character fits the GSM 7-bit alphabet\./);
  assert.match(text, /Removed, invisible and without text: U\+202E \(1x\), U\+200B \(1x\)/);
  assert.not.ok(text.includes('\u202e'));
});

/**
 * Review 4b F7 and F8: the preview says what was replaced only when that kept
 * the SMS cheaper, mentions emoji only where there are some, and counts
 * characters as the clerk does (the units a part holds beside them).
 * [name, language, body, must match, must not match]
 */
const WORDING: Array<[string, 'en' | 'de', string, RegExp[], RegExp[]]> = [
  ['the review\'s Unicode text with – (German) :: sent as written, the letters named, the dash kept', 'de', 'Sehr geehrte Frau García, Herr Dvořák, Łukasz – ça va?', [
    /^> Sehr geehrte Frau García, Herr Dvořák, Łukasz – ça va\?$/m,
    /^Der Text genau so, wie er gesendet würde: 54 Zeichen, Unicode \(UCS-2\), 1 SMS-Teil \(bis zu 70 je Teil\):$/m,
    /^Zeichen, die Unicode erzwungen haben \(eine SMS fasst dann 70 statt 160 Zeichen\): "í" \(U\+00ED\), "ř" \(U\+0159\), "á" \(U\+00E1\), "Ł" \(U\+0141\), "ç" \(U\+00E7\)$/m,
    /^Unverändert gelassen, da der Text ohnehin in Unicode geht und Ersetzen nichts sparen würde: "–" \(U\+2013\)$/m,
  ], [/Ersetzt/, /Emoji/]],
  ['the same in English', 'en', 'Herr Dvořák – ça va?', [/^Kept as written, as the text goes in Unicode anyway and replacing them would save nothing: "–" \(U\+2013\)$/m], [/Replaced/, /emoji/]],
  ['„ “ – that make it GSM-7 (German) :: replaced, and said so', 'de', 'Die „Mahnung“ – bitte lesen', [
    /^> Die "Mahnung" - bitte lesen$/m,
    /^Ersetzt, damit es günstiger bleibt: "„" durch """ \(1x\), "“" durch """ \(1x\), "–" durch "-" \(1x\)$/m,
    /^Der Text genau so, wie er gesendet würde: 27 Zeichen, GSM 7-Bit, 1 SMS-Teil \(bis zu 160 je Teil\):$/m,
  ], [/Unverändert/, /doppelt/]],
  ['€ [ ] in GSM-7 :: the characters, and the septets they take', 'en', 'Rechnung über 10 € [INV-4711]', [
    /^The text exactly as it would go out: 29 characters, counted as 32 \(\^ \{ \} \[ \] ~ \\ \| € count twice\), GSM 7-bit, 1 SMS part \(up to 160 per part\):$/m,
  ], [/emoji/]],
  ['an emoji (German) :: it counts twice', 'de', 'Danke 👍', [/^Der Text genau so, wie er gesendet würde: 7 Zeichen, gezählt als 8 \(ein Emoji zählt doppelt\), Unicode \(UCS-2\), 1 SMS-Teil/m], []],
];
for (const [name, language, body, must, mustNot] of WORDING) {
  P(`wording :: ${name}`, async () => {
    const { text } = await preview(utf8Mail(body), language);
    for (const re of must) assert.match(text, re);
    for (const re of mustNot) assert.not.match(text, re);
  });
}

P.run();
