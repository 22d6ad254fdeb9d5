import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { textInHeaderBlock } from '../../src/mail/no-body.js';
import { parseMail } from '../../src/mail/parse.js';
import { draftProblem, draftSms } from '../../src/mail/draft.js';
import { buildConfig } from '../../src/config/load.js';
import { SmtpError } from '../../src/smtp/errors.js';

const N = suite('mail no-body :: text written into the header block (no blank line after the headers)');

const cases: Array<[string, string, boolean]> = [
  ['text alone, no headers at all', 'Just text, no headers at all\r\n', true],
  ['headers, then text without the blank line', 'From: erp@acme.test\r\nSubject: Termin\r\nMorgen 10 Uhr\r\n', true],
  ['text without a line end', 'Just text', true],
  ['bare LF line ends', 'Subject: x\nHallo Welt\n', true],
  ['a normal mail', 'From: erp@acme.test\r\nSubject: Termin\r\n\r\nMorgen 10 Uhr\r\n', false],
  ['headers only (the subject is the text)', 'From: erp@acme.test\r\nSubject: Termin morgen\r\n', false],
  ['a folded header without a body', 'Subject: Termin\r\n morgen 10 Uhr\r\n', false],
  ['an empty body', 'Subject: Termin\r\n\r\n', false],
];
for (const [name, raw, expected] of cases) N(`${name} :: ${expected}`, () => assert.is(textInHeaderBlock(Buffer.from(raw)), expected));

const config = buildConfig({});
/** The refusal's name for the mail, the same by the fast path and mailparser's (asserted), or undefined when it would go. */
async function refusalOf(raw: string): Promise<string | undefined> {
  const names: Array<string | undefined> = [];
  for (const fastPath of [true, false]) {
    const parsed = await parseMail(Buffer.from(raw), { fastPath });
    const draft = draftSms({ parsed, envelopeFrom: 'erp@acme.test', now: new Date('2026-11-30T10:00:00Z'), options: { timeZone: 'Europe/Berlin', maxAheadDays: 30 },
      text: { ...config.text, maxSegments: 6 } });
    names.push((draft instanceof SmtpError ? draft : draftProblem(draft))?.errorName);
  }
  assert.is(names[0], names[1], 'both parse paths agree');
  return names[0];
}

N('regression: "Just text, no headers at all" :: NoBody (the text is in the header part), not NoText (nothing was cut)', async () => {
  assert.is(await refusalOf('Just text, no headers at all\r\n'), 'NoBody');
});
N('headers then text without the blank line :: NoBody, never the subject alone', async () => {
  assert.is(await refusalOf('From: erp@acme.test\r\nSubject: Termin\r\nMorgen 10 Uhr\r\n'), 'NoBody');
});
N('headers only, with a subject :: the subject goes, as before', async () => {
  assert.is(await refusalOf('From: erp@acme.test\r\nSubject: Termin morgen\r\n'), undefined);
});
N('an empty body and no subject :: NoText, as before', async () => {
  assert.is(await refusalOf('From: erp@acme.test\r\n\r\n'), 'NoText');
});

N.run();
