import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { DEFAULT_EXTRACT_OPTIONS, extractText, type ExtractOptions, type ExtractResult, type MailText } from '../../src/mail/extract.js';
import { withoutPrefixes } from '../../src/mail/subject-prefix.js';

/**
 * Forwarded mails (review 2, F3): the separator and the forwarded header
 * block never reach the SMS. Own text above the forward is the SMS; with
 * nothing of the sender's own above it, the forwarded mail's text is.
 */
const extract = (mail: MailText, opts: Partial<ExtractOptions> = {}): ExtractResult => extractText(mail, { ...DEFAULT_EXTRACT_OPTIONS, ...opts });

// Every separator form the mail clients write, with the header block each puts below it.
const FORMS: Array<[string, string]> = [
  ['Thunderbird EN', '-------- Forwarded Message --------\nSubject: Lieferung\nDate: Sun, 29 Nov 2026 17:00:00 +0100\nFrom: Lager <lager@acme.test>\nTo: Clerk <clerk@acme.test>\n'],
  ['Thunderbird DE', '-------- Weitergeleitete Nachricht --------\nBetreff: \tLieferung\nDatum: \tSun, 29 Nov 2026 17:00:00 +0100\nVon: \tLager <lager@acme.test>\nAn: \tClerk <clerk@acme.test>\n'],
  ['Gmail EN', '---------- Forwarded message ---------\nFrom: Lager <lager@acme.test>\nDate: Sun, 29 Nov 2026 at 17:00\nSubject: Lieferung\nTo: <clerk@acme.test>\n'],
  ['Gmail DE', '---------- Weitergeleitete Nachricht ---------\nVon: Lager <lager@acme.test>\nDate: So., 29. Nov. 2026 um 17:00 Uhr\nSubject: Lieferung\nTo: <clerk@acme.test>\n'],
  ['Apple Mail EN', 'Begin forwarded message:\n\n> From: Lager <lager@acme.test>\n> Subject: Lieferung\n> Date: 29 November 2026 at 17:00:00 CET\n> To: clerk@acme.test\n>'],
  ['Apple Mail DE', 'Anfang der weitergeleiteten Nachricht:\n\n> Von: Lager <lager@acme.test>\n> Betreff: Lieferung\n> Datum: 29. November 2026 um 17:00:00 MEZ\n> An: clerk@acme.test\n>'],
];
const FORWARDED = 'Ihre Lieferung kommt morgen zwischen 8 und 12 Uhr.';
const OWN = 'Bitte so an den Kunden.';

/** The forwarded body as the form writes it (Apple Mail quotes it). */
function forwardOf(form: string, body: string): string {
  const quoted = form.startsWith('Begin') || form.startsWith('Anfang');
  return `${form}\n${body.split('\n').map((l) => (quoted ? `> ${l}`.trimEnd() : l)).join('\n')}`;
}

// Nothing of a separator or of a header line may reach the SMS.
const LEAKS = /Forwarded|Weitergeleitet|weitergeleiteten|Begin forwarded|^(?:Subject|Betreff|Von|From|Date|Datum|An|To):/im;

