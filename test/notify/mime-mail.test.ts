import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { simpleParser, type ParsedMail } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { assemble, composeConfirmation, type MailParts } from '../../src/notify/compose.js';
import { textTransferEncoding, writeMime } from '../../src/notify/mime.js';
import type { ConfirmationStage, SmsMessage } from '../../src/store/types.js';
import { sampleSms } from './sample.js';
import { NOW, TEMPLATES } from './mime.js';

const M = suite('notify/mime writeMail (confirmations without a MimeNode tree)');

/**
 * What assemble wrote before writeMail, kept here as the oracle: MailComposer's tree with the same options,
 * written by writeMime (itself checked against MimeNode.build() in mime.test.ts), with the boundary of `mine`.
 */
function viaMailComposer(p: MailParts, mine: Buffer): Buffer {
  // A mail of one part has no boundary to take over.
  const base = /boundary="--_NmP-([0-9a-f]+)-Part_1"/.exec(mine.toString('latin1'))?.[1] ?? 'none';
  const root = new MailComposer({
    from: p.from, to: p.to, subject: p.subject, messageId: p.messageId, date: p.now,
    ...(p.replyTo?.length ? { replyTo: p.replyTo } : {}),
    text: p.text, html: p.html,
    ...(p.origin.messageId ? { inReplyTo: p.origin.messageId, references: [...(p.origin.references ?? []), p.origin.messageId] } : {}),
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    attachments: p.report, newline: 'win', baseBoundary: base, disableFileAccess: true, disableUrlAccess: true,
  }).compile();
  if (p.report) {
    root.setHeader('Content-Type', 'multipart/report; report-type=delivery-status');
    if (p.report.some((a) => a.contentTransferEncoding === '8bit')) root.setHeader('Content-Transfer-Encoding', '8bit');
  }
  return writeMime(root);
}

/** What a reader sees of a mail: the fields that matter, decoded. */
function seen(m: ParsedMail): Record<string, unknown> {
  return {
    subject: m.subject, from: m.from?.value, to: m.to, replyTo: m.replyTo?.value, messageId: m.messageId, inReplyTo: m.inReplyTo,
    references: m.references, date: m.date?.toISOString(), text: m.text, html: m.html,
    contentType: m.headers.get('content-type'), autoSubmitted: m.headers.get('auto-submitted'),
    attachments: m.attachments.map((a) => ({ type: a.contentType, disposition: a.contentDisposition, content: a.content.toString('latin1') })),
  };
}

const longLine = `${'Sehr geehrte Kundin, bitte zahlen Sie die Rechnung 2026-1234 über 149,90 €. '.repeat(16)}Ende`;
const deliveryStatus = 'Reporting-MTA: dns; sms.localhost\r\n\r\nFinal-Recipient: rfc822; +4915112345678@sms.localhost\r\nAction: failed\r\nStatus: 5.0.0\r\n';
const base: MailParts = {
  from: 'mail2sms <noreply@sms.localhost>', to: 'clerk@client.example', subject: 'SMS delivered to +4915112345678: "Meeting"',
  messageId: '<M1.1.delivered@sms.localhost>', now: NOW, text: 'Delivered.\nLine two\n', html: '<p>Delivered.</p>\n',
  origin: { messageId: '<a@client.example>', references: ['<r@client.example>'] },
};

