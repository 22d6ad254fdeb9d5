import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { LONG_GSM, sms, withSmpp } from './harness.js';

const E = suite('smpp connector :: what goes on the wire');

for (const [mode, refBits] of [['udh8', 8], ['udh16', 16]] as const) {
  E(`smpp connector :: 300 GSM characters with € [ ] as ${mode} :: 3 UDH parts the SMSC reassembles to the original`, async () => {
    await withSmpp({ connector: { longMessages: mode } }, async ({ sim, connector }) => {
      const res = await connector.submit(sms(LONG_GSM));
      assert.ok(res.ok);
      if (!res.ok) return;
      assert.is(res.parts, 3);
      assert.is(sim.received.length, 3);
      assert.ok(sim.received.every((r) => r.esmClass === 0x40 && r.dataCoding === 0 && r.concat?.refBits === refBits && r.concat.total === 3));
      assert.equal(sim.received.map((r) => r.concat!.seq), [1, 2, 3]);
      assert.is(sim.messages.length, 1);
      assert.is(sim.messages[0]!.text, LONG_GSM);
      assert.is(res.connectorMessageId, sim.messages[0]!.messageIds.join(' '));
    });
  });
}

E('smpp connector :: 300 GSM characters as message_payload :: one PDU, no UDH, the whole text', async () => {
  await withSmpp({ connector: { longMessages: 'payload' } }, async ({ sim, connector }) => {
    const res = await connector.submit(sms(LONG_GSM));
    assert.equal(res.ok && res.parts, 1);
    const [rec] = sim.received;
    assert.equal([rec!.viaPayload, rec!.esmClass, rec!.udh.length, rec!.text], [true, 0, 0, LONG_GSM]);
  });
});

E('smpp connector :: UCS-2 text with emoji in 3 parts :: data_coding 8, reassembled exactly', async () => {
  const text = 'Ihre Zahlung 💶 ist eingegangen — danke! 🙏 '.repeat(4).trim();
  await withSmpp({}, async ({ sim, connector }) => {
    const res = await connector.submit(sms(text, { encoding: 'UCS2' }));
    assert.ok(res.ok);
    assert.ok(sim.received.length > 1);
    assert.ok(sim.received.every((r) => r.dataCoding === 8));
    assert.is(sim.messages[0]!.text, text);
  });
});

E('smpp connector :: gsmDataCoding 0 vs 3 :: GSM octets as 0, Latin-1 as 3, € under 3 as UCS-2', async () => {
  await withSmpp({}, async ({ sim, connector }) => {
    await connector.submit(sms('Grüße [x] @ {y}'));
    assert.equal([sim.received[0]!.dataCoding, sim.received[0]!.text], [0, 'Grüße [x] @ {y}']);
  });
  await withSmpp({ connector: { gsmDataCoding: 3 } }, async ({ sim, connector }) => {
    await connector.submit(sms('Grüße [x] @ {y}'));
    await connector.submit(sms('Nur 5 €'));
    assert.equal(sim.received.map((r) => [r.dataCoding, r.text]), [[3, 'Grüße [x] @ {y}'], [8, 'Nur 5 €']]);
  });
});

E('smpp connector :: sender kinds :: TON/NPI per kind, destination TON 1 NPI 1 without +', async () => {
  await withSmpp({ connector: { defaultSender: 'ACME' } }, async ({ sim, connector }) => {
    const results = [];
    for (const sender of [undefined, 'Bank', '+4930123456', '12345']) {
      results.push(await connector.submit(sms('Hallo', sender ? { sender } : {})));
    }
    // The result names the default only where it was used: the store keeps it for handsets' replies.
    assert.equal(results.map((r) => r.ok && r.sender), ['ACME', undefined, undefined, undefined]);
    assert.equal(sim.received.map((r) => r.source), [
      { ton: 5, npi: 0, addr: 'ACME' }, { ton: 5, npi: 0, addr: 'Bank' },
      { ton: 1, npi: 1, addr: '4930123456' }, { ton: 3, npi: 0, addr: '12345' },
    ]);
    assert.ok(sim.received.every((r) => r.destination.ton === 1 && r.destination.npi === 1 && r.destination.addr === '4915100000001'));
    assert.ok(sim.received.every((r) => r.registeredDelivery === 1));
  });
});

E('smpp connector :: a sender ID no SMSC takes :: failed at once, nothing sent', async () => {
  await withSmpp({}, async ({ sim, connector }) => {
    const res = await connector.submit(sms('Hallo', { sender: 'ACME Bank Germany' }));
    assert.equal(res, { ok: false, temporary: false, final: 'failed', reason: 'cannot be sent over SMPP: sender ID "ACME Bank Germany" is longer than 11 characters' });
    assert.is(sim.received.length, 0);
  });
});

E('smpp connector :: an SMS valid until 2026-03-03 09:30:15.9 UTC :: validity_period on every part, absolute (default), relative from the submit, or none', async () => {
  const expiresAt = '2026-03-03T09:30:15.900Z';
  const now = () => new Date('2026-03-01T10:00:00Z');
  const cases = [['absolute', '260303093015000+'], ['relative', '000001233015000R'], ['none', '']] as const;
  for (const [validity, wire] of cases) {
    await withSmpp({ connector: { validity }, deps: { now } }, async ({ sim, connector }) => {
      assert.ok((await connector.submit(sms(LONG_GSM, { expiresAt }))).ok);
      assert.ok((await connector.submit(sms('kurz'))).ok);
      assert.equal(sim.received.map((r) => r.validityPeriod), [wire, wire, wire, ''], validity);
    });
  }
});

E('smpp connector :: flash with flashGsmDataCoding 0x10 :: data_coding 0x10 on the wire for GSM-7, 0x18 for UCS-2; 0xF0 by default', async () => {
  await withSmpp({ connector: { flashGsmDataCoding: '0x10' } }, async ({ sim, connector }) => {
    assert.ok((await connector.submit(sms('Ihr Code: 4711', { flash: true }))).ok);
    assert.ok((await connector.submit(sms('Код 4711', { flash: true, encoding: 'UCS2' }))).ok);
    assert.equal(sim.received.map((r) => [r.dataCoding, r.text]), [[0x10, 'Ihr Code: 4711'], [0x18, 'Код 4711']]);
  });
  await withSmpp({}, async ({ sim, connector }) => {
    assert.ok((await connector.submit(sms('Ihr Code: 4711', { flash: true }))).ok);
    assert.equal(sim.received.map((r) => r.dataCoding), [0xf0]);
  });
});

E.run();
