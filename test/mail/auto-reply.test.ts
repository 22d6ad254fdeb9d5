import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { automaticMail } from '../../src/mail/auto-reply.js';

const A = suite('mail auto-reply');

const CASES: Array<[string, Record<string, string>, string | undefined, string | undefined]> = [
  ['Auto-Submitted: auto-replied (RFC 3834, also our own confirmations)', { 'auto-submitted': 'auto-replied' }, 'x', 'Auto-Submitted: auto-replied'],
  ['Auto-Submitted: auto-generated; with a comment', { 'auto-submitted': 'auto-generated; type=dsn' }, 'x', 'Auto-Submitted: auto-generated; type=dsn'],
  ['Auto-Submitted: no is a person', { 'auto-submitted': 'No' }, 'Rechnung', undefined],
  ['Precedence: bulk', { precedence: 'bulk' }, 'x', 'Precedence: bulk'],
  ['Precedence: auto_reply', { precedence: 'auto_reply' }, 'x', 'Precedence: auto_reply'],
  ['Precedence: urgent is a person', { precedence: 'urgent' }, 'x', undefined],
  ['X-Autoreply header', { 'x-autoreply': 'yes' }, 'x', 'x-autoreply header'],
  ['Outlook "Automatic reply:" subject', {}, 'Automatic reply: Rechnung 4711', 'an out-of-office subject'],
  ['German "Abwesenheitsnotiz:" subject', {}, 'Abwesenheitsnotiz: Ihre Rechnung', 'an out-of-office subject'],
  ['Out of Office subject', {}, 'Out of Office: back on Monday', 'an out-of-office subject'],
  ['an ordinary reminder', {}, 'Zahlungserinnerung: Rechnung 4711', undefined],
  ['a subject that merely mentions the office', {}, 'Bitte im Office abholen', undefined],
];

for (const [name, headers, subject, expected] of CASES) {
  A(`automatic :: ${name} :: ${expected ?? 'written by a person'}`, () => {
    assert.is(automaticMail(new Map(Object.entries(headers)), subject), expected);
  });
}

A.run();
