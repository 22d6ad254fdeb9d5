import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { waitFor, withBridge } from '../helpers/bridge.js';
import { chat, dataLines } from '../helpers/smtp.js';

/**
 * rcpt-refused names the recipient as the client wrote it in RCPT TO, so an
 * operator can find what the ERP sent, and the number as the bridge read it
 * when it could read one. Regression: the line carried the address after
 * smtp-server and quoted-number.ts had rewritten it (spaces gone), and no
 * number at all.
 */
const R = suite('rcpt-refused log line');

/** [name, what the client writes between < >, to, number] */
const CASES: Array<[string, string, string, string | undefined]> = [
  ['a quoted number with spaces that is too short :: written as sent, no number',
    '"0151 12"@sms.localhost', '"0151 12"@sms.localhost', undefined],
  ['a premium-rate number written nationally with spaces :: written as sent and the number read',
    '"0900 1234567"@sms.localhost', '"0900 1234567"@sms.localhost', '+499001234567'],
  ['a premium-rate number in international form :: both',
    '00499001234567@sms.localhost', '00499001234567@sms.localhost', '+499001234567'],
  ['another domain :: written as sent, no number', 'Boss@Acme.test', 'Boss@Acme.test', undefined],
  ['a prefix in brackets, too short :: written as sent, brackets and all', '(0151)123@sms.localhost', '(0151)123@sms.localhost', undefined],
];

for (const [name, written, to, number] of CASES) {
  R(`rcpt-refused :: ${name}`, () =>
    withBridge({}, async (b) => {
      const r = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', `RCPT TO:<${written}>`]);
      assert.ok(r[2].code >= 500, r[2].text);
      const line = b.events.find((e) => e.evt === 'rcpt-refused');
      assert.ok(line, 'rcpt-refused logged');
      assert.is(line!.to, to);
      assert.is(line!.number, number);
      assert.is(`${line!.code} ${line!.enhanced} ${line!.reason}`, r[2].text, 'the sentence the client got, for the operator');
    }));
}

/**
 * Review 4b F8: "(0151)12345605@…" was answered about "12345605" and the United
 * States. smtp-server passes the brackets on, and the number is read whole;
 * it is the client (Python's smtplib, nodemailer) that drops "(0151)" as an
 * RFC 5322 comment and sends RCPT TO:<12345605@…>. That gets both readings
 * and what may have happened. [name, between < >, reply]
 */
const BRACKETS: Array<[string, string, string]> = [
  ['the prefix in brackets, as the clerk wrote it :: read whole, accepted', '(0151)12345605@sms.localhost', '250 2.1.5 Accepted'],
  ['the same after a mail program dropped "(0151)" :: both readings, and that a part in brackets may have been left out', '12345605@sms.localhost',
    '553 5.1.3 "12345605" is not a valid mobile number: read as international, too short for country code +1 (United States); read as national, '
    + 'not in any number range in use for country code +49 (Germany); if part of it was written in brackets, such as (0151), the mail program may have left that part out: write the number without brackets'],
  ['a national number too short :: no word of brackets', '0151123@sms.localhost', '553 5.1.3 "0151123" is not a valid mobile number: not in any number range in use for country code +49 (Germany)'],
];
const B = suite('rcpt a number with brackets');
for (const [name, address, reply] of BRACKETS) {
  B(`rcpt :: ${name}`, () =>
    withBridge({}, async (b) => {
      const r = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', `RCPT TO:<${address}>`]);
      assert.is(r[2].text, reply);
    }));
}

B('rcpt :: a prefix in brackets, as the clerk wrote it :: the SMS goes to the whole number', () =>
  withBridge({}, async (b) => {
    const r = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<(0151)12345605@sms.localhost>', 'DATA',
      ...dataLines('From: erp@acme.test\r\nSubject: x\r\nMessage-ID: <brackets@acme.test>\r\n\r\nMit Vorwahl.')]);
    assert.match(r.at(-1)!.text, /^250 2\.0\.0 queued as /);
    assert.is((await waitFor('the SMS', () => b.sim.sent.find((s) => s.text === 'Mit Vorwahl.'))).to, '+4915112345605');
  }));

R.run();
B.run();
