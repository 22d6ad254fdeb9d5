import { rm } from 'node:fs/promises';
import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { bearer, call } from '../../helpers/api.js';
import { startTestBridge, waitFor } from '../../helpers/bridge.js';
import { logLines } from '../../helpers/log.js';
import { Receiver } from './receiver.js';

/** What the operator's log says while a receiver of status callbacks is down: the outage, not every attempt. */
const O = suite('status callback outages in the log');

O('a receiver answering 503 three times: one warn when it starts failing, the attempts at debug only, one info when it works again with the count', async () => {
  const erp = await new Receiver().start();
  const { lines, log } = logLines('info');
  const b = await startTestBridge({
    accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: [], statusCallbacks: { allow: [`${erp.url}/hooks/`], secret: 'erp-callback-secret-0123456789' } }] as never,
    statusCallbacks: { retrySeconds: [1] },
  }, undefined, { log });
  try {
    await b.users.add('lead', 'acme', 'lead-password-1');
    erp.answers = [{ status: 503 }, { status: 503 }, { status: 500 }];
    // One push (the final status), so its attempts come one after the other.
    const r = await call(b, 'POST', '/api/v1/messages', {
      auth: await bearer(b, 'lead', 'lead-password-1'), body: { to: '+4915112345678', text: 'x', statusCallback: `${erp.url}/hooks/sms?token=abc`, statusCallbackLevel: 'final' },
    });
    assert.is(r.status, 201, JSON.stringify(r.body));
    await waitFor('the recovery logged', () => lines.some((l) => l.evt === 'callback-endpoint-recovered'));
    assert.is(erp.got.length, 4);
    assert.is(b.events.filter((e) => e.evt === 'callback-retry').length, 3, 'each attempt is still an event (and counted in the metrics)');
    assert.equal(lines.filter((l) => l.evt === 'callback-retry'), [], 'no attempt at info');
    const failing = lines.filter((l) => l.evt === 'callback-endpoint-failing');
    assert.is(failing.length, 1);
    assert.equal([failing[0].level, failing[0].account, failing[0].url, failing[0].error], [40, 'acme', `${erp.url}/hooks/sms?…`, 'HTTP 503 Service Unavailable']);
    const [recovered] = lines.filter((l) => l.evt === 'callback-endpoint-recovered');
    assert.equal([recovered.level, recovered.account, recovered.url, recovered.failedAttempts, recovered.lastError], [30, 'acme', `${erp.url}/hooks/sms?…`, 3, 'HTTP 500 Internal Server Error']);
    assert.ok(recovered.ms >= 0 && Date.parse(recovered.since) > 0, JSON.stringify(recovered));
    assert.not.match(JSON.stringify(lines), /token=abc/, 'the query stays out of the log');

    const debug = logLines('debug');
    debug.log('callback-retry', { msgId: 'X.1' });
    assert.is(debug.lines[0]?.level, 20, 'at debug, a callback-retry line is written');
  } finally {
    await b.stop();
    await erp.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

O.run();
