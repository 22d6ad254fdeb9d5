import { readdir, readFile } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { MailParseError, parseMail } from '../../src/mail/parse.js';
import { parsePlainMail } from '../../src/mail/plain-mail.js';

/**
 * The fast path for single text/plain mails must give exactly what
 * mailparser gives (parseMail with fastPath off), and must be taken where
 * it is meant to be: a new mailparser or mailsplit that changes either
 * fails here.
 */
const FIXTURES = new URL('../fixtures/', import.meta.url);

const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'latin1');
const BASIC = 'From: Buchhaltung <erp@acme.test>\nTo: +4915112345678@sms.localhost\nSubject: Zahlungserinnerung\nMessage-ID: <r1@acme.test>\nDate: Mon, 2 Nov 2026 09:30:00 +0100';
const plain = (headers: string, body: string) => crlf(`${BASIC}\n${headers}\n\n${body}`);

// A refusal is part of the result: both ways must refuse alike.
const outcome = (raw: Buffer, fastPath: boolean) => parseMail(raw, { fastPath }).catch((e: MailParseError) => ({ refused: e.code }));

async function same(raw: Buffer, label: string): Promise<void> {
  assert.equal(await outcome(raw, true), await outcome(raw, false), label);
}

// Whether parsePlainMail takes the mail: a refusal is taken, too.
const fastPathTakes = (raw: Buffer) => parsePlainMail(raw).then((mail) => mail !== undefined, (e: unknown) => e instanceof MailParseError);

const Fixtures = suite('plain mail :: fixtures');

const FAST_FIXTURES = new Set([
  'base64-utf8.eml', 'cyrillic.eml', 'emoji.eml', 'empty-body.eml', 'end-marker.eml', 'gsm-160.eml', 'gsm-161.eml', 'latin1-qp.eml', 'nothing-to-send.eml',
  'erp-latin1-undeclared.eml', 'erp-latin1-subject.eml', 'erp-mislabelled-utf8.eml', 'utf8-undeclared.eml', 'erp-ansi-invisible.eml', 'erp-latin1-from.eml',
  'apple-forward.eml', 'apple-forward-de-only.eml', 'gmail-forward.eml', 'thunderbird-forward-de.eml', 'thunderbird-forward-only.eml',
  'apple-forward-fyi.eml', 'outlook-forward-intro.eml', 'prose-begin-forwarded.eml', 'erp-mislabelled-base64.eml',
  'erp-no-date-relayed.eml', 'erp-no-date-unreadable-received.eml', 'dated-relayed.eml',
]);

Fixtures('every fixture :: the same ParsedMail both ways; the single text/plain ones take the fast path', async () => {
  const names = (await readdir(FIXTURES)).filter((n) => n.endsWith('.eml'));
  assert.ok(names.length >= 14, 'fixtures found');
  for (const name of names) {
    const raw = await readFile(new URL(name, FIXTURES));
    await same(raw, name);
    assert.is(await fastPathTakes(raw), FAST_FIXTURES.has(name), `${name} fast path`);
  }
});

Fixtures.run();

const Cases = suite('plain mail :: edge cases');

