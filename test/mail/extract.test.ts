import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import {
  DEFAULT_EXTRACT_OPTIONS,
  extractText,
  type Cut,
  type ExtractOptions,
  type ExtractResult,
  type MailText,
} from '../../src/mail/extract.js';

type Expect = Partial<ExtractResult>;

function check(mail: MailText, expected: Expect, opts: Partial<ExtractOptions> = {}): void {
  const result = extractText(mail, { ...DEFAULT_EXTRACT_OPTIONS, ...opts });
  if (expected.text !== undefined) assert.is(result.text, expected.text);
  if (expected.from !== undefined) assert.is(result.from, expected.from);
  if (expected.cuts !== undefined) assert.equal(result.cuts, expected.cuts);
}

const cut = (kind: Cut['kind'], at: string): Cut => ({ kind, at });

// ---------------------------------------------------------------- signatures
const Signature = suite('extract :: signature');

const signatureCases: Array<[string, MailText, Expect, Partial<ExtractOptions>?]> = [
  [
    '"-- " delimiter :: cut with everything after',
    { text: 'Komme später.\n-- \nMax Muster\nTel. 0301234' },
    { text: 'Komme später.', cuts: [cut('signature', '--')] },
  ],
  ['"--" without the space :: cut too', { text: 'Komme später.\n--\nMax' }, { text: 'Komme später.' }],
  ['"---" :: not a delimiter, kept', { text: 'Teil 1\n---\nTeil 2' }, { text: 'Teil 1\n---\nTeil 2', cuts: [] }],
  ['" -- " inside a line :: kept', { text: 'Heute -- wie besprochen -- um 8' }, { text: 'Heute -- wie besprochen -- um 8' }],
  [
    'signature pattern :: case-insensitive, matching line and everything after cut',
    { text: 'Bitte zurückrufen.\n\nmit freundlichen grüßen\nEva Roth' },
    { text: 'Bitte zurückrufen.', cuts: [cut('signature-pattern', 'mit freundlichen grüßen')] },
    { signaturePatterns: ['^Mit freundlichen Grüßen'] },
  ],
  [
    'default patterns :: "Sent from my iPhone" cut',
    { text: 'On my way\n\nSent from my iPhone' },
    { text: 'On my way', cuts: [cut('signature-pattern', 'Sent from my iPhone')] },
  ],
  [
    'default patterns :: "Von meinem iPhone gesendet" cut',
    { text: 'Bin unterwegs\n\nVon meinem iPhone gesendet' },
    { text: 'Bin unterwegs' },
  ],
  // Outlook's mobile apps in German (exploratory test 5), with the link they write after it or without.
  ...[
    'Holen Sie sich Outlook für Android<https://aka.ms/AAb9ysg>',
    'Holen Sie sich Outlook für iOS<https://aka.ms/o0ukef>',
    'Gesendet von Outlook für Android',
    'Gesendet von Outlook für iOS',
    'Holen Sie sich Outlook fuer Android',
    'Sent from Outlook for iOS',
    'Get Outlook for Android<https://aka.ms/ghei36>',
    'Gesendet von meinem Android',
    'Von meinem Samsung Galaxy Smartphone gesendet',
  ].map((footer): [string, MailText, Expect] => [
    `default patterns :: "${footer}" cut`,
    { text: `Bin in 10 Minuten da.\n\n${footer}\n` },
    { text: 'Bin in 10 Minuten da.', cuts: [cut('signature-pattern', footer)] },
  ]),
  [
    'default patterns :: Outlook for Android\'s German footer in HTML, its link kept by the HTML conversion :: cut',
    { html: '<div dir="ltr">Bin in 10 Minuten da.</div><div><br></div><div dir="ltr">Holen Sie sich <a href="https://aka.ms/AAb9ysg">Outlook für Android</a></div>' },
    { text: 'Bin in 10 Minuten da.', cuts: [cut('signature-pattern', 'Holen Sie sich Outlook für Android (https://aka.ms/AAb9ysg)')] },
  ],
  [
    'default patterns :: "Outlook für Android" inside prose kept',
    { text: 'Holen Sie sich bitte die neue App: Outlook für Android ist installiert.' },
    { text: 'Holen Sie sich bitte die neue App: Outlook für Android ist installiert.', cuts: [] },
  ],
  [
    'default patterns :: "sent from my" inside prose kept',
    { text: 'I sent from my office the papers you wanted' },
    { text: 'I sent from my office the papers you wanted', cuts: [] },
  ],
];