const CASES: Array<[string, Partial<MailParts>]> = [
  ['ASCII, short lines (7bit parts)', {}],
  ['long subject with umlauts and quotes (encoded words, folded)', { subject: `SMS an +4915112345678 zugestellt: „${'Zahlungserinnerung für Rechnung Nr. 2026-1234 über 149,90 € '.repeat(3)}“` }],
  ['long ASCII subject (folded, not encoded)', { subject: `SMS delivered to +4915112345678: "${'Quarterly meeting moved to Thursday afternoon '.repeat(4)}"` }],
  ['non-ASCII sender name, a named recipient, several Reply-To', { from: 'Bücher & Söhne SMS <noreply@sms.localhost>', to: 'Jürgen Müller <j.mueller@client.example>', replyTo: ['cancel+M1.1.k@sms.localhost', 'cancel+M1.2.k@sms.localhost'] }],
  ['one Reply-To; no origin Message-ID (no threading)', { replyTo: 'cancel+M1.1.k@sms.localhost', origin: {} }],
  ['8-bit text: umlauts and emoji (quoted-printable)', { text: 'Grüße 🎉 aus Köln\nZeile 2 \n', html: '<p>Grüße 🎉 aus Köln</p>' }],
  ['mostly Cyrillic (base64)', { text: 'Привет мир\n'.repeat(20), html: `<p>${'Привет мир '.repeat(20)}</p>` }],
  ['a line over 998 characters', { text: `> ${longLine}\n`, html: `<blockquote>${longLine}</blockquote>` }],
  ['an ASCII line over 998 characters', { text: `> ${'x'.repeat(1200)}\n`, html: `<p>${'y'.repeat(1200)}</p>` }],
  ['CR LF, bare LF and bare CR', { text: 'a\r\nb\nc\rd', html: '<p>a</p>\r\n<p>b</p>' }],
  ['delivery report returning headers (7bit parts inline)', {
    report: [
      { contentType: 'message/delivery-status', content: deliveryStatus, contentDisposition: 'inline', contentTransferEncoding: '7bit', filename: false },
      { contentType: 'text/rfc822-headers', content: 'Subject: Meeting\r\nFrom: a@client.example\r\n', contentDisposition: 'inline', contentTransferEncoding: '7bit', filename: false },
    ],
  }],
  ['delivery report whose returned headers have a line over 76 (quoted-printable, as MailComposer makes it)', {
    report: [
      { contentType: 'message/delivery-status', content: deliveryStatus, contentDisposition: 'inline', contentTransferEncoding: '7bit', filename: false },
      { contentType: 'text/rfc822-headers', content: `Subject: ${'word '.repeat(30)}\r\n`, contentDisposition: 'inline', contentTransferEncoding: '7bit', filename: false },
    ],
  }],
  ['delivery report returning a mail with 8-bit bytes (the report 8bit)', {
    report: [
      { contentType: 'message/delivery-status', content: deliveryStatus, contentDisposition: 'inline', contentTransferEncoding: '7bit', filename: false },
      { contentType: 'message/rfc822', content: Buffer.from('Subject: x\r\n\r\n12,50 \x80 \xfcber\r\n', 'latin1'), contentDisposition: 'inline', contentTransferEncoding: '8bit', filename: false },
    ],
  }],
  // An operator's templates may render a body empty: MailComposer then left that alternative out (issue 6, outbox8).
  ['a template that renders the HTML empty (one text/plain part)', { html: '' }],
  ['a template that renders the text empty (one text/html part)', { text: '' }],
  ['templates that render both bodies empty (one empty text/plain part)', { text: '', html: '' }],
  ['delivery report whose HTML renders empty (text first, then the report parts)', {
    html: '',
    report: [
      { contentType: 'message/delivery-status', content: deliveryStatus, contentDisposition: 'inline', contentTransferEncoding: '7bit', filename: false },
      { contentType: 'text/rfc822-headers', content: 'Subject: Meeting\r\n', contentDisposition: 'inline', contentTransferEncoding: '7bit', filename: false },
    ],
  }],
];

/**
 * The mail as text; for a mail of one part its header fields sorted, as MailComposer put Content-Transfer-Encoding
 * before MIME-Version there and writeMail puts it after Content-Type (the order of fields means nothing, RFC 5322 §3.6).
 */
function inOrder(raw: Buffer): string {
  const text = raw.toString('latin1');
  if (/boundary=/.test(text)) return text;
  const end = text.indexOf('\r\n\r\n');
  const fields = text.slice(0, end).split(/\r\n(?![ \t])/).sort();
  return `${fields.join('\r\n')}${text.slice(end)}`;
}

for (const [what, extra] of CASES) {
  M(`assemble :: ${what} :: the bytes MailComposer's tree gave, read alike by mailparser; no line over 998`, async () => {
    const p = { ...base, ...extra };
    const mine = assemble(p);
    const theirs = viaMailComposer(p, mine);
    assert.is(inOrder(mine), inOrder(theirs));
    assert.equal(seen(await simpleParser(mine)), seen(await simpleParser(theirs)));
    for (const line of mine.toString('latin1').split('\r\n')) assert.ok(line.length <= 998, `line of ${line.length}`);
  });
}

