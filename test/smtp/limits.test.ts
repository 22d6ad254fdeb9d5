import { connect } from 'node:net';
import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { startTestBridge, stopTestBridge, waitFor, withBridge } from '../helpers/bridge.js';
import { chat, dataLines, pipelining, queuedAs } from '../helpers/smtp.js';
import { TimeoutsOnCue } from '../helpers/timers.js';

/** Limits per connection and per account, over real sockets. */
const L = suite('smtp limits');

const envelope = (...to: string[]) => ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', ...to.map((t) => `RCPT TO:<${t}@sms.localhost>`)];
const send = (to: string[], body = 'Kurz.') => [...envelope(...to), 'DATA', ...dataLines(`From: erp@acme.test\r\nSubject: x\r\n\r\n${body}`)];
const numbers = (from: number, n: number) => Array.from({ length: n }, (_, i) => `+49151123${String(from + i).padStart(5, '0')}`);

/** Opens a raw connection and resolves with the greeting line. */
function greeting(port: number, localAddress: string): Promise<{ line: string; close: () => void }> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', localAddress });
    s.setEncoding('utf8');
    s.once('data', (d: string) => resolve({ line: d.split('\r\n')[0], close: () => s.destroy() }));
    s.once('error', reject);
  });
}

L('connections per IP :: the one over smtp.maxConnectionsPerIp gets 421 4.7.0; other IPs and later connections are served', () =>
  withBridge({ smtp: { maxConnectionsPerIp: 2 } }, async (b) => {
    const open = [await greeting(b.port, '127.0.0.21'), await greeting(b.port, '127.0.0.21')];
    const third = await greeting(b.port, '127.0.0.21');
    assert.is(third.line, '421 4.7.0 too many connections from 127.0.0.21 (at most 2); please try again later');
    assert.match((await greeting(b.port, '127.0.0.22')).line, /^220 /);
    for (const c of [...open, third]) c.close();
    await waitFor('the connections to be counted out', async () => /^220 /.test((await greeting(b.port, '127.0.0.21')).line));
  }));

L('bad commands :: after smtp.maxBadCommands refused commands the session ends with 421 4.7.0; an accepted mail starts the count afresh', () =>
  withBridge({ smtp: { maxBadCommands: 3 } }, async (b) => {
    const r = await chat(b.port, [
      ...envelope('+49123', 'nobody'), 'RSET', ...send(['+4915112345631']).slice(1),
      'MAIL FROM:<erp@acme.test>', 'RCPT TO:<+49124@sms.localhost>', 'RCPT TO:<+49125@sms.localhost>', 'NOOP', 'RCPT TO:<+49126@sms.localhost>', 'NOOP',
    ]);
    assert.equal(r.slice(0, 4).map((x) => x.code), [250, 250, 553, 553], 'two refusals');
    assert.match(r[r.length - 7].text, /^250 2\.0\.0 queued as/, 'then an accepted mail');
    assert.equal(r.slice(-6, -1).map((x) => x.code), [250, 553, 553, 250, 553], 'two more refusals do not close: the count started afresh');
    assert.is(r.at(-1)!.text, '421 4.7.0 3 refused commands in this session, closing the connection');
    const closing = b.events.filter((e) => e.evt === 'smtp-too-many-errors');
    assert.equal(closing.map(({ ip, count, max }) => ({ ip, count, max })), [{ ip: '127.0.0.1', count: 3, max: 3 }], 'the operator sees why the client was cut off');
    assert.type(closing[0].cid, 'string');
  }));

L('bad commands :: a pipelining client held back by the rate limit (451 at RCPT, so 503 at its DATA) is not cut off', async () => {
  // A clock that stands still: the bucket does not refill while the test runs, however slow the machine.
  const b = await startTestBridge({ smtp: { maxBadCommands: 3 }, limits: { messagesPerMinute: 1, perNumberPerHour: 0 } }, undefined, { now: () => new Date('2026-03-02T10:00:00Z') });
  try {
    assert.is((await chat(b.port, send(['+4915112300000']))).at(-1)!.code, 250, 'the one SMS of this minute');
    const transaction = (to: string) => ['MAIL FROM:<erp@acme.test>', `RCPT TO:<${to}@sms.localhost>`, 'DATA'];
    const { replies, closed } = await pipelining(b.port, [['EHLO erp.test'], ...numbers(1, 6).flatMap((to) => [transaction(to), ['RSET']]), ['NOOP']]);
    const codes = replies.slice(1).map((r) => r.code);
    assert.equal(codes, [...Array(6).fill([250, 451, 503, 250]).flat(), 250], replies.map((r) => r.text).join(' | '));
    assert.match(replies[2].text, /^451 4\.7\.1 /);
    assert.not.ok(closed, 'the session stays open');
    assert.not.ok(b.events.some((e) => e.evt === 'smtp-too-many-errors'));
  } finally {
    await stopTestBridge(b);
  }
});

L('idle timeout :: a client that says nothing is closed with 421 after smtp.socketTimeoutSeconds', () =>
  withBridge({ smtp: { socketTimeoutSeconds: 1 } }, async (b) => {
    const got = await new Promise<string>((resolve) => {
      const s = connect({ port: b.port, host: '127.0.0.1' });
      let text = '';
      s.on('data', (d: Buffer) => (text += d.toString()));
      s.on('close', () => resolve(text));
    });
    assert.match(got, /\r\n421 4\.4\.2 .*Timeout - closing connection\r\n$/);
  }));