for (const [name, mail, expected, opts] of signatureCases) {
  Signature(name, () => check(mail, expected, opts));
}

Signature('invalid signature pattern :: SyntaxError', () => {
  assert.throws(() => extractText({ text: 'x' }, { ...DEFAULT_EXTRACT_OPTIONS, signaturePatterns: ['(unclosed'] }), SyntaxError);
});

Signature.run();

// ---------------------------------------------------------------- end marker
const EndMarker = suite('extract :: end marker');

const endMarkerCases: Array<[string, MailText, Expect, Partial<ExtractOptions>?]> = [
  [
    '"##" line :: cut with everything after',
    { text: 'Rückruf bitte.\n##\nDisclaimer: vertraulich' },
    { text: 'Rückruf bitte.', cuts: [cut('end-marker', '##')] },
  ],
  ['"##" surrounded by spaces :: still the marker', { text: 'Rückruf bitte.\n   ##  \nDisclaimer' }, { text: 'Rückruf bitte.' }],
  ['"##" inside a line :: kept', { text: 'Code ## 42 gilt\nbis morgen' }, { text: 'Code ## 42 gilt\nbis morgen', cuts: [] }],
  [
    'custom marker :: used instead of "##"',
    { text: 'Text\n##\nmehr\n=== ENDE ===\nFuß' },
    { text: 'Text\n##\nmehr', cuts: [cut('end-marker', '=== ENDE ===')] },
    { endMarker: '=== ENDE ===' },
  ],
  ['empty marker :: disabled', { text: 'a\n##\nb' }, { text: 'a\n##\nb' }, { endMarker: '' }],
  [
    'marker before signature :: only the first cut is reported',
    { text: 'Text\n##\nmehr\n-- \nSig' },
    { text: 'Text', cuts: [cut('end-marker', '##')] },
  ],
];

for (const [name, mail, expected, opts] of endMarkerCases) {
  EndMarker(name, () => check(mail, expected, opts));
}

EndMarker.run();

// ---------------------------------------------------------------- quotes
const Quotes = suite('extract :: quotes');

