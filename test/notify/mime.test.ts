import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Options } from 'nodemailer/lib/mailer/index.js';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { writeMime } from '../../src/notify/mime.js';

const M = suite('notify/mime writeMime');

/** Boundaries are random per build; quoted-printable soft breaks fall where each writer cuts. */
const comparable = (raw: string) => {
  const boundaries = [...raw.matchAll(/boundary="?([^";\r\n]+)"?/gi)].map((m) => m[1]);
  return boundaries.reduce((t, b, i) => t.split(b).join(`BOUNDARY${i}`), raw).replace(/=\r\n/g, '');
};

const base: Options = {
  from: 'mail2sms <noreply@sms.localhost>', to: 'clerk@client.example', subject: 'SMS delivered to +4915112345678: "Rechnung Überfällig — bitte zahlen"',
  messageId: '<M1.1.delivered@sms.localhost>', date: new Date('2026-11-23T14:10:00Z'), inReplyTo: '<a@client.example>', references: ['<r@client.example>', '<a@client.example>'],
  headers: { 'Auto-Submitted': 'auto-replied' }, newline: 'win',
};

const CASES: Array<[string, Options]> = [
  ['ASCII text and HTML', { text: 'Delivered.\nLine two', html: '<p>Delivered.</p>' }],
  ['umlauts, emoji and lines longer than 76 (quoted-printable)', { text: `Grüße 🎉 ${'x'.repeat(150)}\nZeile 2 `, html: `<p>Grüße 🎉</p>\n${'<b>x</b>'.repeat(40)}` }],
  ['mostly Cyrillic (base64)', { text: 'Привет мир\n'.repeat(20), html: `<p>${'Привет мир '.repeat(20)}</p>` }],
  ['CRLF, LF and a dot line', { text: 'a\r\nb\n.\nd', html: '<p>a</p>\r\n<p>b</p>' }],
  ['empty bodies', { text: '', html: '' }],
  ['non-ASCII sender name and Reply-To', { from: 'Bücher SMS <noreply@sms.localhost>', replyTo: 'cancel+M1.1.k@sms.localhost', text: 'x', html: 'y' }],
  ['report parts (7bit attachments inline)', {
    text: 'Failed.', html: '<p>Failed.</p>',
    attachments: [
      { contentType: 'message/delivery-status', content: 'Reporting-MTA: dns; sms.localhost\r\n\r\nAction: failed\r\nStatus: 5.0.0\r\n', contentDisposition: 'inline', contentTransferEncoding: '7bit', filename: false },
      { contentType: 'text/rfc822-headers', content: 'Subject: Meeting\r\nFrom: a@client.example\r\n', contentDisposition: 'inline', contentTransferEncoding: '7bit', filename: false },
    ],
  }],
];

for (const [what, extra] of CASES) {
  M(`writeMime :: ${what} :: the bytes of MimeNode.build() but for soft line breaks; no line over 76`, async () => {
    const options = { ...base, ...extra };
    const mine = writeMime(new MailComposer(options).compile()).toString('utf8');
    const theirs = (await new MailComposer(options).compile().build()).toString('utf8');
    assert.is(comparable(mine), comparable(theirs));
    const body = mine.slice(mine.indexOf('\r\n\r\n'));
    for (const line of body.split('\r\n')) assert.ok(line.length <= 76, `line of ${line.length}: ${line}`);
  });
}

M('writeMime :: a lone CR in a 7bit body :: becomes CRLF (RFC 5322 allows CR only before LF; build() leaves it bare)', () => {
  const raw = writeMime(new MailComposer({ ...base, text: 'a\rb' }).compile()).toString('utf8');
  assert.ok(raw.endsWith('\r\n\r\na\r\nb'), JSON.stringify(raw.slice(-20)));
});

M('writeMime :: content that is neither a string nor a Buffer (a file) :: refused, not silently dropped', () => {
  const root = new MailComposer({ ...base, text: 'x', attachments: [{ path: '/etc/hostname', filename: 'a.txt' }] }).compile();
  assert.throws(() => writeMime(root), /only string or Buffer content/);
});

M('writeMime :: a Buffer as 8bit (a returned mail, not UTF-8) :: its bytes as they are; as base64 :: refused (written raw it would be wrong)', () => {
  const bytes = Buffer.from('Subject: x\r\n\r\n12,50 \x80 \xfcber\r\n', 'latin1');
  const part = { contentType: 'message/rfc822', content: bytes, contentDisposition: 'inline' as const, contentTransferEncoding: '8bit' as const, filename: false as const };
  assert.ok(writeMime(new MailComposer({ ...base, text: 'x', attachments: [part] }).compile()).includes(bytes));
  const pdf = new MailComposer({ ...base, text: 'x', attachments: [{ content: Buffer.from('pdf'), filename: 'a.pdf' }] }).compile();
  assert.throws(() => writeMime(pdf), /a Buffer is written as it is, 7bit or 8bit, not base64/);
});

M.run();