const Forms = suite('forward :: each separator form');
for (const [name, form] of FORMS) {
  Forms(`${name} :: own text above the forward :: the own text is the SMS, the forward is cut`, () => {
    const r = extract({ text: `${OWN}\n\n${forwardOf(form, FORWARDED)}`, subject: 'Fwd: Lieferung' });
    assert.is(r.text, OWN);
    assert.is(r.forwarded, undefined);
    assert.equal(r.cuts.map((c) => c.kind), ['forward']);
    assert.is(r.cuts[0].at, form.split('\n')[0]);
  });
  Forms(`${name} :: nothing above the forward :: the forwarded text, without separator and header`, () => {
    const r = extract({ text: `\n\n${forwardOf(form, FORWARDED)}\n`, subject: 'Fwd: Lieferung' });
    assert.is(r.text, FORWARDED);
    assert.is(r.forwarded, 'inline');
    assert.not.match(r.text, LEAKS);
  });
  Forms(`${name} :: forward only, the forwarded mail's own "-- " signature is cut`, () => {
    const r = extract({ text: forwardOf(form, `${FORWARDED}\n\n-- \nLager ACME, Halle 3\nTel. 030 1234567`), subject: 'Fwd: Lieferung' });
    assert.is(r.text, FORWARDED);
    assert.equal(r.cuts.map((c) => c.kind), ['signature']);
  });
  Forms(`${name} :: forward only, the forwarded mail's closing and signature block are cut`, () => {
    const r = extract({ text: forwardOf(form, `${FORWARDED}\n\nMit freundlichen Grüßen\nLager ACME\nHalle 3`) });
    assert.is(r.text, FORWARDED);
    assert.equal(r.cuts.map((c) => c.kind), ['closing']);
  });
  Forms(`${name} :: in HTML (one paragraph per line) :: same as plain text`, () => {
    const html = `<html><body><div>${OWN}</div><div><br></div><div>${forwardOf(form, FORWARDED).split('\n').map((l) => l.replace(/</g, '&lt;')).join('<br>')}</div></body></html>`;
    const r = extract({ html });
    assert.is(r.text, OWN);
    assert.is(r.from, 'html');
  });
}
Forms.run();

const Only = suite('forward :: nothing of the sender\'s own above it');

Only('own signature above the forward (Thunderbird puts it there) :: the forwarded text, not the signature', () => {
  const r = extract({ text: `\n-- \nClerk, ACME Versand\n\n${forwardOf(FORMS[1][1], FORWARDED)}`, subject: 'Fwd: Lieferung' });
  assert.is(r.text, FORWARDED);
  assert.is(r.forwarded, 'inline');
  assert.equal(r.cuts.map((c) => c.kind), ['signature']);
});

Only('header lines in any order, Cc and Reply-To, a long To wrapped over two lines :: all cut', () => {
  const text = [
    '-------- Forwarded Message --------',
    'Reply-To: service@acme.test',
    'To: Clerk <clerk@acme.test>, Lager <lager@acme.test>, Versand <versand@acme.test>,',
    '  Buchhaltung <buchhaltung@acme.test>',
    'Cc: chef@acme.test',
    'From: Shop <shop@acme.test>',
    'Subject: Ihre Bestellung',
    'Date: Sun, 29 Nov 2026 17:00:00 +0100',
    '',
    'Ihre Bestellung 12345 ist unterwegs.',
  ].join('\n');
  assert.is(extract({ text }).text, 'Ihre Bestellung 12345 ist unterwegs.');
});

Only('header block without a blank line below it (from HTML) :: ends after the last header line', () => {
  const text = '---------- Forwarded message ---------\nFrom: Shop <shop@acme.test>\nDate: Sun, 29 Nov 2026\nSubject: Bestellung\nTo: <clerk@acme.test>\nIhre Bestellung ist unterwegs.\nSie kommt morgen.';
  assert.is(extract({ text }).text, 'Ihre Bestellung ist unterwegs.\nSie kommt morgen.');
});

Only('the forwarded mail is itself a reply :: its quote is cut too', () => {
  const text = `${FORMS[2][1]}\n${FORWARDED}\n\nAm 28.11.2026 um 10:00 schrieb Clerk <clerk@acme.test>:\n> Wann kommt die Lieferung?\n`;
  const r = extract({ text });
  assert.is(r.text, FORWARDED);
  assert.equal(r.cuts.map((c) => c.kind), ['quote']);
});

Only('a forward of a forward, nothing written in between :: the innermost text', () => {
  const inner = forwardOf(FORMS[0][1], FORWARDED);
  const r = extract({ text: `${FORMS[2][1]}\n${inner}`, subject: 'Fwd: Fwd: Lieferung' });
  assert.is(r.text, FORWARDED);
});

Only('Outlook plain text, "WG:" and a rule with Von/Gesendet block :: the forwarded text', () => {
  const text = '\n________________________________\nVon: Bank <bank@acme.test>\nGesendet: Sonntag, 29. November 2026 17:00\nAn: Clerk <clerk@acme.test>\nBetreff: Zahlung eingegangen\n\nZahlung 120,00 EUR von Müller eingegangen.\n';
  const r = extract({ text, subject: 'WG: Zahlung eingegangen' });
  assert.is(r.text, 'Zahlung 120,00 EUR von Müller eingegangen.');
  assert.is(r.forwarded, 'inline');
});