const quoteCases: Array<[string, MailText, Expect]> = [
  [
    '"On … wrote:" with ">" lines :: attribution and quote dropped',
    { text: 'Sure, 7 is fine.\n\nOn Mon, 3 Nov 2026 at 10:00, Max <max@x.de> wrote:\n\n> Dinner at 7?\n>\n> Max\n' },
    { text: 'Sure, 7 is fine.', cuts: [cut('quote', 'On Mon, 3 Nov 2026 at 10:00, Max <max@x.de> wrote:')] },
  ],
  [
    'Gmail attribution wrapped over two lines :: both lines dropped',
    { text: 'Yes.\n\nOn Mon, 3 Nov 2026 at 10:00, Max Muster <max@example.com>\nwrote:\n\n> Coming?\n' },
    { text: 'Yes.', cuts: [cut('quote', 'On Mon, 3 Nov 2026 at 10:00, Max Muster <max@example.com> wrote:')] },
  ],
  [
    '"Am … schrieb …:" :: attribution and quote dropped',
    { text: 'Passt!\n\nAm 03.11.2026 um 10:00 schrieb Max Muster <max@x.de>:\n> Um 8?' },
    { text: 'Passt!', cuts: [cut('quote', 'Am 03.11.2026 um 10:00 schrieb Max Muster <max@x.de>:')] },
  ],
  [
    'bottom posting :: quote dropped, reply below it kept',
    { text: 'Am 03.11.2026 um 10:00 schrieb Max:\n> Um 8?\n> Max\n\nJa, um 8.' },
    { text: 'Ja, um 8.' },
  ],
  [
    'interleaved reply (In-Reply-To) :: every quoted block dropped, every answer kept',
    { text: '> Um 8?\nJa.\n> Wo?\nBei mir.', reply: true },
    { text: 'Ja.\nBei mir.', cuts: [cut('quote', '> Um 8?'), cut('quote', '> Wo?')] },
  ],
  [
    'attribution over unmarked text :: cut with everything after',
    { text: 'Ok.\n\nOn 11/3/26 10:00, Max wrote:\nDinner at 7?' },
    { text: 'Ok.', cuts: [cut('quote', 'On 11/3/26 10:00, Max wrote:')] },
  ],
  [
    '"On Monday I wrote:" without a date :: prose, kept',
    { text: 'On Monday I wrote:\nplease bring the keys' },
    { text: 'On Monday I wrote:\nplease bring the keys', cuts: [] },
  ],
  [
    '-----Original Message----- :: cut with everything after',
    { text: 'Done.\n\n-----Original Message-----\nFrom: Max\nPlease do it' },
    { text: 'Done.', cuts: [cut('quote', '-----Original Message-----')] },
  ],
  [
    '-----Ursprüngliche Nachricht----- :: cut with everything after',
    { text: 'Erledigt.\n-----Ursprüngliche Nachricht-----\nVon: Max' },
    { text: 'Erledigt.', cuts: [cut('quote', '-----Ursprüngliche Nachricht-----')] },
  ],
  [
    'outlook quoted Von/Gesendet block :: cut with everything after',
    { text: 'Passt, bis Montag.\n\nVon: Anna <anna@x.de>\nGesendet: Montag, 2. November 2026 09:12\nAn: Max\nBetreff: Termin\n\nHallo Max' },
    { text: 'Passt, bis Montag.', cuts: [cut('quote', 'Von: Anna <anna@x.de>')] },
  ],
  [
    'From/Sent block below an underscore rule :: rule dropped as well',
    { text: 'Thanks\n\n________________________________\nFrom: Anna <anna@x.de>\nSent: Monday, November 2, 2026 9:12 AM\nTo: Max' },
    { text: 'Thanks', cuts: [cut('quote', 'From: Anna <anna@x.de>')] },
  ],
  [
    'Gesendet before Von (GMX, web.de) :: cut with everything after',
    { text: 'Ok\n\nGesendet: Montag, 02. November 2026 um 09:12 Uhr\nVon: "Anna" <anna@x.de>\nAn: max@x.de' },
    { text: 'Ok' },
  ],
  [
    '"From:" without a Sent line :: kept',
    { text: 'From: the warehouse\nPlease pick up the parcel.' },
    { text: 'From: the warehouse\nPlease pick up the parcel.', cuts: [] },
  ],
  // Review 4b, F4: attributions other than "On … wrote:" / "Am … schrieb …:", above a '>' block.
  [
    'review: "Kunde schrieb am 27.11.26 um 10:00:" above a quote :: attribution and quote dropped',
    { text: 'Ja, passt.\r\n\r\nKunde schrieb am 27.11.26 um 10:00:\r\n> Passt Montag?\r\n' },
    { text: 'Ja, passt.', cuts: [cut('quote', 'Kunde schrieb am 27.11.26 um 10:00:')] },
  ],
  [
    'review: "Kunde schrieb:" above interleaved quotes, no reply headers :: every quote dropped, every answer kept',
    { text: 'Kunde schrieb:\r\n> Passt Montag?\r\nJa.\r\n> Und um 10?\r\nAuch ja.\r\n' },
    { text: 'Ja.\nAuch ja.', cuts: [cut('quote', 'Kunde schrieb:'), cut('quote', '> Und um 10?')] },
  ],
  [
    'Thunderbird "<author> wrote:" with a blank line before the quote',
    { text: 'Sure.\n\nMax Muster <max@x.de> wrote:\n\n> Dinner at 7?\n' },
    { text: 'Sure.', cuts: [cut('quote', 'Max Muster <max@x.de> wrote:')] },
  ],
  [
    'Thunderbird "<author> schrieb am <date>:"',
    { text: 'Gerne.\n\nMax Muster schrieb am 27.11.2026 um 10:00:\n> Morgen um 9?' },
    { text: 'Gerne.', cuts: [cut('quote', 'Max Muster schrieb am 27.11.2026 um 10:00:')] },
  ],
  [
    '"… schrieb:" above unquoted text :: prose, kept',
    { text: 'Der Kunde schrieb:\nBitte Rückruf bis 12 Uhr.' },
    { text: 'Der Kunde schrieb:\nBitte Rückruf bis 12 Uhr.', cuts: [] },
  ],
  // Review 4b, F7: a '>' line in a fresh mail is the sender's text; in a reply it is a quote.
  [
    'review: a ">" line in a fresh mail (no reply headers, no Re:, no attribution) :: kept as written',
    { text: 'Ihr Kontostand:\r\n> 1000 EUR Guthaben\r\nBitte prüfen.\r\n', subject: 'Kontostand' },
    { text: 'Ihr Kontostand:\n> 1000 EUR Guthaben\nBitte prüfen.', cuts: [] },
  ],
  [
    'the same in a reply (In-Reply-To or References) :: dropped',
    { text: 'Ihr Kontostand:\r\n> 1000 EUR Guthaben\r\nBitte prüfen.\r\n', reply: true },
    { text: 'Ihr Kontostand:\nBitte prüfen.', cuts: [cut('quote', '> 1000 EUR Guthaben')] },
  ],
  [
    'the same under an "AW:" subject without reply headers :: dropped',
    { text: 'Ja.\n> Passt Montag?', subject: 'AW: Termin' },
    { text: 'Ja.', cuts: [cut('quote', '> Passt Montag?')] },
  ],
  [
    'a fresh mail that quotes below an "-----Original Message-----" line :: a reply after all, everything below cut',
    { text: 'Ok.\n> Frage?\n\n-----Original Message-----\nFrom: Max' },
    { text: 'Ok.', cuts: [cut('quote', '> Frage?'), cut('quote', '-----Original Message-----')] },
  ],
];

