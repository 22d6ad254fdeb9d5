import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { DEFAULT_EXTRACT_OPTIONS, extractText, type Cut, type ExtractOptions, type MailText } from '../../src/mail/extract.js';

/**
 * Corporate disclaimers at the end of a mail (review 4b, F2): cut, with the
 * separator line above them, and the closing rule applied to what is left;
 * text that only looks like one, or stands above message text, is kept.
 */
const DE = 'Diese E-Mail enthält vertrauliche und/oder rechtlich geschützte Informationen. Wenn Sie nicht der richtige Adressat sind oder diese E-Mail irrtümlich erhalten haben, informieren Sie bitte sofort den Absender und vernichten Sie diese Mail.';
const EN = 'This e-mail may contain confidential information. If you are not the intended recipient, please notify the sender immediately and delete this e-mail.';
const RULE = '________________________________';

const Cuts = suite('disclaimer :: cut at the end of the mail');

const kinds = (cuts: Cut[]) => cuts.map((c) => `${c.kind}: ${c.at}`);

// [what, mail, the SMS text, the cuts as "kind: line"]
const cutCases: Array<[string, MailText, string, string[]]> = [
  [
    'review: German notice below the signature :: both cut, one segment left',
    { text: `Ihr Auftrag 778 ist bereit zur Abholung.\n\nMit freundlichen Grüßen\nACME GmbH\n\n${DE}` },
    'Ihr Auftrag 778 ist bereit zur Abholung.',
    ['closing: Mit freundlichen Grüßen', `disclaimer: ${DE.slice(0, 79)}…`],
  ],
  [
    'review: English notice right below the text',
    { text: `Ihr Auftrag 779 ist abholbereit.\n\n${EN}` },
    'Ihr Auftrag 779 ist abholbereit.',
    [`disclaimer: ${EN.slice(0, 79)}…`],
  ],
  [
    "review: Exchange's underscore line above the notice :: cut from the line",
    { text: `Die Ware ist abholbereit.\r\n\r\n${RULE}\r\n\r\nDiese E-Mail kann vertrauliche Informationen enthalten. Wenn Sie nicht der beabsichtigte Empfänger sind, löschen Sie diese E-Mail bitte.\r\n` },
    'Die Ware ist abholbereit.',
    [`disclaimer: ${RULE}`],
  ],
  [
    'review: "Bitte denken Sie an die Umwelt" below a name without a closing :: only the line cut',
    { text: 'Die Ware ist abholbereit.\r\n\r\nMax Muster\r\nACME GmbH\r\n\r\nBitte denken Sie an die Umwelt, bevor Sie diese E-Mail ausdrucken.' },
    'Die Ware ist abholbereit.\n\nMax Muster\nACME GmbH',
    ['disclaimer: Bitte denken Sie an die Umwelt, bevor Sie diese E-Mail ausdrucken.'],
  ],
  [
    'review: HTML only (Exchange rule): paragraph, signature, address table, small print',
    {
      html: '<p>Ihr Auftrag 780 ist abholbereit.</p><p>Mit freundlichen Grüßen<br>Max Muster</p><table><tr><td>ACME GmbH<br>Hauptstr. 1<br>50667 Köln</td></tr></table>' +
        `<p style="font-size:8pt">${DE}</p>`,
    },
    'Ihr Auftrag 780 ist abholbereit.',
    ['closing: Mit freundlichen Grüßen', `disclaimer: ${DE.slice(0, 79)}…`],
  ],
  [
    'German and English versions, register details, "Please consider the environment" :: all cut',
    {
      text: `Termin bestätigt.\n\nViele Grüße\nErika\n\n${RULE}\nACME GmbH, Hauptstr. 1, 50667 Köln\nGeschäftsführer: Dr. Max Muster; Amtsgericht Köln HRB 12345\n\n${DE}\n\n${EN} ` +
        'Any unauthorised copying, disclosure or distribution of the material in this e-mail is strictly forbidden.\n\nPlease consider the environment before printing this e-mail.',
    },
    'Termin bestätigt.',
    ['closing: Viele Grüße', `disclaimer: ${RULE}`],
  ],
  [
    'a notice whose second paragraph has no opening of its own :: cut as one',
    { text: 'Rechnung anbei.\n\nDiese Nachricht ist ausschließlich für den bezeichneten Adressaten bestimmt.\n\nJede unbefugte Weitergabe ist untersagt.' },
    'Rechnung anbei.',
    ['disclaimer: Diese Nachricht ist ausschließlich für den bezeichneten Adressaten bestimmt.'],
  ],
  [
    'an underscore line with only footer lines below it',
    { text: `Bitte zahlen Sie bis Freitag.\n\n${RULE}\nACME GmbH · Hauptstraße 1 · 50667 Köln\nwww.acme.test` },
    'Bitte zahlen Sie bis Freitag.',
    [`disclaimer: ${RULE}`],
  ],
  [
    'a text, the signature, a notice, then a quoted reply :: all three cut',
    { text: `Ja, passt.\n\nGruß\nMax\n\n${EN}\n\n-----Original Message-----\nFrom: Kunde\nSent: Friday\n\nPasst Montag?` },
    'Ja, passt.',
    ['closing: Gruß', `disclaimer: ${EN.slice(0, 79)}…`, 'quote: -----Original Message-----'],
  ],
];