Only('Outlook plain text, "FW:" and -----Original Message----- :: the forwarded text', () => {
  const text = '-----Original Message-----\nFrom: Bank <bank@acme.test>\nSent: Sunday, November 29, 2026 5:00 PM\nTo: Clerk <clerk@acme.test>\nSubject: Payment\n\nPayment of 120.00 EUR received.';
  assert.is(extract({ text, subject: 'FW: Payment' }).text, 'Payment of 120.00 EUR received.');
});

Only('the same Outlook block under a reply subject ("AW:") :: a quote, never sent; the subject is the text as before', () => {
  const text = '\n________________________________\nVon: Bank <bank@acme.test>\nGesendet: Sonntag, 29. November 2026 17:00\n\nZahlung eingegangen.\n';
  const r = extract({ text, subject: 'AW: Zahlung' });
  assert.is(r.text, 'Zahlung');
  assert.is(r.from, 'subject');
  assert.is(r.forwarded, undefined);
});

Only('Outlook HTML, "WG:", nothing above the header container :: the forwarded text', () => {
  const html = `<div class=WordSection1><p class=MsoNormal>&nbsp;</p><div style='border:none;border-top:solid #E1E1E1 1.0pt'><p class=MsoNormal><b>Von:</b> Optik &lt;o@acme.test&gt;<br><b>Gesendet:</b> Sonntag, 29. November 2026 17:00<br><b>An:</b> Clerk<br><b>Betreff:</b> Brille</p></div><p class=MsoNormal>&nbsp;</p><p class=MsoNormal>Ihre Brille ist fertig.</p></div>`;
  const r = extract({ html, subject: 'WG: Brille' });
  assert.is(r.text, 'Ihre Brille ist fertig.');
  assert.is(r.from, 'html');
  assert.is(r.forwarded, 'inline');
  assert.equal(r.cuts, []);
  // With own text above it, the own text, and the container is cut as before.
  const own = extract({ html: html.replace('<p class=MsoNormal>&nbsp;</p>', '<p class=MsoNormal>Liegt bereit.</p>'), subject: 'WG: Brille' });
  assert.is(own.text, 'Liegt bereit.');
  assert.equal(own.cuts.map((c) => c.kind), ['html']);
});

Only('a forward with an empty forwarded body :: the subject, without its "Fwd:"', () => {
  const r = extract({ text: `${FORMS[0][1]}\n`, subject: 'Fwd: Lieferung' });
  assert.is(r.text, 'Lieferung');
  assert.is(r.from, 'subject');
});

Only.run();

const NotForward = suite('forward :: what is not a forward');

NotForward('a separator counts on a line of its own, outside quotes :: prose and quoted separators stay', () => {
  assert.is(extract({ text: `Neu: morgen um 9.\n\n${FORMS[2][1]}\nAlt` }).text, 'Neu: morgen um 9.');
  const quoted = '> ---------- Forwarded message ---------\n> From: a@acme.test\n>\n> Alt\n\nNeu: morgen um 9.';
  // A bottom-posted reply (In-Reply-To set): its '>' lines are quotes, a fresh mail's would be text (review 4b, F7).
  assert.is(extract({ text: quoted, reply: true }).text, 'Neu: morgen um 9.');
  for (const text of ['Begin forwarded message: bitte lesen', 'Die Weitergeleitete Nachricht kam nicht an.', '-- Forwarded message', 'Anfang der weitergeleiteten Nachricht ist unklar:']) {
    assert.is(extract({ text }).text, text, text);
  }
});