for (const [name, mail, expected] of quoteCases) {
  Quotes(name, () => check(mail, expected));
}

Quotes('cut "at" :: trimmed and at most 80 characters', () => {
  const long = 'On Mon, 3 Nov 2026 at 10:00, ' + 'Somebody With A Very Long Name '.repeat(4) + '<x@y.z> wrote:';
  const result = extractText({ text: `Ok\n${long}\n> q` }, DEFAULT_EXTRACT_OPTIONS);
  assert.is(Array.from(result.cuts[0].at).length, 80);
  assert.ok(result.cuts[0].at.endsWith('…'));
});

Quotes.run();

// ---------------------------------------------------------------- whitespace
const Whitespace = suite('extract :: whitespace');

const whitespaceCases: Array<[string, MailText, Expect]> = [
  ['CRLF and lone CR :: LF', { text: 'a\r\nb\rc' }, { text: 'a\nb\nc' }],
  ['trailing spaces and tabs :: trimmed on every line', { text: 'a  \t\nb \n' }, { text: 'a\nb' }],
  ['three blank lines :: collapsed to one', { text: 'a\n\n\n\nb\n \n\t\nc' }, { text: 'a\n\nb\n\nc' }],
  ['leading and trailing blank lines :: trimmed', { text: '\n\n  \nHallo\n\n' }, { text: 'Hallo' }],
  ['NBSP inside a line :: kept for the SMS encoder', { text: '149,90\u00a0€ bis 15.\u00a011.' }, { text: '149,90\u00a0€ bis 15.\u00a011.' }],
  ['NBSP-only lines :: blank', { text: 'a\n\u00a0\n\u00a0\nb' }, { text: 'a\n\nb' }],
  ['NUL and other control characters :: removed', { text: 'A\u0000B\u0007C\u001bD\u007f' }, { text: 'ABCD' }],
  ['tab inside a line :: kept', { text: 'Menge:\t3' }, { text: 'Menge:\t3' }],
  ['ANSI colour sequences :: removed whole, not just the ESC', { text: '\u001b[1;31mACHTUNG\u001b[0m: Frist \u001b[4mheute\u001b[m' }, { text: 'ACHTUNG: Frist heute' }],
  ['terminal title (OSC) and charset designation :: removed whole', { text: '\u001b]0;erp-batch\u0007Lauf \u001b(Bfertig' }, { text: 'Lauf fertig' }],
  ['C1 control characters :: removed', { text: 'Zeile\u0085eins\u009b2' }, { text: 'Zeileeins2' }],
];

for (const [name, mail, expected] of whitespaceCases) {
  Whitespace(name, () => check(mail, expected));
}

Whitespace.run();

// ---------------------------------------------------------------- source
const Source = suite('extract :: source');