for (const [what, mail, text, cuts] of cutCases) {
  Cuts(what, () => {
    const r = extractText(mail);
    assert.is(r.text, text);
    assert.equal(kinds(r.cuts), cuts);
  });
}

Cuts('review F1 and F2 together: subject text, body only the signature and the notice :: the subject', () => {
  const r = extractText({ subject: 'Ihr Auto ist fertig', text: `Mit freundlichen Grüßen\nMax Muster\nAutohaus ACME\n\n${DE}` });
  assert.equal([r.text, r.from, r.cuts.map((c) => c.kind)], ['Ihr Auto ist fertig', 'subject', ['closing', 'disclaimer']]);
});

Cuts('a body of nothing but a server notice below the line, text in the subject :: the subject', () => {
  const r = extractText({ subject: 'Ihr Auto ist fertig', text: `\r\n\r\n${RULE}\r\n${DE}\r\n` });
  assert.equal([r.text, r.from, r.cuts.map((c) => c.kind)], ['Ihr Auto ist fertig', 'subject', ['disclaimer']]);
});

Cuts("an operator's own opening (text.disclaimerPatterns) :: cut without the built-in cues", () => {
  const text = 'Ihr Auftrag ist bereit.\n\nACME Rechtliches: Angaben nach § 35a GmbHG siehe www.acme.test/impressum';
  const opts: ExtractOptions = { ...DEFAULT_EXTRACT_OPTIONS, disclaimerPatterns: ['^ACME Rechtliches:'] };
  assert.is(extractText({ text }, opts).text, 'Ihr Auftrag ist bereit.');
  assert.is(extractText({ text }).text, text);
});

Cuts('an invalid operator pattern :: SyntaxError, as for signature patterns', () => {
  assert.throws(() => extractText({ text: 'x' }, { ...DEFAULT_EXTRACT_OPTIONS, disclaimerPatterns: ['(unclosed'] }), SyntaxError);
});

Cuts.run();

const Kept = suite('disclaimer :: text kept');

// [what, text]: nothing of it is cut.
const keptCases: Array<[string, string]> = [
  ['a notice above message text (never text in the middle)', `Rechnung anbei.\n\n${DE}\n\nBitte zahlen Sie bis Freitag.`],
  ['"Disclaimer:" in a price alert, no word of a notice', 'Kurs ACME: 12,40 EUR (+3 %).\n\nDisclaimer: Kurse ohne Gewähr, Stand 09:00 Uhr.'],
  ['"This message is confidential" without a word of a notice', 'Your new PIN is 4711.\n\nThis message is confidential: do not share the PIN.'],
  ['an underscore line with message text below it', `Teil 1\n${RULE}\nBitte beachten Sie die neuen Öffnungszeiten.`],
  ['a fill-in line of underscores inside a line', 'Unterschrift: __________________\nBitte zurücksenden.'],
  ['a notice sentence inside a paragraph of the message', `Ich schicke Ihnen die Unterlagen per Post, denn ${EN}`],
];

for (const [what, text] of keptCases) {
  Kept(`${what} :: kept`, () => {
    assert.equal(extractText({ text }), { text, from: 'body', cuts: [] });
  });
}

Kept.run();