// [what, raw mail, whether the fast path takes it]
const CASES: Array<[string, Buffer, boolean]> = [
  ['the benchmark mail', plain('MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8', 'Sehr geehrte Kundin, die Rechnung 2026-1234 ist fällig.\n'), true],
  ['no Content-Type at all', plain('', 'plain words\n'), true],
  ['us-ascii, 7bit', plain('Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit', 'hello\n'), true],
  ['upper-case type and quoted charset', plain('Content-Type: TEXT/PLAIN; charset="UTF-8"', 'Grüße\n'), true],
  ['8-bit windows-1252 with the euro sign', Buffer.concat([plain('Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: 8bit', 'Betrag: 149,90 '), Buffer.from([0x80, 0x0d, 0x0a])]), true],
  ['8-bit latin1 bytes declared utf-8', Buffer.concat([plain('Content-Type: text/plain; charset=utf-8', 'Gr'), Buffer.from([0xfc, 0xdf]), Buffer.from('e\r\n')]), true],
  ['8-bit latin1 bytes, no charset', Buffer.concat([plain('Content-Type: text/plain', 'Gr'), Buffer.from([0xfc, 0xdf]), Buffer.from('e\r\n')]), true],
  ['quoted-printable latin1 declared us-ascii', plain('Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: quoted-printable', 'Gr=FC=DFe =80\n'), true],
  ['latin1 in a raw Subject and a mislabelled encoded word', crlf('From: a@x.de\nSubject: Gr\xfc\xdfe =?utf-8?q?K=F6ln?=\n\nx\n'), true],
  ['latin1 flowed text, no charset', plain('Content-Type: text/plain; format=flowed', 'Gr\xfc\xdfe \naus K\xf6ln\n'), false],
  ['quoted-printable, mixed case, with a comment', plain('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: Quoted-Printable (qp)', 'Gr=C3=BC=C3=9Fe, soft=\nbreak, =E2=82=AC\n'), true],
  ['quoted-printable with a broken escape', plain('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable', 'a=ZZb=\n=4\n'), true],
  ['base64 with whitespace and padding in the middle', plain('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64', 'SGFs\nbG8g\r\nV2Vs dA==\nISE=\n'), true],
  ['plain text marked base64 (refused)', plain('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64', 'Ihr Termin ist morgen um 10 Uhr in Raum 4.\n'), true],
  ['base64 garbled at the end (refused)', plain('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: BASE64', 'SWhyIFRlcm1pbiBpc3QgbW9yZ2VuIHVtIDEw===!!\n'), true],
  ['utf-7 (refused charset)', plain('Content-Type: text/plain; charset=utf-7', '+ADw-script+AD4-\n'), true],
  ['unknown charset', plain('Content-Type: text/plain; charset=x-unknown-42', 'text\n'), true],
  ['KOI8-R 8bit', Buffer.concat([plain('Content-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: 8bit', ''), Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4, 0x0a])]), true],
  ['bare LF line ends', Buffer.from(`${BASIC}\nContent-Type: text/plain\n\nline one\nline two\n`), true],
  ['mixed CR, LF and CRLF in the body', plain('Content-Type: text/plain', 'a\rb\n').subarray(0), true],
  ['folded and encoded headers, a group From, duplicates', crlf('From: Team: =?utf-8?q?J=C3=BCrgen?= <j@x.de>, max@x.de;\nSubject: =?utf-8?b?R3LDvMOfZQ==?=\n  folded\nSubject: second\nX-SMS-Flash: yes\nX-SMS-Flash: no\nReferences: <a@x>\n <b@x> <c@x>\nIn-Reply-To: c@x\nMessage-ID: no-brackets@x\n\nbody\n'), true],
  ['one reference only', plain('References: <only@x>', 'x\n'), true],
  ['X-Priority, Importance, List-* and __proto__ headers', plain('X-Priority: 1 (Highest)\nImportance: low\nList-Id: <news.acme.test>\nList-Unsubscribe: <mailto:u@x>\n__proto__: polluted', 'x\n'), true],
  ['raw UTF-8 in headers', Buffer.from(`${BASIC}\nX-SMS-Sender: Bäckerei\nSubject: Grüße\n\nx\n`, 'utf8'), true],
  ['unreadable Date', crlf('From: a@x.de\nDate: sometime next week\n\nx\n'), true],
  ['a header line without a colon', crlf('From: a@x.de\nthis is no header\nSubject: s\n\nx\n'), true],
  ['an mbox From_ line first', crlf('From sender@x.de Mon Nov  2 09:30:00 2026\nFrom: a@x.de\nSubject: s\n\nx\n'), true],
  ['a continuation line first', crlf(' folded start\nFrom: a@x.de\n\nx\n'), true],
  ['an empty first line (no headers)', crlf('\nFrom: a@x.de\n'), true],
  ['empty body', plain('Content-Type: text/plain', ''), true],
  ['blank body', plain('Content-Type: text/plain', ' \n\t\n'), true],
  ['NUL bytes', plain('X-SMS-Flash: y\0es', 'A\0B\n'), true],
  ['a dot line in the body', plain('', 'one\n.\ntwo\n'), true],
  ['a body that looks like MIME', plain('Content-Type: text/plain', '--b\nContent-Type: text/html\n\n<p>x</p>\n--b--\n'), true],
  ['inline disposition with a file name', plain('Content-Type: text/plain; name=note.txt\nContent-Disposition: inline; filename=note.txt', 'x\n'), true],
  ['empty Content-Type value', plain('Content-Type: ;', 'x\n'), false],
  ['attachment disposition', plain('Content-Type: text/plain\nContent-Disposition: attachment; filename=a.txt', 'x\n'), false],
  ['an unknown disposition', plain('Content-Type: text/plain\nContent-Disposition: weird', 'x\n'), false],
  ['format=flowed', plain('Content-Type: text/plain; charset=utf-8; format=flowed', 'soft \nbreak\n'), false],
  ['text/html', plain('Content-Type: text/html', '<p>x</p>\n'), false],
  ['multipart', plain('Content-Type: multipart/alternative; boundary=b', '--b\nContent-Type: text/plain\n\nx\n--b--\n'), false],
  ['message/rfc822', plain('Content-Type: message/rfc822', 'Subject: inner\n\nx\n'), false],
  ['no blank line after the headers', Buffer.from('From: a@x.de\r\nSubject: only headers\r\n'), false],
  ['no line end at all', Buffer.from('From: a@x.de'), false],
  ['nothing', Buffer.alloc(0), false],
  ['a header block past 64 KB', plain(`X-Junk: ${'a'.repeat(70_000)}`, 'x\n'), false],
];

for (const [what, raw, fast] of CASES) {
  Cases(`${what} :: ${fast ? 'fast path, ' : 'mailparser, '}same result`, async () => {
    assert.is(await fastPathTakes(raw), fast, 'fast path taken');
    await same(raw, what);
  });
}

Cases.run();