const sourceCases: Array<[string, MailText, Expect, Partial<ExtractOptions>?]> = [
  ['body :: the body, subject ignored', { text: 'Body', subject: 'Subj' }, { text: 'Body', from: 'body' }],
  ['body :: empty body, subject becomes the text', { text: '\n\n', subject: 'Bin gleich da' }, { text: 'Bin gleich da', from: 'subject' }],
  [
    'body :: NBSP and zero-width spaces only, subject becomes the text',
    { text: '\u00a0\u200b\n\u00a0', subject: 'S' },
    { text: 'S', from: 'subject' },
  ],
  [
    'body :: body cut to nothing, subject used and the cut reported',
    { text: '-- \nMax', subject: 'Rückruf' },
    { text: 'Rückruf', from: 'subject', cuts: [cut('signature', '--')] },
  ],
  [
    'body :: only invisible characters (BOM, RLO, soft hyphen), subject becomes the text',
    { text: '\ufeff\u202e\n\u00ad', subject: 'S' },
    { text: 'S', from: 'subject' },
  ],
  ['body :: no body and no subject, nothing to send', { subject: '  ' }, { text: '', from: 'body', cuts: [] }],
  ['body :: body cut to nothing and no subject, nothing to send', { text: '-- \nMax' }, { text: '', from: 'body' }],
  ['subject :: only the subject', { text: 'Body', subject: 'Subj' }, { text: 'Subj', from: 'subject' }, { source: 'subject' }],
  ['subject :: empty subject, nothing to send', { text: 'Body' }, { text: '', from: 'subject' }, { source: 'subject' }],
  [
    'subject+body :: subject first, joined by a newline',
    { text: 'Body\n-- \nSig', subject: 'Subj' },
    { text: 'Subj\nBody', from: 'subject+body', cuts: [cut('signature', '--')] },
    { source: 'subject+body' },
  ],
  [
    'subject+body :: empty subject, only the body',
    { text: 'Body', subject: '' },
    { text: 'Body', from: 'body' },
    { source: 'subject+body' },
  ],
  [
    'subject+body :: empty body, only the subject',
    { text: '', subject: 'Subj' },
    { text: 'Subj', from: 'subject' },
    { source: 'subject+body' },
  ],
  ['subject with control characters :: removed', { subject: 'Hallo\u0000 Welt' }, { text: 'Hallo Welt' }],
];

for (const [name, mail, expected, opts] of sourceCases) {
  Source(name, () => check(mail, expected, opts));
}

Source('default options :: used when none are given', () => {
  assert.equal(extractText({ text: 'a\n##\nb' }), { text: 'a', from: 'body', cuts: [cut('end-marker', '##')] });
});

Source('DEFAULT_EXTRACT_OPTIONS :: frozen', () => {
  assert.ok(Object.isFrozen(DEFAULT_EXTRACT_OPTIONS));
  assert.is(DEFAULT_EXTRACT_OPTIONS.endMarker, '##');
  assert.is(DEFAULT_EXTRACT_OPTIONS.source, 'body');
});

Source.run();

// ---------------------------------------------------------------- html
const Html = suite('extract :: html');

const OUTLOOK_HEAD =
  '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><!--[if gte mso 9]><xml><o:shapedefaults v:ext="edit" spidmax="1026" /></xml><![endif]-->' +
  '<style><!--\np.MsoNormal, li.MsoNormal {margin:0cm; font-size:11.0pt;}\n--></style></head><body lang=DE><div class=WordSection1>';

