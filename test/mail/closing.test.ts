import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { DEFAULT_EXTRACT_OPTIONS, extractText, type Cut, type ExtractOptions } from '../../src/mail/extract.js';

/**
 * Closing formulas (text.closings): endings of real Outlook, Thunderbird and
 * Gmail mails, and the texts that must stay whole because a cut would lose
 * words of the message.
 */
const MESSAGE = 'Sehr geehrter Herr Müller,\n\nbitte überweisen Sie 120,50 € bis Freitag.';

const Cuts = suite('closing :: cut with the signature block');

// [what, text, text that remains, the cut's line]
const cutCases: Array<[string, string, string, string]> = [
  ['Outlook: formula, name, department, phone', `${MESSAGE}\n\nMit freundlichen Grüßen\nErika Muster\nBuchhaltung ACME GmbH\nTel. 0221 12345`, MESSAGE, 'Mit freundlichen Grüßen'],
  ['"Viele Grüße" and a first name', 'Komme um 8.\n\nViele Grüße\nErika', 'Komme um 8.', 'Viele Grüße'],
  [
    'Outlook company signature with blank lines, i.A., separators, mail, web and register entry',
    `${MESSAGE}\n\nMit freundlichen Grüßen\n\ni.A. Erika Muster\nBuchhaltung\n\nACME GmbH | Musterstraße 1 | 50667 Köln\nTel.: +49 221 12345-0 | Fax: +49 221 12345-99\n` +
      'E-Mail: erika.muster@acme.test\nwww.acme.test\n\nGeschäftsführer: Dr. Max Muster\nSitz der Gesellschaft: Köln, Amtsgericht Köln HRB 12345',
    MESSAGE,
    'Mit freundlichen Grüßen',
  ],
  [
    'Thunderbird, English: "Best regards," with name, title and phone',
    'Hi Tom,\n\nthe parcel is ready for pickup.\n\nBest regards,\nJane Doe\nHead of Logistics | ACME Inc.\n+1 555 0100',
    'Hi Tom,\n\nthe parcel is ready for pickup.',
    'Best regards,',
  ],
  ['Gmail: "Cheers," and a name', 'See you at 7.\n\nCheers,\nTom', 'See you at 7.', 'Cheers,'],
  ['"Kind regards" alone at the end', 'Invoice attached.\n\nKind regards', 'Invoice attached.', 'Kind regards'],
  ['formula and name on one line', 'Bin um 8 da.\nGruß Max', 'Bin um 8 da.', 'Gruß Max'],
  ['formula, comma and full name on one line', 'Straße gesperrt.\n\nGrüße, Jürgen Weiß', 'Straße gesperrt.', 'Grüße, Jürgen Weiß'],
  ['Swiss spelling', 'Termin bestätigt.\n\nFreundliche Grüsse\nHans Muster', 'Termin bestätigt.', 'Freundliche Grüsse'],
  ['ASCII spelling, any case', 'Termin bestaetigt.\n\nmit freundlichen gruessen\nH. Muster', 'Termin bestaetigt.', 'mit freundlichen gruessen'],
  ['"aus" and a place after the formula', 'Alles gut angekommen.\n\nViele Grüße aus Köln\nErika', 'Alles gut angekommen.', 'Viele Grüße aus Köln'],
  ['MfG and an initial', 'Rechnung folgt.\nMfG\nK. Schmidt', 'Rechnung folgt.', 'MfG'],
  ['Outlook logo placeholder below the name', 'Passt.\n\nMit freundlichen Grüßen\nErika Muster\n[cid:image001.png@01DA1234.56789AB0]', 'Passt.', 'Mit freundlichen Grüßen'],
  // Review 4b, F3: German business closings, as the review sent them.
  ['thanks joined to the formula', 'Die Ware ist abholbereit.\r\n\r\nVielen Dank und freundliche Grüße\r\nMax Muster\r\nACME GmbH\r\n', 'Die Ware ist abholbereit.', 'Vielen Dank und freundliche Grüße'],
  ['"Danke und viele Grüße"', 'Die Ware ist abholbereit.\r\n\r\nDanke und viele Grüße\r\nMax\r\n', 'Die Ware ist abholbereit.', 'Danke und viele Grüße'],
  ['a wish joined to the formula', 'Die Ware ist abholbereit.\n\nSchönes Wochenende und viele Grüße\nMax', 'Die Ware ist abholbereit.', 'Schönes Wochenende und viele Grüße'],
  ['English thanks joined to the formula', 'The parcel is ready.\n\nThanks and best regards,\nJane Doe', 'The parcel is ready.', 'Thanks and best regards,'],
  ['"i. A." before the name, a role below', 'Die Ware ist abholbereit.\r\n\r\nMit freundlichen Grüßen\r\ni. A. Max Muster\r\nSachbearbeiter Forderungsmanagement\r\n', 'Die Ware ist abholbereit.', 'Mit freundlichen Grüßen'],
  ['"ppa." before the name', 'Die Ware ist abholbereit.\r\n\r\nMit freundlichen Grüßen\r\nppa. Max Muster\r\nACME GmbH\r\n', 'Die Ware ist abholbereit.', 'Mit freundlichen Grüßen'],
  ['"i. V." and "gez." before names', 'Die Ware ist abholbereit.\n\nMit freundlichen Grüßen\ni. V. Max Muster\ngez. Erika Muster', 'Die Ware ist abholbereit.', 'Mit freundlichen Grüßen'],
  [
    'a one-line address footer of "·"-separated items, longer than a signature line',
    'Die Ware ist abholbereit.\r\n\r\nMit freundlichen Grüßen\r\nMax Muster\r\nACME GmbH · Hauptstraße 1 · 50667 Köln · Tel. +49 221 123456 · Fax +49 221 123457 · www.acme.test\r\n',
    'Die Ware ist abholbereit.',
    'Mit freundlichen Grüßen',
  ],
  [
    'a one-line register footer of "|"-separated items',
    'Die Ware ist abholbereit.\n\nViele Grüße\nMax Muster\nACME GmbH | Sitz: Köln | Amtsgericht Köln HRB 12345 | Geschäftsführer: Dr. Erika Muster',
    'Die Ware ist abholbereit.',
    'Viele Grüße',
  ],
  // Two-language sign-offs on one line (German and English), with the usual company block below.
  ...([
    'Beste Grüße / Best regards',
    'Freundliche Grüße / Kind regards',
    'Mit freundlichen Grüßen | Kind regards',
    'Viele Grüße/Best regards',
    'Mit freundlichen Grüßen – Kind regards',
    'Mit freundlichen Grüßen - With best regards',
    'Best regards / Mit freundlichen Grüßen,',
    'Freundliche Grüße / Kind regards, Erika Muster',
  ].map((closing): [string, string, string, string] => [
    `two-language sign-off "${closing}" and a company block`,
    `${MESSAGE}\n\n${closing}\n\nErika Muster\nLeiterin Buchhaltung\nACME GmbH\nMusterstraße 1, 50667 Köln\nTel. +49 221 12345-0\n\nGeschäftsführer: Dr. Max Muster\nAmtsgericht Köln HRB 12345`,
    MESSAGE,
    closing,
  ])),
];

