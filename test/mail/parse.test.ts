import { readFile } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { extractText, type Cut, type ExtractResult } from '../../src/mail/extract.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { MailParseError, parseMail, type ParsedMail } from '../../src/mail/parse.js';

const fixture = (name: string): Promise<Buffer> => readFile(new URL(`../fixtures/${name}`, import.meta.url));

/** Fails instead of hanging when a promise does not settle in time. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await within(5000, promise);
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

function mail(headers: string, body: string): Buffer {
  return Buffer.from(`${headers}\r\n\r\n${body}`.replace(/\r?\n/g, '\r\n'));
}

const BASIC = 'From: a@example.com\nTo: +4915112345678@sms.localhost\nSubject: t\nMessage-ID: <t@example.com>';

// ---------------------------------------------------------------- fixtures
const Fixtures = suite('parse+extract :: fixtures');

const GSM_160 =
  'Hallo Team, die Lieferung kommt morgen zwischen 8 und 10 Uhr. Bitte Rampe 3 freihalten und den Schlüssel beim Pförtner hinterlegen. Bis morgen! Danke, Lager Süd';

const expected: Array<[string, string, ExtractResult['from'], Array<Cut['kind']>]> = [
  [
    'outlook-html-only.eml',
    'Guten Tag Frau Schmidt,\n\nIhre Rechnung Nr. 4711 über 149,90\u00a0€ ist fällig – bitte hier bezahlen (https://pay.acme.test/inv/4711).\n' +
      'Bei Fragen antworten Sie einfach mit dem Stichwort “Rechnung 4711”, dann geht’s schneller.',
    'html',
    ['closing'],
  ],
  ['outlook-multipart-quoted.eml', 'Hallo Anna,\n\npasst, ich bin um 14 Uhr da. Bringst du die Unterlagen mit?', 'body', ['closing', 'quote']],
  [
    'thunderbird-flowed-signature.eml',
    'Hi Lisa,\n\nthe package arrived today, but the box was damaged and two of the glasses are broken. ' +
      'Can you call me back before 6 pm so we can sort out the replacement?\n\nFrom tomorrow on I am back in the office.\n\nThanks,\nJonas',
    'body',
    ['signature'],
  ],
  ['gmail-reply.eml', "Sure, see you at 7! I'll book a table for four.", 'body', ['quote']],
  [
    'base64-utf8.eml',
    'Grüße aus München!\n\nDie Bestellung für Frau Öztürk ist fertig. Abholung ab Dienstag möglich, Kühlware bitte bis 18 Uhr.',
    'body',
    [],
  ],
  [
    'latin1-qp.eml',
    'Achtung: Die Straße am Mühlweg ist ab Montag wegen Bauarbeiten gesperrt. Bitte über die Hauptstraße ausweichen, ' +
      'die Zufahrt zum Hof ist nur von Süden möglich.',
    'body',
    ['closing'],
  ],
  ['pdf-attachment.eml', 'Anbei die Rechnung 4711 als PDF. Betrag: 149,90 EUR, faellig am 15.11.2026.', 'body', []],
  ['cyrillic.eml', 'Привет, Ольга!\n\nВстреча переносится на четверг, 12:00. Не забудь документы.\n\nСергей', 'body', []],
  ['emoji.eml', 'Super, danke! 👍\nParty am Samstag 🎉 – wer bringt Kuchen mit? 🍰', 'body', []],
  ['gsm-160.eml', GSM_160, 'body', []],
  ['gsm-161.eml', GSM_160 + '.', 'body', []],
  ['end-marker.eml', 'Bitte heute noch Rückruf unter 030 9876543, es geht um den Vertrag.', 'body', ['end-marker']],
  ['empty-body.eml', 'Bin in 10 Minuten da', 'subject', []],
  // Legacy text: bytes that are not UTF-8 under no charset or a utf-8 label are read as windows-1252 (charset.ts).
  ['erp-latin1-undeclared.eml', 'Grüße aus Köln! Ihr Abschlag für November beträgt 84,00 € und wird am 15.11. abgebucht.', 'body', []],
  ['erp-latin1-subject.eml', 'Grüße aus Köln: Zählerablesung am Montag', 'subject', []],
  ['erp-mislabelled-utf8.eml', 'Sehr geehrte Frau Müller, Ihr Zählerstand wurde übermittelt. Gruß, Ihre Stadtwerke', 'body', []],
  ['erp-latin1-attachment.eml', 'Ihre Rechnung über 84,00 € liegt bei. Zahlbar bis 20.11. ohne Abzüge.', 'body', []],
  ['utf8-undeclared.eml', 'Grüße aus Köln, der Zähler wird am Montag getauscht.', 'body', []],
  // Closing formula and signature block cut (closing.ts), above the quoted mail.
  ['outlook-signature.eml', 'Sehr geehrter Herr Müller,\n\nbitte überweisen Sie 120,50 € bis Freitag.', 'body', ['closing', 'quote']],
  // Terminal colours removed whole; invisible characters stay until the SMS encoder removes them (test/sms/invisible.test.ts).
  ['erp-ansi-invisible.eml', 'FEHLER im Nachtlauf: Buchungs\u00adlauf \u202eabgebrochen\u202c, Datei\u200bimport \u2060offen.\nBitte bis 7 Uhr prüfen.', 'body', []],
  // Tables: a row per line, cells separated by a space; layout tables as if there were none.
  ['outlook-html-table.eml', 'Offene Posten:\n\nINV-1 10\u00a0€\nINV-2 20\u00a0€\n\nBitte bis Freitag zahlen.', 'html', []],
  [
    'erp-html-layout.eml',
    'Sehr geehrter Kunde,\n\nfolgende Rechnungen sind offen:\n\nRechnung Fällig Betrag\nRE-2026-1001 01.11.2026 149,90\u00a0€\nRE-2026-1002 15.11.2026 20,00\u00a0€\n\n' +
      'Bitte überweisen Sie den Betrag bis zum 20.11.2026.',
    'html',
    [],
  ],
  ['nothing-to-send.eml', '', 'body', ['signature']],
  // Forwards (review 2, F3): own text above the forward is the SMS; with none, the forwarded mail's text, without separator and header.
  ['thunderbird-forward-de.eml', 'Ihre Lieferung kommt morgen zwischen 8 und 12 Uhr.', 'body', ['forward']],
  ['thunderbird-forward-only.eml', 'Ihre Bestellung 12345 ist unterwegs und kommt morgen.', 'body', []],
  ['thunderbird-forward-html-only.eml', 'Ihre Lieferung kommt morgen zwischen 8 und 12 Uhr.', 'body', ['signature', 'signature']],
  ['gmail-forward.eml', 'Bitte so an den Kunden.', 'body', ['forward']],
  ['gmail-forward-de-only.eml', 'Ihr Wagen ist ab 16 Uhr abholbereit, die Rechnung liegt im Handschuhfach.', 'body', ['signature']],
  ['apple-forward.eml', 'Ihr Wagen ist fertig.', 'body', ['forward']],
  ['apple-forward-de-only.eml', 'Ihr Wagen ist ab 16 Uhr abholbereit.', 'body', ['closing']],
  ['outlook-forward-html-only.eml', 'Ihre Brille ist fertig und kann ab Dienstag abgeholt werden.', 'html', ['closing']],
  ['outlook-forward-attachment.eml', 'Ihr Termin ist am Montag um 9 Uhr. Bitte bringen Sie Ihre Versichertenkarte mit.', 'body', ['closing']],
  // winmail.dat (review 2, F4): alone it is no text, and never the subject.
  ['tnef-only.eml', '', 'body', []],
  ['tnef-toplevel.eml', '', 'body', []],
];

for (const [name, text, from, cutKinds] of expected) {
  Fixtures(`${name} :: exactly the expected text`, async () => {
    const result = extractText(await parseMail(await fixture(name)));
    assert.is(result.text, text);
    assert.is(result.from, from);
    assert.equal(
      result.cuts.map((c) => c.kind),
      cutKinds,
    );
  });
}

// GSM 03.38 basic character set (no escape, no extension table).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);

Fixtures('gsm-160/161 :: 160 and 161 characters, GSM basic set only', () => {
  assert.is(GSM_160.length, 160);
  assert.ok([...GSM_160].every((ch) => GSM_BASIC.has(ch)), 'a character outside the GSM basic set');
});

Fixtures('multipart fixtures :: the HTML part alone gives the same text', async () => {
  for (const name of ['outlook-multipart-quoted.eml', 'gmail-reply.eml', 'outlook-signature.eml', 'gmail-forward-de-only.eml', 'thunderbird-forward-html-only.eml']) {
    const parsed = await parseMail(await fixture(name));
    assert.ok(parsed.html, `${name} has HTML`);
    assert.is(extractText({ html: parsed.html }).text, extractText({ text: parsed.text }).text, name);
  }
});

Fixtures('outlook-multipart-quoted :: HTML part cut at the border-top container', async () => {
  const parsed = await parseMail(await fixture('outlook-multipart-quoted.eml'));
  assert.equal(extractText({ html: parsed.html }).cuts, [{ kind: 'closing', at: 'Gruß' }, { kind: 'html', at: 'Von: Anna Berger <anna.berger@example.de>' }]);
});

Fixtures.run();

// ---------------------------------------------------------------- fields
const Fields = suite('parse :: fields');

Fields('outlook-multipart-quoted :: ids, references, from, date', async () => {
  const parsed = await parseMail(await fixture('outlook-multipart-quoted.eml'));
  const parent = '<FR3P281MB1234ABCDEF0987654321@FR3P281MB1234.DEUP281.PROD.OUTLOOK.COM>';
  assert.is(parsed.messageId, '<DB9PR10MB5123C0FFEE1234567890ABCDEF01234@DB9PR10MB5123.EURPRD10.PROD.OUTLOOK.COM>');
  assert.equal(parsed.references, [parent]);
  assert.is(parsed.inReplyTo, parent);
  assert.is(parsed.subject, 'AW: Termin morgen');
  assert.is(parsed.from, '"Max Muster" <max.muster@example.de>');
  assert.is(parsed.fromAddress, 'max.muster@example.de');
  assert.is(parsed.date?.toISOString(), '2026-11-02T08:30:05.000Z');
  assert.is(parsed.attachments, 0);
});

Fields('encoded-word subjects :: decoded, never left raw', async () => {
  const subjects: Array<[string, string]> = [
    ['latin1-qp.eml', 'Straßensperrung Mühlweg'],
    ['cyrillic.eml', 'Встреча перенесена'],
    ['base64-utf8.eml', 'Bestellung fertig'],
    ['emoji.eml', 'Party 🎉'],
  ];
  for (const [name, subject] of subjects) {
    const parsed = await parseMail(await fixture(name));
    assert.is(parsed.subject, subject, name);
    assert.is(parsed.headers.get('subject'), subject, name);
  }
});

Fields('encoded display names :: decoded in from, address kept', async () => {
  const parsed = await parseMail(await fixture('latin1-qp.eml'));
  assert.is(parsed.from, '"Jürgen Weiß" <j.weiss@gemeinde-musterdorf.example>');
  assert.is(parsed.fromAddress, 'j.weiss@gemeinde-musterdorf.example');
});

Fields('html-only mail :: text unset, html set (mailparser does not generate text)', async () => {
  const parsed = await parseMail(await fixture('outlook-html-only.eml'));
  assert.is(parsed.text, undefined);
  assert.ok(parsed.html?.includes('class=MsoNormal'));
});

Fields('multipart/alternative :: both parts, each as the mail had it', async () => {
  const parsed = await parseMail(await fixture('gmail-reply.eml'));
  assert.ok(parsed.text?.startsWith('Sure, see you at 7!'));
  assert.ok(parsed.html?.startsWith('<div dir="ltr">'));
});

Fields('multipart/mixed with text and html :: text holds only the text/plain part', async () => {
  const raw = mail(
    `${BASIC}\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b`,
    '--b\nContent-Type: text/plain\n\nplain part\n--b\nContent-Type: text/html\n\n<p>html part</p>\n--b--\n',
  );
  const parsed = await parseMail(raw);
  assert.is(parsed.text?.trim(), 'plain part');
  assert.ok(parsed.html?.includes('<p>html part</p>'));
});

Fields('text/plain only :: html unset', async () => {
  const parsed = await parseMail(await fixture('base64-utf8.eml'));
  assert.is(parsed.html, undefined);
});

Fields('pdf attachment :: counted', async () => {
  assert.is((await parseMail(await fixture('pdf-attachment.eml'))).attachments, 1);
});

Fields('format=flowed :: soft breaks joined, "-- " kept as its own line', async () => {
  const parsed = await parseMail(await fixture('thunderbird-flowed-signature.eml'));
  assert.ok(parsed.text?.includes('two of the glasses are broken.'));
  assert.ok(parsed.text?.includes('\n-- \nJonas Weber\n'));
});

Fields('unreadable Date header :: date unset, not "now"', async () => {
  const parsed = await parseMail(mail(`${BASIC}\nDate: sometime next week`, 'x'));
  assert.is(parsed.date, undefined);
  assert.is(parsed.headers.get('date'), 'sometime next week');
});

Fields('no Message-ID, References or From :: unset and empty', async () => {
  const parsed = await parseMail(mail('Subject: bare', 'x'));
  assert.is(parsed.messageId, undefined);
  assert.equal(parsed.references, []);
  assert.is(parsed.from, undefined);
  assert.is(parsed.fromAddress, undefined);
});

Fields('References with several ids :: all, in order', async () => {
  const parsed = await parseMail(mail(`${BASIC}\nReferences: <a@x> <b@x>\n <c@x>`, 'x'));
  assert.equal(parsed.references, ['<a@x>', '<b@x>', '<c@x>']);
});

Fields('group address :: first member is the fromAddress', async () => {
  const parsed = await parseMail(mail('From: Team: anna@x.de, max@x.de;\nSubject: g', 'x'));
  assert.is(parsed.fromAddress, 'anna@x.de');
});

Fields.run();

// ---------------------------------------------------------------- headers
const Headers = suite('parse :: headers');

async function headersOf(headerBlock: string): Promise<ParsedMail['headers']> {
  return (await parseMail(mail(headerBlock, 'x'))).headers;
}

Headers('names :: lower-cased', async () => {
  const headers = await headersOf(`${BASIC}\nX-SMS-Flash: yes\nAuto-Submitted: auto-replied`);
  assert.is(headers.get('x-sms-flash'), 'yes');
  assert.is(headers.get('auto-submitted'), 'auto-replied');
});

Headers('folded value :: unfolded', async () => {
  const headers = await headersOf(`${BASIC}\nX-SMS-Options: flash=1;\n validity=60`);
  assert.is(headers.get('x-sms-options'), 'flash=1; validity=60');
});

Headers('repeated header :: the first occurrence', async () => {
  const headers = await headersOf(`${BASIC}\nX-SMS-Flash: yes\nX-SMS-Flash: no`);
  assert.is(headers.get('x-sms-flash'), 'yes');
});

Headers('encoded word in a custom header :: decoded', async () => {
  const headers = await headersOf(`${BASIC}\nX-SMS-Sender: =?utf-8?q?B=C3=A4ckerei?=`);
  assert.is(headers.get('x-sms-sender'), 'Bäckerei');
});

Headers('raw UTF-8 header (RFC 6532) :: decoded as UTF-8', async () => {
  const headers = await headersOf(`${BASIC}\nX-SMS-Sender: Bäckerei`);
  assert.is(headers.get('x-sms-sender'), 'Bäckerei');
});

Headers('raw Latin-1 header :: read as windows-1252, not as broken UTF-8', async () => {
  const raw = Buffer.from(`${BASIC}\r\nX-SMS-Sender: B\xe4ckerei\r\n\r\nx\r\n`.replace(/\r?\n/g, '\r\n'), 'latin1');
  assert.is((await parseMail(raw)).headers.get('x-sms-sender'), 'Bäckerei');
});

Headers('encoded word labelled utf-8 holding Latin-1 bytes :: read as windows-1252, in the subject too', async () => {
  for (const fastPath of [true, false]) {
    const parsed = await parseMail(mail(`From: a@example.com\nX-SMS-Reference: =?utf-8?q?M=FCller?=\nSubject: =?UTF-8?Q?Gr=FC=DFe_aus_K=F6ln?=`, 'x'), { fastPath });
    assert.is(parsed.headers.get('x-sms-reference'), 'Müller');
    assert.is(parsed.subject, 'Grüße aus Köln');
  }
});

Headers('regression: raw Latin-1 display name in From (no encoded word) :: read as windows-1252, not "J\ufffdrgen", by both paths', async () => {
  const raw = Buffer.from('From: J\xfcrgen M\xfcller <j@acme.test>\r\nSubject: x\r\n\r\nHallo.\r\n', 'latin1');
  const multipart = Buffer.from('From: J\xfcrgen M\xfcller <j@acme.test>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nHallo.\r\n--b--\r\n', 'latin1');
  for (const [name, bytes] of [['single part', raw], ['multipart', multipart]] as const) {
    for (const fastPath of [true, false]) {
      const parsed = await parseMail(bytes, { fastPath });
      assert.is(parsed.from, '"J\u00fcrgen M\u00fcller" <j@acme.test>', `${name}, fastPath ${fastPath}`);
      assert.is(parsed.fromAddress, 'j@acme.test');
    }
  }
});

Headers('display name in an encoded word labelled utf-8 holding Latin-1 bytes :: read as windows-1252; valid UTF-8 names untouched', async () => {
  for (const fastPath of [true, false]) {
    const parsed = await parseMail(mail('From: =?utf-8?q?J=FCrgen?= <j@acme.test>\nSubject: x', 'x'), { fastPath });
    assert.is(parsed.from, '"J\u00fcrgen" <j@acme.test>');
    const utf8 = await parseMail(mail('From: Jürgen Müller <j@acme.test>\nSubject: x', 'x'), { fastPath });
    assert.is(utf8.from, '"Jürgen Müller" <j@acme.test>');
  }
});

Headers('X-Priority and List-Id :: kept under their own names', async () => {
  const headers = await headersOf(`${BASIC}\nX-Priority: 1 (Highest)\nList-Id: <news.acme.test>`);
  assert.is(headers.get('x-priority'), '1 (Highest)');
  assert.is(headers.get('list-id'), '<news.acme.test>');
});

Headers('header named __proto__ :: an ordinary entry', async () => {
  const headers = await headersOf(`${BASIC}\n__proto__: polluted`);
  assert.is(headers.get('__proto__'), 'polluted');
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

Headers.run();

// ---------------------------------------------------------------- hostile input
const Hostile = suite('parse :: hostile input');

function nested(depth: number): Buffer {
  let head = `${BASIC}\nMIME-Version: 1.0\n`;
  let tail = '';
  for (let i = 0; i < depth; i++) {
    head += `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n`;
    tail = `--b${i}--\n` + tail;
  }
  return mail(head + 'Content-Type: text/plain', 'innermost\n' + tail);
}

Hostile('multipart nested 100 deep :: MailParseError too-deep', async () => {
  const err = await rejection(parseMail(nested(100)));
  assert.instance(err, MailParseError);
  assert.is((err as MailParseError).code, 'too-deep');
});

Hostile('multipart nested 100 deep, a header after each Content-Type :: MailParseError too-deep all the same', async () => {
  const raw = Buffer.from(nested(100).toString('latin1').replace(/(Content-Type: multipart\/mixed; boundary="b\d+")\r\n/g, '$1\r\nX-Mailer: ERP\r\n'), 'latin1');
  assert.match(raw.toString('latin1'), /boundary="b99"\r\nX-Mailer: ERP\r\n/);
  const err = await rejection(parseMail(raw));
  assert.instance(err, MailParseError);
  assert.is((err as MailParseError).code, 'too-deep');
});

Hostile('multipart nested 100 deep with maxDepth 150 :: parsed to the innermost text', async () => {
  const parsed = await within(5000, parseMail(nested(100), { maxDepth: 150 }));
  assert.is(parsed.text?.trim(), 'innermost');
});

Hostile('multipart nested exactly maxDepth deep :: parsed', async () => {
  const parsed = await within(5000, parseMail(nested(5), { maxDepth: 5 }));
  assert.is(parsed.text?.trim(), 'innermost');
  assert.instance(await rejection(parseMail(nested(6), { maxDepth: 5 })), MailParseError);
});

Hostile('1500 sibling parts :: MailParseError too-many-parts', async () => {
  const parts = Array.from({ length: 1500 }, (_, i) => `--b\nContent-Type: text/plain\n\npart ${i}\n`).join('');
  const err = await rejection(parseMail(mail(`${BASIC}\nContent-Type: multipart/mixed; boundary=b`, `${parts}--b--\n`)));
  assert.instance(err, MailParseError);
  assert.is((err as MailParseError).code, 'too-many-parts');
});

Hostile('header block over 1 MB :: MailParseError header-too-large', async () => {
  const err = await rejection(parseMail(mail(`${BASIC}\nX-Junk: ${'a'.repeat(1_100_000)}`, 'x')));
  assert.instance(err, MailParseError);
  assert.is((err as MailParseError).code, 'header-too-large');
});

Hostile('invalid UTF-8 in body and subject declared utf-8 :: each stray byte read as windows-1252, the valid UTF-8 around it intact', async () => {
  const raw = Buffer.concat([
    Buffer.from('From: a@example.com\r\nSubject: Gr\xfc\xdfe '),
    Buffer.from([0xc3, 0x28, 0xff]),
    Buffer.from('\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHallo '),
    Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
    Buffer.from(' Welt\r\n'),
  ]);
  for (const fastPath of [true, false]) {
    const parsed = await within(5000, parseMail(raw, { fastPath }));
    assert.is(parsed.text, 'Hallo ÿþÃ( Welt\n');
    assert.is(parsed.subject, 'Grüße Ã(ÿ');
    assert.is(extractText(parsed).text, 'Hallo ÿþÃ( Welt');
  }
});

Hostile('regression: an unknown charset (x-unknown-42) :: read as undeclared 8-bit text, not "Gr??e aus K?ln", and named', async () => {
  const body = Buffer.from('Gr\xfc\xdfe aus K\xf6ln\r\n', 'latin1');
  const single = Buffer.concat([mail(`${BASIC}\nContent-Type: text/plain; charset=x-unknown-42`, ''), body]);
  const multi = Buffer.concat([
    mail(`${BASIC}\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="b"`, '--b\r\nContent-Type: text/plain; charset="x-unknown-42"\r\n\r\n'),
    body,
    Buffer.from('--b\r\nContent-Type: text/html; charset=x-unknown-42\r\n\r\n<p>Gr\xfc\xdfe</p>\r\n--b--\r\n', 'latin1'),
  ]);
  for (const [name, raw] of [['single part', single], ['multipart', multi]] as const) {
    for (const fastPath of [true, false]) {
      const parsed = await within(5000, parseMail(raw, { fastPath }));
      assert.is(parsed.text, 'Grüße aus Köln\n', `${name}, fastPath ${fastPath}`);
      assert.is(parsed.unknownCharset, 'x-unknown-42', `${name}, fastPath ${fastPath}`);
    }
  }
  const known = await parseMail(Buffer.concat([mail(`${BASIC}\nContent-Type: text/plain; charset=iso-8859-1`, ''), body]));
  assert.is(known.unknownCharset, undefined, 'a known charset is not named');
  const ascii = await parseMail(mail(`${BASIC}\nContent-Type: text/plain; charset=x-unknown-42`, 'Hallo'));
  assert.is(ascii.unknownCharset, undefined, 'nothing to guess in ASCII text');
});

Hostile('a byte no charset can read (0x81 undeclared) :: lost as U+FFFD, the rest recovered', async () => {
  const raw = Buffer.from('From: a@example.com\r\nSubject: K\xf6ln \x81\r\n\r\nK\xf6ln \x81\r\n', 'latin1');
  const parsed = await within(5000, parseMail(raw));
  assert.is(parsed.text, 'Köln \ufffd\n');
  assert.is(parsed.subject, 'Köln \ufffd');
});

Hostile('NUL bytes :: kept by parseMail, removed by extractText', async () => {
  const parsed = await within(5000, parseMail(mail(`${BASIC}\nX-SMS-Flash: y\0es`, 'A\0B\0\0C\n')));
  assert.is(parsed.text, 'A\0B\0\0C\n');
  assert.is(extractText(parsed).text, 'ABC');
});

Hostile('empty input :: an empty mail', async () => {
  const parsed = await within(5000, parseMail(Buffer.alloc(0)));
  assert.equal([parsed.text, parsed.html, parsed.subject, parsed.messageId], [undefined, undefined, undefined, undefined]);
  assert.equal(parsed.references, []);
  assert.is(parsed.headers.size, 0);
  assert.is(parsed.attachments, 0);
  assert.is(extractText(parsed).text, '');
});

Hostile('no header block at all :: no headers, no text', async () => {
  const parsed = await within(5000, parseMail(Buffer.from('just some words without a colon')));
  assert.is(parsed.headers.size, 0);
  assert.is(extractText(parsed).text, '');
});

Hostile('subject encoded twice :: decoded completely', async () => {
  // "=?utf-8?b?SMOkbGxv?=" (Hällo) encoded once more
  const parsed = await parseMail(mail('From: a@example.com\nSubject: =?utf-8?b?PT91dGYtOD9iP1NNT2tiR3h2Pz0=?=', 'x'));
  assert.is(parsed.subject, 'Hällo');
});

Hostile('broken encoded words :: no "=?" left in the subject', async () => {
  const broken = ['=?utf-8?b?!!!notbase64?=', '=?x-unknown?q?abc?=', '=?utf-7?B?K0FPUS0=?='];
  for (const subject of broken) {
    const parsed = await parseMail(mail(`From: a@example.com\nSubject: ${subject}`, 'x'));
    assert.not.ok(parsed.subject?.includes('=?'), `${subject} -> ${parsed.subject}`);
  }
});

Hostile('HTML nested 5000 deep :: converted without a stack overflow', async () => {
  const html = '<div>'.repeat(5000) + 'deep' + '</div>'.repeat(5000);
  const parsed = await within(5000, parseMail(mail(`${BASIC}\nContent-Type: text/html`, `<p>top</p>${html}`)));
  assert.ok(extractText(parsed).text.startsWith('top'));
});

Hostile.run();

// ---------------------------------------------------------------- base64 text parts
const Base64 = suite('parse :: text parts marked base64');

const MISLABELLED = 'Ihr Termin ist morgen um 10 Uhr in Raum 4.\n';
const CUT_SHORT = 'SWhyIFRlcm1pbiBpc3QgbW9yZ2VuIHVtIDEw===!!\n';
const B64 = 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64';
const alternative = (plain: string, html: string, attachment = '') =>
  mail(
    `${BASIC}\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m`,
    `--m\nContent-Type: multipart/alternative; boundary=a\n\n--a\n${plain}\n--a\n${html}\n--a--\n${attachment}--m--\n`,
  );
const part = (type: string, encoding: string, body: string) => `Content-Type: ${type}; charset=utf-8\nContent-Transfer-Encoding: ${encoding}\n\n${body}`;
const b64 = (text: string) => Buffer.from(text).toString('base64').replace(/.{76}/g, '$&\n');

async function badBase64(raw: Buffer, fastPath = true): Promise<void> {
  const err = await rejection(parseMail(raw, { fastPath }));
  assert.instance(err, MailParseError);
  assert.is((err as MailParseError).code, 'bad-base64');
}

Base64('plain text marked base64 (the exploratory test) :: MailParseError bad-base64, on both paths, never garbage', async () => {
  for (const fastPath of [true, false]) await badBase64(mail(`${BASIC}\n${B64}`, MISLABELLED), fastPath);
});

Base64('base64 garbled at the end (===!!) :: MailParseError bad-base64, never the text cut short', async () => {
  for (const fastPath of [true, false]) await badBase64(mail(`${BASIC}\n${B64}`, CUT_SHORT), fastPath);
});

Base64('in a multipart mail: the text/plain or the text/html part :: MailParseError bad-base64', async () => {
  const html = part('text/html', 'base64', b64('<p>Ihr Termin ist morgen.</p>'));
  const plain = part('text/plain', 'base64', b64('Ihr Termin ist morgen.'));
  await badBase64(alternative(part('text/plain', 'base64', MISLABELLED), html));
  await badBase64(alternative(plain, part('text/html', 'base64', `<p>${MISLABELLED}</p>`)));
  await badBase64(alternative(plain, part('text/html', 'base64', CUT_SHORT)));
});

Base64('an attachment whose base64 is broken :: ignored like any attachment, the text read', async () => {
  const attachment = '--m\nContent-Type: application/pdf; name=a.pdf\nContent-Disposition: attachment; filename=a.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK!!broken\n';
  const parsed = await parseMail(alternative(part('text/plain', 'base64', b64('Ihr Termin ist morgen.')), part('text/html', 'quoted-printable', '<p>x</p>'), attachment));
  assert.is(parsed.text, 'Ihr Termin ist morgen.');
  assert.is(parsed.attachments, 1);
});

Base64('base64 as nodemailer writes it (text and HTML, umlauts, long lines) :: read as written', async () => {
  const text = 'Grüße aus München! Ihre Bestellung 4711 über 149,90 € ist fertig. '.repeat(5).trim();
  const raw = await new MailComposer({ from: 'a@example.com', subject: 't', text, html: `<p>${text}</p>`, textEncoding: 'base64' }).compile().build();
  assert.match(raw.toString(), /Content-Transfer-Encoding: base64/);
  const parsed = await parseMail(raw);
  assert.is(parsed.text?.trim(), text);
  assert.match(parsed.html ?? '', /Grüße aus München/);
});

Base64('base64 fixtures (bakery UTF-8, KOI8-R) :: read as before', async () => {
  assert.match((await parseMail(await fixture('base64-utf8.eml'))).text ?? '', /^Grüße aus München!/);
  assert.match((await parseMail(await fixture('cyrillic.eml'))).text ?? '', /^Привет, Ольга!/);
});

Base64.run();

// ---------------------------------------------------------------- multipart without a boundary
const Boundary = suite('parse :: multipart without a boundary');

async function noBoundary(raw: Buffer, type: string): Promise<void> {
  const err = await rejection(parseMail(raw));
  assert.instance(err, MailParseError);
  assert.is((err as MailParseError).code, 'no-boundary');
  assert.match((err as MailParseError).message, `it is marked ${type} (several parts) but names no boundary`);
}

Boundary('multipart/mixed with no boundary= (the exploratory test) :: MailParseError no-boundary, never the subject instead', async () => {
  await noBoundary(mail(`${BASIC}\nMIME-Version: 1.0\nContent-Type: multipart/mixed`, 'Ihr Termin ist morgen um 10 Uhr.\n'), 'multipart/mixed');
});

Boundary('an empty boundary, or a parameter misspelt :: MailParseError no-boundary', async () => {
  await noBoundary(mail(`${BASIC}\nContent-Type: multipart/mixed; boundary=""`, '--\nContent-Type: text/plain\n\nx\n----\n'), 'multipart/mixed');
  await noBoundary(mail(`${BASIC}\nContent-Type: multipart/alternative; bondary="b"`, '--b\nContent-Type: text/plain\n\nx\n--b--\n'), 'multipart/alternative');
});

Boundary('a nested multipart/alternative without one, next to a PDF :: MailParseError no-boundary', async () => {
  const body = '--m\nContent-Type: multipart/alternative\n\n--a\nContent-Type: text/plain\n\nx\n--a--\n--m\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--m--\n';
  await noBoundary(mail(`${BASIC}\nContent-Type: multipart/mixed; boundary=m`, body), 'multipart/alternative');
});

Boundary('boundaries as clients write them (folded, quoted, upper-case name, after other parameters) :: read', async () => {
  const headers = ['multipart/mixed;\n\tboundary="----=_Part_1"', 'multipart/mixed; BOUNDARY=----=_Part_1', 'multipart/mixed; charset=utf-8;\n boundary=----=_Part_1'];
  for (const type of headers) {
    const parsed = await parseMail(mail(`${BASIC}\nContent-Type: ${type}`, '------=_Part_1\nContent-Type: text/plain\n\nHallo\n------=_Part_1--\n'));
    assert.is(parsed.text?.trim(), 'Hallo', type);
  }
});

Boundary.run();