const htmlCases: Array<[string, MailText, Expect]> = [
  ['text/plain present :: preferred over HTML', { text: 'plain', html: '<p>html</p>' }, { text: 'plain', from: 'body' }],
  ['blank text/plain :: HTML used instead', { text: ' \n ', html: '<p>html</p>' }, { text: 'html', from: 'html' }],
  [
    'link with its own text :: "text (url)"',
    { html: '<p>Bitte <a href="https://pay.acme.test/inv/4711">hier bezahlen</a>.</p>' },
    { text: 'Bitte hier bezahlen (https://pay.acme.test/inv/4711).' },
  ],
  [
    'link whose text is the URL :: the URL once',
    { html: '<p>Link: <a href="https://pay.acme.test/inv/4711">https://pay.acme.test/inv/4711</a></p>' },
    { text: 'Link: https://pay.acme.test/inv/4711' },
  ],
  ['mailto: link :: only its text', { html: '<p>Mail an <a href="mailto:info@acme.test">Info</a></p>' }, { text: 'Mail an Info' }],
  ['image :: dropped with its alt text', { html: '<p>Hallo<img src="https://x.test/logo.png" alt="Logo"> Welt</p>' }, { text: 'Hallo Welt' }],
  ['heading :: not uppercased', { html: '<h1>Wichtig</h1><p>Heute</p>' }, { text: 'Wichtig\n\nHeute' }],
  ['script and style :: dropped', { html: '<style>p{color:red}</style><script>alert(1)</script><p>Text</p>' }, { text: 'Text' }],
  ['horizontal rule :: no line of dashes', { html: '<p>Oben</p><hr><p>Unten</p>' }, { text: 'Oben\n\nUnten' }],
  [
    'outlook MsoNormal paragraphs with <o:p>, &nbsp; lines, style and conditional comments :: clean lines',
    {
      html:
        OUTLOOK_HEAD +
        '<p class=MsoNormal>Hallo Max,<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>' +
        '<p class=MsoNormal>Zeile eins<o:p></o:p></p><p class=MsoNormal>Zeile zwei &#8211; “zitiert”<o:p></o:p></p>' +
        '<p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Gruß<o:p></o:p></p></div></body></html>',
    },
    { text: 'Hallo Max,\n\nZeile eins\nZeile zwei – “zitiert”', from: 'html', cuts: [cut('closing', 'Gruß')] },
  ],
  [
    'outlook list bullet padded with &nbsp; :: one space',
    {
      html:
        OUTLOOK_HEAD +
        "<p class=MsoListParagraph><![if !supportLists]><span style='font-family:Symbol'>·<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span><![endif]>Punkt eins<o:p></o:p></p></div></body></html>",
    },
    { text: '· Punkt eins' },
  ],
  [
    'outlook border-top reply container :: cut with everything after, reported as html',
    {
      html:
        OUTLOOK_HEAD +
        '<p class=MsoNormal>Passt.<o:p></o:p></p><div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">' +
        '<p class=MsoNormal><b>De:</b> Anna &lt;anna@x.fr&gt;<br><b>Envoyé:</b> lundi<o:p></o:p></p></div></div><p class=MsoNormal>Texte cité<o:p></o:p></p></div></body></html>',
    },
    { text: 'Passt.', from: 'html', cuts: [cut('html', 'De: Anna <anna@x.fr>')] },
  ],
  [
    'outlook on the web hr + divRplyFwdMsg :: cut, no dashes left',
    {
      html:
        '<div>Ok, mache ich.</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1">' +
        '<div id="divRplyFwdMsg" dir="ltr"><b>From:</b> Anna<br><b>Sent:</b> Monday<br></div><div>quoted</div>',
    },
    { text: 'Ok, mache ich.', cuts: [cut('html', 'From: Anna')] },
  ],
  [
    'gmail blockquote :: attribution and quoted lines dropped',
    {
      html:
        '<div dir="ltr">Klar!</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">Am Mo., 2. Nov. 2026 um 18:45 Uhr schrieb Max &lt;<a href="mailto:max@x.de">max@x.de</a>&gt;:<br></div>' +
        '<blockquote class="gmail_quote"><div dir="ltr">Kommst du?</div></blockquote></div>',
    },
    { text: 'Klar!', from: 'html', cuts: [cut('quote', 'Am Mo., 2. Nov. 2026 um 18:45 Uhr schrieb Max <max@x.de>:')] },
  ],
  ['markup without text :: nothing to send', { html: '<p>&nbsp;</p><img src="x.png"><br>' }, { text: '', from: 'html' }],
  [
    'table of invoices :: a row per line, cells separated by a space, amounts not run together, a blank line after it',
    { html: '<p>Offene Posten:</p><table><tr><td>INV-1</td><td>10 €</td></tr><tr><td>INV-2</td><td>20 €</td></tr></table><ul><li>bitte zahlen</li></ul>' },
    { text: 'Offene Posten:\n\nINV-1 10 €\nINV-2 20 €\n\n- bitte zahlen', from: 'html' },
  ],
  // Review 4b, F9: the table ran into the next line.
  [
    'review: a table followed by lines of text :: a blank line between, as around a paragraph',
    { html: '<div>Offen:</div><table><tr><td>INV-3</td><td>5 &lt;EUR&gt; &amp; mehr</td></tr></table>Zeile1<br>Zeile2' },
    { text: 'Offen:\n\nINV-3 5 <EUR> & mehr\n\nZeile1\nZeile2' },
  ],
  [
    'header row, cells with whitespace, &nbsp; spacer cells and an empty row :: no padding, spacers dropped',
    { html: '<table><thead><tr><th>Rechnung</th><th>&nbsp;</th><th>Betrag</th></tr></thead><tbody><tr><td> INV-1 </td><td></td><td>\n 10,00 EUR</td></tr><tr><td></td><td>&nbsp;</td></tr></tbody></table><p>Danke</p>' },
    { text: 'Rechnung Betrag\nINV-1 10,00 EUR\n\nDanke' },
  ],
  [
    'Outlook table with a paragraph in every cell :: still a row per line',
    { html: OUTLOOK_HEAD + '<table class=MsoNormalTable border=0 cellspacing=0 cellpadding=0><tr><td width=120 valign=top><p class=MsoNormal>Name:<o:p></o:p></p></td><td><p class=MsoNormal><b>Max</b> Muster<o:p></o:p></p></td></tr></table></div></body></html>' },
    { text: 'Name: Max Muster' },
  ],
  [
    'layout table around the whole mail :: the text as if there were no table',
    { html: '<table width="100%"><tr><td><table><tr><td><p>Hallo Frau Roth,</p><p>Ihr Paket ist da.</p></td></tr></table></td><td width="20">&nbsp;</td></tr><tr><td><p>Ihr Paketdienst</p></td></tr></table>' },
    { text: 'Hallo Frau Roth,\n\nIhr Paket ist da.\nIhr Paketdienst' },
  ],
  [
    'logo beside a signature of several lines :: the lines one below the other, not side by side',
    { html: '<p>Rückruf bitte.</p><table><tr><td><img src="cid:logo"></td><td>Erika Muster<br>Buchhaltung</td><td>Tel. 0221 12345</td></tr></table>' },
    { text: 'Rückruf bitte.\n\nErika Muster\nBuchhaltung\nTel. 0221 12345' },
  ],
];

