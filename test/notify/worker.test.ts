import { rm } from 'node:fs/promises';
import { SMTPServer } from 'smtp-server';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { startTestBridge, waitFor } from '../helpers/bridge.js';
import { freePort } from '../helpers/process.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

const W = suite('notify worker');

/** A relay that is down when the confirmation is due, and comes up later: the confirmation waits, is retried, and arrives once. */
W('relay down :: the confirmation is kept, retried, and delivered once the relay is back', async () => {
  const relayPort = await freePort();
  const b = await startTestBridge({ notify: { transport: 'smtp', relay: { host: '127.0.0.1', port: relayPort }, retrySeconds: [1] } });
  const received: Array<{ from: string; to: string[]; data: string }> = [];
  const relay = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString()));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data });
        cb();
      });
    },
  });
  try {
    const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345651@sms.localhost', subject: 'x', text: 'Relais-Test.' });
    const id = queuedAs(info.response);
    await waitFor('a failed attempt', () => b.events.some((e) => e.evt === 'confirmation-retry' && e.msgId === `${id}.1`));
    assert.equal(b.store.confirmationsDue(new Date(Date.now() + 60_000), 10).map(([m, c]) => [m.id, c.stage]), [[`${id}.1`, 'delivered']], 'still owed');

    await new Promise<void>((r) => relay.listen(relayPort, '127.0.0.1', r));
    await waitFor('confirmation at the relay', () => received.length > 0);
    // The worker sends only what the store owes: once nothing is owed (a retry would be within the minute), no second copy can come.
    await waitFor('nothing owed any more', () => b.store.confirmationsDue(new Date(Date.now() + 60_000), 10).length === 0);
    assert.is(received.length, 1);
    assert.equal(received[0].to, ['clerk@acme.test']);
    assert.is(received[0].from, '', 'automatic mail goes out with the null sender');
    assert.match(received[0].data, new RegExp(`Message-ID: <${id}\\.1\\.delivered@`));
  } finally {
    await b.stop();
    await new Promise<void>((r) => relay.close(() => r()));
    await rm(b.dir, { recursive: true, force: true });
  }
});

/** The same across a restart: what is owed lives in the store, not in the worker's memory. */
W('relay down across a restart :: the owed confirmation survives it and is delivered once when the relay is back', async () => {
  const relayPort = await freePort();
  const overrides = { notify: { transport: 'smtp' as const, relay: { host: '127.0.0.1', port: relayPort }, retrySeconds: [1] } };
  const first = await startTestBridge(overrides);
  const received: string[] = [];
  const relay = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString()));
      stream.on('end', () => { received.push(data); cb(); });
    },
  });
  let second: Awaited<ReturnType<typeof startTestBridge>> | undefined;
  try {
    const info = await mailer(first.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345652@sms.localhost', subject: 'x', text: 'Neustart-Test.' });
    const id = queuedAs(info.response);
    await waitFor('a failed attempt', () => first.events.some((e) => e.evt === 'confirmation-retry' && e.msgId === `${id}.1`));
    await first.stop();
    second = await startTestBridge(overrides, first.dir);
    await new Promise<void>((r) => relay.listen(relayPort, '127.0.0.1', r));
    await waitFor('confirmation at the relay', () => received.length > 0);
    await waitFor('nothing owed any more', () => second!.store.confirmationsDue(new Date(Date.now() + 60_000), 10).length === 0);
    assert.is(received.length, 1);
    assert.match(received[0], new RegExp(`Message-ID: <${id}\\.1\\.delivered@`));
  } finally {
    await second?.stop();
    await new Promise<void>((r) => relay.close(() => r()));
    await rm(first.dir, { recursive: true, force: true });
  }
});

/**
 * Every store change wakes the notifier. With 64 confirmations under way, each wake-up picked them again (they are
 * still owed, and first in the store's order: correction wait, gathering, a job each) only to have the work loop
 * skip them: ~0.4 ms a wake-up, about one wake-up per journal batch.
 */
W('under way :: a wake-up does not pick the confirmations being sent again, only the ones waiting', async () => {
  const relayPort = await freePort();
  const held: Array<() => void> = [];
  const relay = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, cb) {
      stream.resume();
      stream.on('end', () => held.push(() => cb()));
    },
  });
  await new Promise<void>((r) => relay.listen(relayPort, '127.0.0.1', r));
  const b = await startTestBridge({ notify: { transport: 'smtp', relay: { host: '127.0.0.1', port: relayPort } } });
  try {
    const send = async (i: number) => `${queuedAs((await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: `+491511234570${i}@sms.localhost`, subject: 'x', text: `Unterwegs ${i}.` })).response)}.1`;
    const underWay: string[] = [];
    for (let i = 0; i < 3; i++) underWay.push(await send(i));
    await waitFor('three confirmations held at the relay', () => held.length === 3);
    const store = b.store;
    const real = store.confirmationsDue.bind(store);
    const picked: string[] = [];
    store.confirmationsDue = (now, limit, channel, pick) => real(now, limit, channel, pick && ((m, c) => {
      const yes = pick(m, c);
      if (yes) picked.push(m.id);
      return yes;
    }));
    const next = await send(3);
    await waitFor('the fourth held at the relay', () => held.length === 4);
    assert.ok(picked.includes(next), 'the waiting one was picked');
    assert.equal(picked.filter((id) => underWay.includes(id)), [], 'none under way was picked again');
  } finally {
    for (const release of held) release();
    await b.stop();
    await new Promise<void>((r) => relay.close(() => r()));
    await rm(b.dir, { recursive: true, force: true });
  }
});

W.run();
