import type { SMTPServerSession } from 'smtp-server';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { Accounts } from '../../src/accounts/registry.js';
import { buildConfig } from '../../src/config/load.js';
import { onMailFrom } from '../../src/smtp/on-mail-from.js';
import { startTestBridge, stopTestBridge, type TestBridge } from '../helpers/bridge.js';
import { chat, dataLines } from '../helpers/smtp.js';

/**
 * "With the default config, an unauthenticated connection from a non-trusted
 * address cannot send anything." On this machine every address is loopback,
 * which the default trusts; so the rule is shown twice: the default config's
 * own MAIL FROM handler against addresses from elsewhere, and over real
 * sockets with loopback closed down to 127.0.0.1 as the README describes.
 */
const T = suite('smtp trusted networks', {} as { b: TestBridge });
T.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: [{ name: 'default', description: 'this host only', networks: ['127.0.0.1/32'], addresses: [] }] as never });
});
T.after(async ({ b }) => stopTestBridge(b));

function mailFromWithDefaults(remoteAddress: string): Promise<Error | null | undefined> {
  const config = buildConfig({}, 'defaults');
  const accounts = new Accounts({ accounts: config.accounts, inherit: { timeZone: 'UTC', defaultCountry: 'DE', notify: 'final', maxSegments: 6 } });
  const handler = onMailFrom({ accounts, users: { get: () => undefined }, policy: { mailFrom: () => undefined }, log: () => undefined });
  const session = { id: 'x', remoteAddress, envelope: { mailFrom: false, rcptTo: [] } } as unknown as SMTPServerSession;
  return new Promise((resolve) => handler({ address: 'erp@acme.test', args: false }, session, (err) => resolve(err)));
}

T('default config :: only loopback is trusted; any other address gets 530 5.7.0 at MAIL FROM', async () => {
  for (const ip of ['203.0.113.7', '10.0.0.1', '192.168.1.20', '::ffff:198.51.100.1', '2001:db8::1', 'fe80::1']) {
    const err = await mailFromWithDefaults(ip);
    assert.match(String(err?.message), /^5\.7\.0 authentication required/, ip);
    assert.is((err as { responseCode?: number }).responseCode, 530, ip);
  }
  for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) assert.is(await mailFromWithDefaults(ip), undefined, ip);
});

T('closed loopback :: a pipelined transaction from another address gets nothing through, nothing is stored or sent', async ({ b }) => {
  const lines = ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<+4915112345620@sms.localhost>', 'DATA',
    'MAIL FROM:<>', 'RCPT TO:<+4915112345620@sms.localhost>', 'DATA', 'RSET', 'QUIT'];
  const r = await chat(b.port, lines, { localAddress: '127.0.0.9' });
  assert.equal(r.map((x) => x.code), [250, 530, 503, 503, 530, 503, 503, 250, 221]);
  assert.is(b.events.filter((e) => e.evt === 'sms-accepted').length, 0);
  assert.equal(b.sim.sent, []);
  const inside = await chat(b.port, [...lines.slice(0, 4), ...dataLines('From: erp@acme.test\r\n\r\nVon innen.')], { localAddress: '127.0.0.1' });
  assert.match(inside.at(-1)!.text, /^250 2\.0\.0 queued as/, 'the trusted address still can');
});

T.run();
