import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { composeReplyMail, replyBody, replySubject } from '../../src/notify/reply-mail.js';
import type { InboundReply } from '../../src/store/types.js';

/** The mail forwarding a handset's reply, as a clerk reads it, written out whole in both languages. */
const M = suite('notify :: the mail forwarding a handset\'s reply');

const reply = (over: Partial<InboundReply> = {}): InboundReply => ({
  id: 'MR1.r', answers: 'M1a2b3c.1', account: 'acme', from: '+4915112345678', to: '4930901820', text: 'Habe gestern bezahlt.\r\nGruß Max', chars: 30,
  receivedAt: '2026-11-23T14:06:42.000Z', connector: 'smsc',
  original: {
    text: 'Bitte begleichen Sie die Rechnung INV-4711 bis Freitag.', sender: '+4930901820', to: '+4915112345678', sentAt: '2026-11-23T09:05:11.000Z', reference: 'INV-4711',
    mail: { envelopeFrom: 'clerk@acme.test', messageId: '<r1@acme.test>', references: ['<r0@acme.test>'], subject: 'Zahlungserinnerung' },
  },
  forward: { attempts: 0, notBefore: '2026-11-23T14:06:42.000Z' },
  ...over,
});

M('english :: the whole body', () => {
  assert.is(replyBody(reply(), 'Europe/Berlin', 'en'), [
    '+4915112345678 replied to your SMS at 2026-11-23 15:06:42 UTC+01:00:',
    '',
    'Habe gestern bezahlt.\r\nGruß Max',
    '',
    'From:            +4915112345678',
    'Received:        2026-11-23 15:06:42 UTC+01:00',
    'Sent to:         +4930901820',
    'Your reference:  INV-4711',
    'Our reference:   M1a2b3c.1',
    'Your mail:       Zahlungserinnerung',
    '',
    'It answers your SMS of 2026-11-23 10:05:11 UTC+01:00 to +4915112345678:',
    '> Bitte begleichen Sie die Rechnung INV-4711 bis Freitag.',
    '',
    'Reply to this mail to answer by SMS: your text above the quoted mail goes to +4915112345678, from +4930901820.',
    '',
  ].join('\n'));
});

M('german :: times, words and the STOP note', () => {
  const body = replyBody(reply({ text: 'STOP', keyword: 'STOP' }), 'Europe/Berlin', 'de');
  assert.match(body, /^\+4915112345678 hat am 23\.11\.2026 15:06:42 MEZ auf Ihre SMS geantwortet:\n\nSTOP\n\nDie Antwort ist ein STOP: \+4915112345678 erhält keine SMS mehr von \+4930901820\.\n/);
  assert.match(body, /Die Antwort bezieht sich auf Ihre SMS vom 23\.11\.2026 10:05:11 MEZ an \+4915112345678:/);
});

M('subject :: the number and the reply\'s start on one line, cut at 40 characters, with the sender tag', () => {
  assert.is(replySubject(reply(), 'en'), 'SMS reply from +4915112345678: "Habe gestern bezahlt. Gruß Max" [SRC:+4930901820]');
  assert.is(replySubject(reply({ text: 'x'.repeat(60) }), 'de'), `SMS-Antwort von +4915112345678: „${'x'.repeat(39)}…“ [SRC:+4930901820]`);
  // A direction override in the reply would turn the subject around; the body keeps the text as it came.
  assert.is(replySubject(reply({ text: 'ok \u202eevil' }), 'en'), 'SMS reply from +4915112345678: "ok evil" [SRC:+4930901820]');
  // The SMS named no sender and went with the connector's default: the answer asks for none either, and goes the same way.
  const viaDefault = reply({ original: { ...reply().original, connectorDefault: true } });
  assert.is(replySubject(viaDefault, 'en'), 'SMS reply from +4915112345678: "Habe gestern bezahlt. Gruß Max"');
  assert.ok(replyBody(reply({ text: 'ok \u202eevil' }), 'UTC', 'en').includes('\n\nok \u202eevil\n\n'));
});

M('headers :: threaded to the clerk\'s mail, Reply-To the handset\'s SMS address, automatic, from the null sender', async () => {
  const mail = composeReplyMail({ reply: reply(), from: 'mail2sms <noreply@sms.localhost>', reportingMta: 'gw.test', smsDomain: 'sms.localhost', now: new Date('2026-11-23T14:06:43Z') });
  assert.equal([mail.messageId, mail.to, mail.envelopeFrom], ['<MR1.r.reply@gw.test>', 'clerk@acme.test', '']);
  const parsed = await simpleParser(mail.raw);
  assert.is(parsed.inReplyTo, '<r1@acme.test>');
  assert.equal(parsed.references, ['<r0@acme.test>', '<r1@acme.test>']);
  assert.is(parsed.replyTo?.text, '+4915112345678@sms.localhost');
  assert.is(parsed.headers.get('auto-submitted'), 'auto-generated');
});

M.run();