for (const [what, text, remains, at] of cutCases) {
  Cuts(`${what} :: cut`, () => {
    const result = extractText({ text });
    assert.is(result.text, remains);
    assert.equal(result.cuts, [{ kind: 'closing', at }]);
  });
}

Cuts('closing above a quoted reply :: both cut, the closing listed first', () => {
  const result = extractText({ text: 'Ja, passt.\n\nViele Grüße\nErika\n\n-----Ursprüngliche Nachricht-----\nVon: Hans\nGesendet: Freitag\n\nPasst Dienstag?' });
  assert.is(result.text, 'Ja, passt.');
  assert.equal(result.cuts.map((c: Cut) => c.kind), ['closing', 'quote']);
});

Cuts('closing above a "-- " signature :: both cut', () => {
  const result = extractText({ text: 'Passt.\n\nLG\nAnna\n-- \nAnna Roth\nACME' });
  assert.is(result.text, 'Passt.');
  assert.equal(result.cuts.map((c: Cut) => c.kind), ['closing', 'signature']);
});

Cuts('Outlook HTML (MsoNormal paragraphs) :: cut like text', () => {
  const p = (t: string) => `<p class=MsoNormal>${t}<o:p></o:p></p>`;
  const html = `<div class=WordSection1>${p('Guten Tag,')}${p('<o:p>&nbsp;</o:p>')}${p('Ihr Paket ist da.')}${p('<o:p>&nbsp;</o:p>')}${p('Mit freundlichen Grüßen')}${p('Erika Muster')}</div>`;
  assert.equal(extractText({ html }), { text: 'Guten Tag,\n\nIhr Paket ist da.', from: 'html', cuts: [{ kind: 'closing', at: 'Mit freundlichen Grüßen' }] });
});

