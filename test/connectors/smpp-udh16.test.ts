import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { bearer, call } from '../helpers/api.js';
import { outboxFiles, waitFor } from '../helpers/bridge.js';
import { accounts, HANDSET, withSmsc } from '../helpers/replies.js';
import { mailer, refusal, sendSms } from '../helpers/smtp.js';

/**
 * Review 4b, F6: with smpp.longMessages "udh16" every part carries a 7-octet
 * UDH (16-bit reference) and holds 152 septets or 66 UCS-2 units, not 153 / 67.
 * The bridge counted with 153 / 67, so the confirmation, the 552 limit, the
 * quotas and the portal said fewer parts than the SMSC got (306 × "B" went as
 * 3 PDUs, confirmed as 2; 918 × "C" went as 7 though at most 6 are allowed).
 * Over SMTP into a bridge bound to the SMSC simulator: the PDUs as the SMSC
 * got them, and the parts the clerk is told of.
 */
const U = suite('connectors smpp udh16 through the bridge');

const UDH16 = { longMessages: 'udh16' };
const config = { accounts: accounts({ notify: 'all' }) };

/** [name, text, parts the SMSC gets, units in each part] */
const CASES: Array<[string, string, number, number[]]> = [
  ['306 × "B" (2 parts of 153, but 152 behind a 7-octet UDH)', 'B'.repeat(306), 3, [152, 152, 2]],
  ['134 × "Ж" (2 parts of 67, but 66 behind a 7-octet UDH)', 'Ж'.repeat(134), 3, [66, 66, 2]],
];

for (const [name, text, parts, units] of CASES) {
  U(`udh16 :: ${name} :: ${parts} PDUs with a 16-bit concatenation UDH, and the SMS counted and confirmed as ${parts} parts`, () =>
    withSmsc(config, async (sim, b) => {
      const id = await sendSms(b.port, HANDSET, { subject: 'Erinnerung', text });
      await waitFor('every part at the SMSC', () => sim.received.length === parts);
      const pdus = sim.received;
      // 06 08 04 <ref hi> <ref lo> <total> <seq>: IEI 08, the 16-bit reference, the same in every part.
      assert.equal(pdus.map((p) => [...p.udh.subarray(0, 3), ...p.udh.subarray(5)]), pdus.map((_, i) => [6, 8, 4, parts, i + 1]));
      assert.is(new Set(pdus.map((p) => p.udh.subarray(3, 5).toString('hex'))).size, 1);
      assert.equal(pdus.map((p) => p.esmClass & 0x40), pdus.map(() => 0x40));
      assert.equal(pdus.map((p) => p.text?.length), units);
      assert.is(b.store.get(id)!.segments, parts);
      const accepted = await waitFor('the acceptance confirmation', async () => (await outboxFiles(b)).get([...(await outboxFiles(b)).keys()].find((n) => n.startsWith(`${id}.accepted`)) ?? ''));
      assert.match((await simpleParser(accepted)).text ?? '', new RegExp(`\\b${parts} SMS parts\\b`));
    }, { smpp: UDH16 }));
}

U('udh16 :: 918 × "C" (6 parts of 153, but 7 of 152) with at most 6 segments :: refused with 552 5.3.4 naming 7 segments of 152, nothing sent', () =>
  withSmsc(config, async (sim, b) => {
    const reply = await refusal(mailer(b.port).sendMail({ from: 'clerk@acme.test', to: `${HANDSET}@sms.localhost`, subject: 'Erinnerung', text: 'C'.repeat(918) }));
    assert.match(reply, /^552 5\.3\.4 the text would take 7 SMS segments, at most 6 are allowed \(918 characters, 152 per segment\)/);
    assert.is(sim.received.length, 0);
  }, { smpp: UDH16 }));

U('udh16 :: the REST API :: its preview and its submit count 306 × "B" as 3 segments of 152', () =>
  withSmsc(config, async (sim, b) => {
    await b.users.add('erp', 'acme', 'erp-password-1');
    const auth = await bearer(b, 'erp', 'erp-password-1');
    const body = { to: HANDSET, text: 'B'.repeat(306) };
    const preview = await call(b, 'POST', '/api/v1/messages/preview', { auth, body });
    assert.equal([preview.body.segments, preview.body.perSegment, preview.body.parts.map((p: string) => p.length)], [3, 152, [152, 152, 2]]);
    const sent = await call(b, 'POST', '/api/v1/messages', { auth, body });
    assert.is(sent.status, 201, JSON.stringify(sent.body));
    const id = sent.body.messages[0].id as string;
    assert.is(b.store.get(id)!.segments, 3);
    await waitFor('every part at the SMSC', () => sim.received.length === 3);
    // Too long even behind the shorter header (7 parts of 153): the refusal still counts what would be sent, 8 of 152.
    const long = await call(b, 'POST', '/api/v1/messages', { auth, body: { to: HANDSET, text: 'B'.repeat(1070) } });
    assert.equal([long.status, long.body.title], [422, 'TooManySegments']);
    assert.match(long.body.detail, /^the text would take 8 SMS segments, at most 6 are allowed \(1070 characters, 152 per segment\)/);
  }, { smpp: UDH16 }));

U('udh8 (the default) :: 306 × "B" :: 2 PDUs of 153 with an 8-bit UDH, counted as 2 (the count did not grow for everybody)', () =>
  withSmsc(config, async (sim, b) => {
    const id = await sendSms(b.port, HANDSET, { subject: 'Erinnerung', text: 'B'.repeat(306) });
    await waitFor('both parts at the SMSC', () => sim.received.length === 2);
    assert.equal(sim.received.map((p) => [...p.udh.subarray(0, 3), p.text?.length]), [[5, 0, 3, 153], [5, 0, 3, 153]]);
    assert.is(b.store.get(id)!.segments, 2);
  }));

U.run();