// Review 3, C8: the phrase is a forward only with a forwarded header block right below it.
NotForward('a separator line with no header block below it :: a line of the text; nothing is cut', () => {
  const separators = ['Begin forwarded message:', 'Anfang der weitergeleiteten Nachricht:', '-------- Forwarded Message --------', '---------- Weitergeleitete Nachricht ---------'];
  const belows = [
    'that is what Apple Mail writes above a forward, ignore it.\nCall 0800 123 if you have questions.',
    // One header-like line is no block; a block must name the sender.
    'From: 9 am, call 0800 123.',
    'Date: Tuesday\nSubject: your parcel',
    // Text between the separator and a block: the block is the mail's own (an ERP's list), not a forward's.
    'Our hours:\nFrom: 9 am\nTo: 5 pm',
    // Further down than a client ever puts it (a From/Date pair there would be cut as a quoted reply's block).
    '\n\n\n\nFrom: Shop <shop@acme.test>\nSubject: Lieferung',
  ];
  for (const separator of separators) {
    for (const below of belows) {
      const text = `Your parcel arrives Tuesday.\n${separator}\n${below}`;
      const r = extract({ text, subject: 'Fwd: Hinweis' });
      assert.is(r.text, text.replace(/\n{3,}/g, '\n\n'), text);
      assert.equal(r.cuts, [], text);
      assert.is(r.forwarded, undefined, text);
    }
  }
});

NotForward('a header block two blank lines below the separator (HTML) :: still a forward', () => {
  const text = `Bitte so an den Kunden.\n\nBegin forwarded message:\n\n\n> From: Lager <lager@acme.test>\n> Subject: Lieferung\n>\n> ${FORWARDED}`;
  assert.is(extract({ text }).text, 'Bitte so an den Kunden.');
  assert.is(extract({ text: text.replace('Bitte so an den Kunden.', '') }).text, FORWARDED);
});

NotForward.run();

// Review 3, C9: "FYI" above a forward means "send this on", not "send FYI".
const Intro = suite('forward :: an introduction above it');

const INTRODUCTIONS = ['FYI', 'fyi!', 'FYI:', 'Zur Info', 'zur Kenntnis.', 'z.K.', 'Siehe unten', 'see below', 'Please see below.', 'Bitte beachten:', 'Kurze Info an Sie:', 'Please note:', 'Info:'];
for (const [name, form] of FORMS) {
  Intro(`${name} :: each introduction phrase above the forward :: the forwarded text, the introduction listed as cut`, () => {
    for (const intro of INTRODUCTIONS) {
      const r = extract({ text: `${intro}\n\n${forwardOf(form, FORWARDED)}`, subject: 'Fwd: Lieferung' });
      assert.is(r.text, FORWARDED, intro);
      assert.is(r.forwarded, 'inline', intro);
      assert.equal(r.cuts[0], { kind: 'introduction', at: intro }, intro);
    }
  });
}

Intro('Outlook, "WG:" and its Von/Gesendet block under "Bitte beachten:" :: the forwarded text', () => {
  const text = 'Bitte beachten:\n\n________________________________\nVon: Lager <lager@acme.test>\nGesendet: Montag, 30. November 2026 08:00\nAn: Clerk <clerk@acme.test>\nBetreff: Lieferung\n\nDie Lieferung kommt Dienstag.';
  const r = extract({ text, subject: 'WG: Lieferung' });
  assert.is(r.text, 'Die Lieferung kommt Dienstag.');
  assert.is(r.forwarded, 'inline');
  // The same block under a reply subject is a quote, never sent: the line stays the SMS.
  assert.is(extract({ text, subject: 'AW: Lieferung' }).text, 'Bitte beachten:');
});

Intro('own signature between the introduction and the forward (Thunderbird) :: the forwarded text', () => {
  const r = extract({ text: `FYI\n\n-- \nClerk, ACME Versand\n\n${forwardOf(FORMS[1][1], FORWARDED)}` });
  assert.is(r.text, FORWARDED);
  assert.equal(r.cuts.map((c) => c.kind), ['introduction', 'signature']);
});

Intro('a message of its own above the forward :: stays the SMS, the forward is cut', () => {
  const own = [
    'Ihre Lieferung kommt morgen.',
    'Bitte beachten Sie die neue Uhrzeit.',
    'FYI: die Lieferung kommt morgen.',
    'Info: Lager heute geschlossen',
    'Zur Info, Ihre Lieferung kommt morgen',
    // Two lines, or a colon line longer than an introduction: a message.
    'Hallo Frau Müller,\nsiehe unten',
    'FYI\nDie Lieferung kommt morgen.',
    'Bitte leiten Sie das an den Kunden Müller weiter:',
  ];
  for (const text of own) {
    const r = extract({ text: `${text}\n\n${forwardOf(FORMS[2][1], FORWARDED)}`, subject: 'Fwd: Lieferung' });
    assert.is(r.text, text, text);
    assert.is(r.forwarded, undefined, text);
  }
});