Cuts.run();

const Kept = suite('closing :: text kept whole');

// [what, text, options]
const keptCases: Array<[string, string, Partial<ExtractOptions>?]> = [
  ['"Gruß" inside a sentence', 'Bitte richten Sie Herrn Meier einen Gruß von mir aus.\nDanke'],
  ['a closing in the middle, message text after it', 'Viele Grüße\nErika\n\nPS: Die Rechnung kommt morgen.'],
  ['a sentence below the name', 'Hallo Max,\nalles klar.\n\nViele Grüße\nErika\nBitte ruf mich morgen zurück.'],
  ['a short request in capitalised words below the name, ending a sentence', 'Anbei die Liste.\n\nViele Grüße\nErika\nBitte Rückruf.'],
  ['a question below the name', 'Anbei die Liste.\n\nGruß\nMax\nKommst Du Morgen?'],
  ['greetings with more words after the formula', 'Tolle Party gestern!\nGrüße an alle im Büro'],
  ['greetings and a wish', 'Bis bald.\nBeste Grüße und bis morgen'],
  ['"Viele Grüße von der Messe!" followed by news', 'Viele Grüße von der Messe!\nWir sind ab Montag wieder im Büro.'],
  ['only a salutation above the closing', 'Hallo Max,\n\nViele Grüße\nAnna'],
  ['"Thanks," is not a default closing', 'Please call back.\n\nThanks,\nJonas'],
  ['"Danke!" alone is the message', 'Zahlung erhalten.\nDanke!'],
  ['"Best" starting a line of prose', 'New offer:\nBest price guaranteed until Friday'],
  ['a word that starts like a formula', 'Lieferung kommt.\nLGA Logistik GmbH'],
  // Review 4b, F3: what the new closing forms must not take.
  ['a message joined to a greeting by "und"', 'Anbei die Liste.\n\nZahlung erhalten und viele Grüße an Ihre Frau'],
  ['thanks for something, then a sentence', 'Vielen Dank und freundliche Grüße sind nicht genug.\nWir melden uns.'],
  ['a long line of "·" items with a sentence among them', 'Anbei die Liste.\n\nViele Grüße\nMax\nACME GmbH · bitte beachten Sie unsere neuen Öffnungszeiten ab dem 1. Dezember · www.acme.test'],
  ['a long line with only two items', 'Anbei die Liste.\n\nViele Grüße\nMax\nACME Gesellschaft für Logistik und Lagerhaltung mit beschränkter Haftung | www.acme.test'],
  ['more than ten lines below the closing', `Rechnung anbei.\n\nGruß\n${Array.from({ length: 11 }, (_, i) => `Zeile ${i + 1}`).join('\n')}`],
  ['closings turned off', 'Komme um 8.\n\nViele Grüße\nErika', { closings: [] }],
  // Two formulas joined: the same rules about what may follow, and both halves must be formulas.
  ['a two-language sign-off, then a sentence', 'Anbei die Liste.\n\nBeste Grüße / Best regards\nErika\nBitte ruf mich morgen zurück.'],
  ['a two-language sign-off with only a salutation above', 'Hallo Max,\n\nFreundliche Grüße / Kind regards\nErika'],
  ['a formula and a word that is none, joined by "/"', 'Anbei die Liste.\n\nViele Grüße / alles Gute zum Geburtstag'],
  ['a formula and a message, joined by " - "', 'Anbei die Liste.\n\nViele Grüße - ich melde mich morgen wegen der Rechnung'],
  ['a formula joined to a formula without a separator', 'Anbei die Liste.\n\nBeste Grüße Best regards für alle'],
];

for (const [what, text, opts] of keptCases) {
  Kept(`${what} :: kept`, () => {
    const result = extractText({ text }, { ...DEFAULT_EXTRACT_OPTIONS, ...opts });
    assert.is(result.text, text);
    assert.equal(result.cuts, []);
  });
}

Kept('operator closings :: an added formula cuts, the defaults replaced', () => {
  const opts = { ...DEFAULT_EXTRACT_OPTIONS, closings: ['Cordialement'] };
  assert.is(extractText({ text: 'Rendez-vous à 9h.\n\nCordialement\nMarie Dupont' }, opts).text, 'Rendez-vous à 9h.');
  assert.is(extractText({ text: 'Komme um 8.\n\nViele Grüße\nErika' }, opts).text, 'Komme um 8.\n\nViele Grüße\nErika');
});

