import { createServer, type AddressInfo } from 'node:net';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { sendEightBit } from '../../src/notify/relay-8bit.js';

/** The 8-bit relay path when the relay goes before it greets (its other cases: relay-8bit.test.ts). */
const C = suite('notify/relay-8bit :: a relay that closes the connection before its greeting');

C('the send fails with the relay\'s cause, not "already destroyed", and composes nothing (review 8, B-L6)', async () => {
  const relay = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  let composed = false;
  try {
    const mail = { from: 'bounces@sms.localhost', to: 'clerk@acme.test', raw: Buffer.from('Subject: x\r\n\r\nü\r\n'), sevenBit: async () => ((composed = true), Buffer.from('x')) };
    const error = await sendEightBit({ host: '127.0.0.1', port: (relay.address() as AddressInfo).port }, mail as never).then(() => undefined, (e: Error) => e);
    assert.ok(error, 'the send failed');
    assert.is(error!.message, 'Connection closed unexpectedly');
    assert.not.ok(composed, 'no 7-bit form composed for a relay that never answered');
  } finally {
    relay.close();
  }
});

C.run();
