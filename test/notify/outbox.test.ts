import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { emlFileName, FileOutbox, SmtpRelay } from '../../src/notify/outbox.js';
import { compose } from './mime.js';
import { historyTo, sampleSms } from './sample.js';

const Files = suite<{ dir: string }>('notify/outbox FileOutbox', { dir: '' });

Files.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-outbox-'));
});
Files.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

const msg = (raw: string, messageId = '<M1.1.delivered@sms.localhost>') => ({
  raw: Buffer.from(raw),
  to: 'clerk@client.example',
  from: '',
  messageId,
});

Files('file outbox :: writes <dir>/<messageId>.eml with the raw bytes', async ({ dir }) => {
  const { where } = await new FileOutbox(dir).send(msg('Subject: one\r\n\r\nbody\r\n'));
  assert.is(where, join(dir, 'M1.1.delivered@sms.localhost.eml'));
  assert.is(await readFile(where, 'utf8'), 'Subject: one\r\n\r\nbody\r\n');
});

Files('file outbox :: same Message-ID twice :: one file, holding the latest copy, no temp files left', async ({ dir }) => {
  const outbox = new FileOutbox(dir);
  const first = await outbox.send(msg('first\r\n'));
  const second = await outbox.send(msg('second\r\n'));
  assert.is(second.where, first.where);
  assert.equal(await readdir(dir), ['M1.1.delivered@sms.localhost.eml']);
  assert.is(await readFile(first.where, 'utf8'), 'second\r\n');
});

Files('file outbox :: different Message-IDs :: separate files', async ({ dir }) => {
  const outbox = new FileOutbox(dir);
  await outbox.send(msg('a', '<M1.1.accepted@sms.localhost>'));
  await outbox.send(msg('b', '<M1.1.delivered@sms.localhost>'));
  assert.equal((await readdir(dir)).sort(), ['M1.1.accepted@sms.localhost.eml', 'M1.1.delivered@sms.localhost.eml']);
});

Files('file outbox :: creates a missing outbox directory', async ({ dir }) => {
  const nested = join(dir, 'a', 'b');
  const { where } = await new FileOutbox(nested).send(msg('x'));
  assert.is(dirname(where), nested);
});

Files('file outbox :: hostile Message-ID cannot leave the directory', async ({ dir }) => {
  const { where } = await new FileOutbox(dir).send(msg('x', '<../../etc/passwd@evil>'));
  assert.is(dirname(where), dir);
  assert.is(emlFileName('<../../etc/passwd@evil>'), '__.._etc_passwd@evil.eml');
  assert.is(emlFileName('<..>'), '_.eml');
});

interface Received {
  from: string;
  to: string[];
  data: Buffer;
}
const Relay = suite<{ server: SMTPServer; port: number; received: Received[] }>('notify/outbox SmtpRelay', {
  server: undefined as unknown as SMTPServer,
  port: 0,
  received: [],
});

Relay.before(async (ctx) => {
  ctx.server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('refuse@')) {
        callback(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const envelope = session.envelope;
        ctx.received.push({
          from: envelope.mailFrom ? envelope.mailFrom.address : 'none',
          to: envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => ctx.server.listen(0, '127.0.0.1', resolve));
  ctx.port = (ctx.server.server.address() as AddressInfo).port;
});
Relay.after(async (ctx) => {
  await new Promise<void>((resolve) => ctx.server.close(() => resolve()));
});
Relay.before.each((ctx) => {
  ctx.received = [];
});

Relay('smtp relay :: DSN goes out from the null sender <> to the SMS envelope sender, bytes unchanged', async (ctx) => {
  const sms = sampleSms({ status: 'failed', history: historyTo('failed', { reason: 'Absent subscriber' }), text: 'Привет 🎉', dsn: { notify: ['FAILURE'] } });
  const { out } = await compose(sms);
  const relay = new SmtpRelay({ host: '127.0.0.1', port: ctx.port, ignoreTLS: true, name: 'sms.localhost' });
  try {
    const { where } = await relay.send({ raw: out.raw, to: out.to, from: out.envelopeFrom, messageId: out.messageId });
    assert.match(where, `smtp://127.0.0.1:${ctx.port} 250`);
  } finally {
    await relay.close();
  }
  assert.is(ctx.received.length, 1);
  assert.is(ctx.received[0].from, '');
  assert.equal(ctx.received[0].to, ['clerk@client.example']);
  assert.is(ctx.received[0].data.toString('latin1'), out.raw.toString('latin1'));
});

Relay('smtp relay :: configured bounce address is used as MAIL FROM for plain confirmations', async (ctx) => {
  const { out } = await compose(sampleSms(), 'delivered', { bounceAddress: 'bounces@sms.localhost' });
  const relay = new SmtpRelay({ host: '127.0.0.1', port: ctx.port, ignoreTLS: true });
  try {
    await relay.send({ raw: out.raw, to: out.to, from: out.envelopeFrom, messageId: out.messageId });
  } finally {
    await relay.close();
  }
  assert.is(ctx.received[0].from, 'bounces@sms.localhost');
  assert.is(ctx.received[0].data.toString('latin1'), out.raw.toString('latin1'));
});

Relay('smtp relay :: relay refuses the recipient :: send rejects', async (ctx) => {
  const relay = new SmtpRelay({ host: '127.0.0.1', port: ctx.port, ignoreTLS: true });
  try {
    await relay.send({ raw: Buffer.from('x\r\n'), to: 'refuse@client.example', from: '', messageId: '<x@y>' });
    assert.unreachable('should have failed');
  } catch (err) {
    assert.is((err as { responseCode?: number }).responseCode, 550);
  } finally {
    await relay.close();
  }
  assert.is(ctx.received.length, 0);
});

Files.run();
Relay.run();