Intro('an introduction with no forward below it :: the line is the SMS', () => {
  for (const text of ['FYI', 'Bitte beachten:', 'FYI\n\n> quoted line']) {
    const r = extract({ text, subject: 'Fwd: Lieferung' });
    assert.is(r.text, text.split('\n')[0], text);
    assert.is(r.forwarded, undefined, text);
  }
});

Intro('an introduction over a forward with an empty body :: the introduction, not the subject', () => {
  assert.is(extract({ text: `FYI\n\n${FORMS[0][1]}\n`, subject: 'Fwd: Lieferung' }).text, 'FYI');
});

Intro.run();

const Attached = suite('forward :: a mail attached as message/rfc822');

Attached('no own text :: the attached mail\'s text, cut by the same rules', () => {
  const r = extract({ subject: 'FW: Termin', attached: { text: 'Ihr Termin ist am Montag.\n\nViele Grüße\nPraxis Dr. Beispiel', subject: 'Termin' } });
  assert.is(r.text, 'Ihr Termin ist am Montag.');
  assert.is(r.forwarded, 'attachment');
  // With own text, the own text: the attachment is not read.
  const own = extract({ text: 'Bitte Termin bestätigen.', attached: { text: 'Ihr Termin ist am Montag.' } });
  assert.is(own.text, 'Bitte Termin bestätigen.');
  assert.is(own.forwarded, undefined);
});

Attached('attached mail without text :: the subject without its prefix', () => {
  assert.is(extract({ subject: 'FW: Termin', attached: { subject: 'Termin' } }).text, 'Termin');
});

Attached.run();

const Tnef = suite('winmail.dat (review 2, F4)');

Tnef('TNEF and no text or HTML :: no text, unreadable; never the subject', () => {
  const r = extract({ subject: 'Mahnung', tnef: true });
  assert.is(r.text, '');
  assert.is(r.unreadable, 'tnef');
  assert.is(extract({ subject: 'Mahnung', tnef: true }, { source: 'subject+body' }).text, '');
  // Next to a text/plain part (review 2's 05b), the text as before; with text.source "subject", the subject as configured.
  const text = extract({ text: 'Ihre Rechnung ist fällig.', subject: 'Mahnung', tnef: true });
  assert.is(text.text, 'Ihre Rechnung ist fällig.');
  assert.is(text.unreadable, undefined);
  assert.is(extract({ subject: 'Mahnung', tnef: true }, { source: 'subject' }).text, 'Mahnung');
});

Tnef.run();

const Prefix = suite('subject prefixes');

Prefix('reply and forward prefixes, repeated and mixed :: taken off; words that only look like them stay', () => {
  const cases: Array<[string, string]> = [
    ['Fwd: Lieferung', 'Lieferung'],
    ['WG: AW: Zahlung', 'Zahlung'],
    ['FW: Re: Termin', 'Termin'],
    ['fwd:Termin', 'Termin'],
    ['AW[2]: WG: Termin', 'Termin'],
    ['Antw: SV: TR: x', 'x'],
    ['Wegen Fwd: keine', 'Wegen Fwd: keine'],
    ['Reminder: Termin', 'Reminder: Termin'],
  ];
  for (const [subject, bare] of cases) assert.is(withoutPrefixes(subject), bare, subject);
});

Prefix('text.source "subject" :: the SMS has no "Fwd:"/"WG:"', () => {
  assert.is(extract({ text: 'x', subject: 'WG: Fwd: Ihr Termin' }, { source: 'subject' }).text, 'Ihr Termin');
  assert.is(extract({ text: 'Heute.', subject: 'Fwd: Termin' }, { source: 'subject+body' }).text, 'Termin\nHeute.');
});

Prefix('subject as the fallback :: no "FW:"', () => {
  const r = extract({ text: '\n', subject: 'FW: Rechnung anbei' });
  assert.is(r.text, 'Rechnung anbei');
  assert.is(r.from, 'subject');
});

Prefix.run();
