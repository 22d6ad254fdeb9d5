import { suite } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';
import * as assert from 'uvu/assert';
import { buildConfig, ConfigError } from '../../src/config/load.js';
import { makeConnector } from '../../src/connectors/factory.js';
import type { OutboundSms } from '../../src/connectors/types.js';
import { SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { startLoopback } from './http/loopback.js';

/** Connectors built from config entries alone (what an operator writes), talking to a loopback peer. */
const F = suite('connectors from the config');

const gsm: OutboundSms = { id: 'sms-1', to: '+4915112345678', text: 'Hello world & co', encoding: 'GSM7', segments: 1 };
const ctx = { now: () => new Date(), under: (p: string) => p, log: () => {} };

F('kannel preset through the config :: the exact sendsms query, password from the environment', async () => {
  const kannel = await startLoopback();
  kannel.reply = () => ({ status: 202, body: '0: Accepted for delivery' });
  const config = buildConfig({
    connectors: [{
      name: 'kannel', type: 'kannel',
      kannel: {
        baseUrl: kannel.base, username: 'bridge', password: '${KANNEL_PASSWORD}', from: 'ACME', smsc: 'vodafone', dlrMask: 3,
        secret: '${KANNEL_SECRET}', listenPort: 0, reportUrl: 'http://127.0.0.1:8089/dlr/kannel',
      },
    }],
  }, 'test', { KANNEL_PASSWORD: 'p&ss', KANNEL_SECRET: 'kannel-hook-secret-16' });
  const c = makeConnector(config.connectors[0], ctx);
  await c.start();
  try {
    assert.equal(await c.submit(gsm), { ok: true, connectorMessageId: 'sms-1', sender: 'ACME' }, 'no sender of its own: it went with from');
  } finally {
    await c.stop();
    await kannel.close();
  }
  const [req] = kannel.requests;
  assert.is(`${req.method} ${req.url.pathname}`, 'GET /cgi-bin/sendsms');
  assert.is(
    req.url.search,
    '?username=bridge&password=p%26ss&to=%2B4915112345678&text=Hello+world+%26+co&from=ACME&coding=0&charset=UTF-8' +
      '&dlr-mask=3&dlr-url=http%3A%2F%2F127.0.0.1%3A8089%2Fdlr%2Fkannel%3Fsecret%3Dkannel-hook-secret-16%26id%3Dsms-1%26type%3D%25d%26reply%3D%25A' +
      '&smsc=vodafone',
  );
});

F('http through the config :: form POST with query, headers from templates and the environment, id by regex', async () => {
  const peer = await startLoopback();
  peer.reply = () => ({ status: 200, body: 'OK id=ab12cd' });
  const config = buildConfig({
    connectors: [{
      name: 'form-api', type: 'http',
      http: {
        url: `${peer.base}/send`, query: { account: 'acme' }, headers: { Authorization: '${SMS_API_AUTH}', 'X-Ref': '{{id}}' },
        body: { type: 'form', fields: { To: '{{to_digits}}', Body: '{{text}}', From: '{{from}}' } }, from: 'ACME',
        response: { messageIdFrom: { type: 'regex', pattern: 'id=(\\w+)' } },
      },
    }],
  }, 'test', { SMS_API_AUTH: 'Basic YWNtZTpzM2NyZXQ=' });
  const c = makeConnector(config.connectors[0], ctx);
  try {
    assert.equal(await c.submit(gsm), { ok: true, connectorMessageId: 'ab12cd', sender: 'ACME' }, 'no sender of its own: it went with from');
  } finally {
    await peer.close();
  }
  const [req] = peer.requests;
  assert.is(`${req.method} ${req.url.pathname}${req.url.search}`, 'POST /send?account=acme');
  assert.equal([req.headers.authorization, req.headers['x-ref'], req.headers['content-type']], ['Basic YWNtZTpzM2NyZXQ=', 'sms-1', 'application/x-www-form-urlencoded']);
  assert.is(req.body, 'To=4915112345678&Body=Hello+world+%26+co&From=ACME');
});

F('smpp through the config :: binds with the password from the environment, the SMS reaches the SMSC with its receipt', async () => {
  const smsc = new SmscSimulator({ systemId: 'acme', password: 's3cret' });
  const { port } = await smsc.start();
  const config = buildConfig({
    connectors: [{ name: 'smsc', type: 'smpp', smpp: { port, systemId: 'acme', password: '${SMPP_PASSWORD}', defaultSender: 'ACME' } }],
  }, 'test', { SMPP_PASSWORD: 's3cret' });
  const c = makeConnector(config.connectors[0], ctx);
  const reports: string[] = [];
  c.onReport((r) => void reports.push(`${r.connectorMessageId} ${r.status}`));
  await c.start();
  try {
    assert.is(c.health().state, 'bound');
    const res = await c.submit(gsm);
    assert.ok(res.ok, JSON.stringify(res));
    const [sent] = smsc.received;
    assert.equal([sent?.destination.addr, sent?.source.addr, sent?.source.ton, sent?.text], ['4915112345678', 'ACME', 5, 'Hello world & co']);
    await waitFor('the receipt', () => reports.length > 0);
    assert.equal(reports, [`${res.connectorMessageId} delivered`]);
  } finally {
    await c.stop();
    await smsc.stop();
  }
});

F('smpp through the config :: a missing systemId and a CA file without TLS are named with their connector', () => {
  try {
    buildConfig({ connectors: [{ name: 'smsc', type: 'smpp', smpp: { host: 'smsc.example', tlsCaFile: '/etc/ca.pem' } }] }, 'test', {});
    assert.unreachable('should be refused');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.equal((e as ConfigError).problems, [
      'connectors[0].smpp.systemId: required for type smpp (the account name the aggregator gave)',
      'connectors[0].smpp.tlsCaFile: set, but tls is off',
    ]);
  }
});

F.run();