Kept.run();

// Review 4b, F1: the SMS written in the subject, the body only the signature Outlook added.
const Only = suite('closing :: a body of nothing but a signature');

const SUBJECT = 'Ihr Auto ist fertig, Abholung ab 14 Uhr';

// [what, body, the cut]
const onlyCases: Array<[string, string, Cut]> = [
  ['formula, name, company', 'Mit freundlichen Grüßen\r\nMax Muster\r\nAutohaus ACME\r\n', { kind: 'closing', at: 'Mit freundlichen Grüßen' }],
  ['"Viele Grüße" and a first name', 'Viele Grüße\r\nMax\r\n', { kind: 'closing', at: 'Viele Grüße' }],
  ['a two-language sign-off, name, company', 'Freundliche Grüße / Kind regards\r\nMax Muster\r\nAutohaus ACME\r\n', { kind: 'closing', at: 'Freundliche Grüße / Kind regards' }],
  ['formula and name on one line', 'Gruß, Max', { kind: 'closing', at: 'Gruß, Max' }],
  ['a name block without a formula: name, company, phone', 'Max Muster\r\nAutohaus ACME\r\nTel. 0221 123456\r\n', { kind: 'signature-block', at: 'Max Muster' }],
  ['a name block with a title, role, e-mail and web', '\n\nDr. Erika Muster\nLeiterin Buchhaltung\nACME GmbH\nerika.muster@acme.test\nwww.acme.test', { kind: 'signature-block', at: 'Dr. Erika Muster' }],
  ['"i. A." and a name block', 'i. A. Max Muster\nKundenservice\nMobil: 0151 1234567', { kind: 'signature-block', at: 'i. A. Max Muster' }],
];

for (const [what, text, at] of onlyCases) {
  Only(`${what}, a subject :: the subject is the text, the body listed as cut`, () => {
    assert.equal(extractText({ text, subject: SUBJECT }), { text: SUBJECT, from: 'subject', cuts: [at] });
  });
  Only(`${what}, no subject :: nothing to send (NoText), never the bare signature`, () => {
    assert.equal(extractText({ text }), { text: '', from: 'body', cuts: [at] });
  });
}

Only('formula and name above a quoted mail, text in the subject :: the subject', () => {
  const text = 'Viele Grüße\nMax\n\n-----Ursprüngliche Nachricht-----\nVon: Kunde\nGesendet: Freitag\n\nWann ist mein Auto fertig?';
  const r = extractText({ text, subject: 'AW: Ihr Auto ist fertig', reply: true });
  assert.equal([r.text, r.from, r.cuts.map((c: Cut) => c.kind)], ['Ihr Auto ist fertig', 'subject', ['closing', 'quote']]);
});

// Near misses: a message, however short, is never taken for a signature.
const messages: Array<[string, string]> = [
  ['a short message with a name', 'Max, ruf mich an'],
  ['a short message with a name and a number', 'Max, ruf mich an: 0221 123456'],
  ['a request in capitalised words above a name block', 'Bitte Rückruf\nMax Muster\nTel. 0221 123456'],
  ['a contact of two lines', 'Max Muster\nTel. 0221 123456'],
  ['a name block without any contact line', 'Max Muster\nAutohaus ACME\nKöln'],
  ['a name block below a line of text', 'Ihr Ansprechpartner:\nMax Muster\nAutohaus ACME\nTel. 0221 123456'],
  ['a greeting from a place', 'Viele Grüße aus Köln!'],
  ['a salutation above the closing', 'Hallo Max,\n\nViele Grüße\nAnna'],
  ['"Danke!" alone', 'Danke!'],
  ['a closing with a sentence below it', 'Viele Grüße\nErika\nBitte ruf mich morgen zurück.'],
];

for (const [what, text] of messages) {
  Only(`${what} :: the body is the text, the subject not used`, () => {
    assert.equal(extractText({ text, subject: SUBJECT }), { text, from: 'body', cuts: [] });
  });
}

Only('closings turned off :: a formula and name alone are the text', () => {
  const r = extractText({ text: 'Viele Grüße\nErika', subject: SUBJECT }, { ...DEFAULT_EXTRACT_OPTIONS, closings: [] });
  assert.is(r.text, 'Viele Grüße\nErika');
});

Only.run();