/** Whole confirmations as the notifier composes them, with the former assembly beside them. */
const SMS: Array<[string, SmsMessage, ConfirmationStage]> = [
  ['delivered', sampleSms(), 'delivered'],
  ['failed, 8-bit text, long subject', sampleSms({ status: 'failed', text: `Grüße aus Köln: ${'Überweisung fällig '.repeat(20)}` }, { subject: `Zahlungserinnerung ${'für Rechnung 2026-1234 '.repeat(5)}` }), 'failed'],
  ['accepted, a sender name with umlauts', sampleSms({ status: 'accepted' }, { from: 'Jürgen Müller <j.mueller@client.example>' }), 'accepted'],
  ['delivery report (NOTIFY=SUCCESS, RET=HDRS)', sampleSms({ dsn: { notify: ['SUCCESS'], ret: 'HDRS' } }), 'delivered'],
];
for (const language of ['en', 'de'] as const) {
  for (const [what, sms, status] of SMS) {
    M(`composeConfirmation :: ${language} :: ${what} :: same bytes as through MailComposer`, async () => {
      const out = await composeConfirmation({ sms, status, from: 'SMS-Dienst Müller <noreply@sms.localhost>', reportingMta: 'sms.localhost', now: NOW, templatesDir: TEMPLATES, language });
      // The parts as composeConfirmation gave them to assemble: its text and HTML are read back from the mail.
      const read = await simpleParser(out.raw);
      const parts: MailParts = { ...base, from: 'SMS-Dienst Müller <noreply@sms.localhost>', to: out.to, subject: out.subject, messageId: out.messageId, text: read.text ?? '', html: read.html || '', origin: sms.mail };
      if (!sms.dsn) assert.is(out.raw.toString('latin1'), viaMailComposer(parts, out.raw).toString('latin1'));
      assert.is(read.subject, out.subject);
      assert.is(read.headers.get('auto-submitted'), 'auto-replied');
      assert.ok(read.text?.includes(sms.id), 'the text names the SMS');
    });
  }
}

/** The Content-Type of each part, in order, with the boundaries left out. */
const types = (raw: Buffer) => [...raw.toString('latin1').matchAll(/^Content-Type: ([^;\r\n]+)/gm)].map((m) => m[1]);

M('assemble :: bodies a template rendered blank (whitespace only) :: left out like empty ones, one text/plain part', () => {
  assert.equal(types(assemble({ ...base, text: '\n  \n', html: ' \r\n' })), ['text/plain']);
  assert.equal(types(assemble({ ...base, html: '\n' })), ['text/plain']);
  assert.equal(types(assemble({ ...base, text: '\n' })), ['text/html']);
});

M('assemble :: delivery report, both bodies empty :: still a human-readable part first (RFC 3462), then the report', () => {
  const report = [{ contentType: 'message/delivery-status', content: deliveryStatus, contentDisposition: 'inline', contentTransferEncoding: '7bit', filename: false as const }];
  assert.equal(types(assemble({ ...base, text: '', html: '', report })), ['multipart/report', 'text/plain', 'message/delivery-status']);
});

M('assemble :: a field whose value changes from one mail to the next, and back :: each mail its own line (writeMail keeps the last line per field)', () => {
  const a = { ...base, to: 'Jürgen Müller <j.mueller@client.example>' };
  const b = { ...base, to: 'clerk@bücher.example' };
  for (const p of [a, b, a, a, b]) {
    const mine = assemble(p);
    assert.is(inOrder(mine), inOrder(viaMailComposer(p, mine)));
  }
});

M('textTransferEncoding :: as MimeNode picks it :: 7bit, quoted-printable, base64', () => {
  assert.is(textTransferEncoding('Delivered.\r\n'), '7bit');
  assert.is(textTransferEncoding('x'.repeat(77)), 'quoted-printable');
  assert.is(textTransferEncoding('Grüße'), 'quoted-printable');
  assert.is(textTransferEncoding('Привет'), 'base64');
  assert.is(textTransferEncoding(''), '7bit');
});

M.run();