for (const [name, mail, expected] of htmlCases) {
  Html(name, () => check(mail, expected));
}

Html.run();

const Placeholder = suite('extract :: a text/plain part that only says "use an HTML mail client" (the HTML is read instead)');
const REAL = '<p>Ihr Paket kommt morgen zwischen 9 und 12 Uhr.</p>';
const placeholders: string[] = [
  'This is an HTML email. Please use an HTML capable mail client.',
  'Your email client does not support HTML',
  'Your e-mail client does not support HTML messages.',
  'This is a HTML message.\r\n',
  'To view this message, please use an HTML compatible email viewer!',
  'Diese E-Mail enthält HTML...',
  'Diese E-Mail enthält HTML-Inhalte. Bitte verwenden Sie ein HTML-fähiges E-Mail-Programm.',
  'Ihr E-Mail-Programm unterstützt kein HTML.',
];
for (const text of placeholders) {
  Placeholder(`${JSON.stringify(text)} beside HTML :: the HTML's text`, () => check({ text, html: REAL }, { text: 'Ihr Paket kommt morgen zwischen 9 und 12 Uhr.', from: 'html' }));
}
const messages: Array<[string, string]> = [
  ['a message that mentions HTML among other words', 'Your email client does not support HTML, so here is the code: 4711'],
  ['a placeholder sentence followed by a message of its own', 'This is an HTML email. Ihr Code: 4711'],
  ['a long text that begins like one', `This is an HTML email. ${'Bitte lesen. '.repeat(30)}`],
];
for (const [name, text] of messages) {
  Placeholder(`${name} :: stays the text`, () => check({ text, html: REAL }, { from: 'body' }));
}
Placeholder('a placeholder without an HTML part :: stays the text (nothing else to send)', () =>
  check({ text: 'This is an HTML email.' }, { text: 'This is an HTML email.', from: 'body' }));
Placeholder.run();