// The deadline runs out when the test says (its timer of smtp.sessionTimeoutSeconds, injected), once the drip has
// kept the session busy through a command: on a loaded machine a short real deadline could come before it.
const SESSION_S = 600;

L('slow drip :: a client trickling one byte at a time is cut at smtp.sessionTimeoutSeconds with 421 4.4.2', () => {
  const deadline = new TimeoutsOnCue(SESSION_S * 1000);
  return withBridge({ smtp: { sessionTimeoutSeconds: SESSION_S } }, async (b) => {
    let text = '';
    const s = connect({ port: b.port, host: '127.0.0.1' });
    const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
    s.on('data', (d: Buffer) => (text += d.toString()));
    const line = 'EHLO slow.client.test\r\nMAIL FROM:<erp@acme.test>\r\n';
    let i = 0;
    const drip = setInterval(() => {
      if (i < line.length) s.write(line[i++]);
    }, 100);
    try {
      await waitFor('the EHLO dripped in and answered', () => /\r\n250[ -]/.test(text));
      assert.is(deadline.expire(), 1, 'one session deadline, of smtp.sessionTimeoutSeconds');
      await closed;
    } finally {
      clearInterval(drip);
      s.destroy();
    }
    assert.match(text, /\r\n421 4\.4\.2 session time limit of 600 s reached, closing the connection\r\n$/);
    assert.ok(b.events.some((e) => e.evt === 'session-timeout'));
  }, { sessionTimers: deadline });
});

L('rate :: a burst over limits.messagesPerMinute gets 451 4.7.1 at RCPT, and the retry goes through', () =>
  withBridge({ limits: { messagesPerMinute: 30, perNumberPerHour: 0 } }, async (b) => {
    const burst = await chat(b.port, send(numbers(1, 30)));
    assert.match(burst.at(-1)!.text, /^250 2\.0\.0 queued as \S+ \(30 SMS\)/);
    const over = await chat(b.port, envelope('+4915112399999'));
    assert.is(over.at(-1)!.text, '451 4.7.1 the SMS account "default" may hand in 30 SMS per minute; please try again in a moment');
    // A mail server retries a 451 later: the bucket refills one SMS every two seconds.
    const retried = await waitFor('the retry to be accepted', async () => {
      const r = await chat(b.port, send(['+4915112399999']));
      return r.at(-1)!.code === 250 ? r : undefined;
    }, 10_000);
    assert.match(retried.at(-1)!.text, /queued as/);
  }));

L('per number :: limits.perNumberPerHour SMS to one number, then 451 4.7.1 for it; other numbers go on', () =>
  withBridge({ limits: { perNumberPerHour: 2 } }, async (b) => {
    for (let i = 0; i < 2; i++) assert.is((await chat(b.port, send(['+4915112345641']))).at(-1)!.code, 250);
    const third = await chat(b.port, envelope('+4915112345641', '+4915112345642'));
    assert.is(third[2].text, '451 4.7.1 +4915112345641 already got 2 SMS from this account within the last hour; try again later');
    assert.is(third[3].code, 250);
  }));

L('quota :: segments over limits.segmentsPerDay get 552 5.2.2 at DATA, and at RCPT once used up; the count survives a restart', async () => {
  const quota = { limits: { segmentsPerDay: 3, perNumberPerHour: 0 } };
  const b = await startTestBridge(quota);
  let again;
  try {
    assert.is((await chat(b.port, send(['+4915112345651'], 'x'.repeat(200)))).at(-1)!.code, 250, '2 segments');
    const over = await chat(b.port, send(['+4915112345652'], 'y'.repeat(200)));
    assert.is(over.at(-1)!.text, '552 5.2.2 the SMS account "default" has used 2 of its 3 SMS segments today; this mail would go over the quota');
    assert.is((await chat(b.port, send(['+4915112345653']))).at(-1)!.code, 250, 'one segment still fits');
    await b.stop();
    again = await startTestBridge(quota, b.dir);
    const r = await chat(again.port, envelope('+4915112345654'));
    assert.is(r.at(-1)!.text, '552 5.2.2 the SMS account "default" has used 3 of its 3 SMS segments today; this mail would go over the quota');
  } finally {
    await again?.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

L('quota :: a scheduled SMS cancelled before its time gives its segments back to the day\'s quota', async () => {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  await withBridge({ limits: { segmentsPerDay: 3, perNumberPerHour: 0 } }, async (b) => {
    const first = await chat(b.port, [...envelope('+4915112345661'), 'DATA', ...dataLines(`From: erp@acme.test\r\nSubject: x\r\nX-SMS-Send-At: ${tomorrow}\r\n\r\n${'x'.repeat(200)}`)]);
    assert.is(first.at(-1)!.code, 250, '2 segments, for tomorrow');
    assert.is((await chat(b.port, send(['+4915112345662'], 'y'.repeat(200)))).at(-1)!.code, 552, 'would go over');
    const id = queuedAs(first.at(-1)!.text);
    assert.ok((await b.cancel(`${id}.1`, { who: 'test' })).ok);
    assert.is((await chat(b.port, send(['+4915112345662'], 'y'.repeat(200)))).at(-1)!.code, 250, 'fits again');
  });
});

L.run();
