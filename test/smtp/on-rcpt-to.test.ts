import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withBridge } from '../helpers/bridge.js';
import { chat } from '../helpers/smtp.js';

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
    }));
}

R.run();
