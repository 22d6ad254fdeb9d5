import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import type { Config } from '../../src/config/types.js';
import { StoreInUse } from '../../src/store/lock.js';
import { startTestBridge, waitFor, type DeepPartial } from '../helpers/bridge.js';
import { assertNothingLeft, resources } from '../helpers/leftovers.js';
import { testCertificate } from '../helpers/tls.js';
import { mailer, queuedAs } from '../helpers/smtp.js';
import { suite } from '../helpers/suite.js';

/**
 * A start that fails, at whichever phase, says why as it did and leaves
 * nothing open: no lock file, no file of the store held open, no server,
 * socket or timer keeping the process alive; the same store starts again
 * at once (a lock left behind naming this very process would refuse it, as
 * it refuses a second bridge in the same process). A failed settings file,
 * certificate or reply key had left the lock, the journal and, past the
 * connectors, the dispatcher's timer behind.
 */
const F = suite('failed start');

interface Case {
  /** Makes the store or the machine such that the start fails; returns the config's overrides. */
  prepare(dir: string, taken: number): Promise<DeepPartial<Config>>;
  error: (taken: number) => RegExp;
  /** The file `prepare` damaged, removed before the start that must work. */
  damaged?: string;
}

const CASES: Record<string, Case> = {
  'durable state :: a restore marker that cannot be read': {
    prepare: async (dir) => (await writeFile(join(dir, 'restore-hold.json'), 'half a marker'), {}),
    error: () => /restore-hold\.json cannot be read \(.*\); it marks a store restored from a backup/,
    damaged: 'restore-hold.json',
  },
  'durable state :: an account-settings file that cannot be read': {
    prepare: async (dir) => (await writeFile(join(dir, 'settings.json'), '{"accounts": {'), {}),
    error: () => /^settings file \S+settings\.json cannot be read \(.*\); it was left untouched — fix it or move it away$/,
    damaged: 'settings.json',
  },
  'services :: a TLS certificate file that holds no certificate': {
    prepare: async (dir) => {
      await writeFile(join(dir, 'not-a-cert.pem'), 'not a certificate\n');
      return { smtp: { tls: { cert: join(dir, 'not-a-cert.pem'), key: (await testCertificate()).keyFile } } };
    },
    error: () => /^the certificate \S+not-a-cert\.pem cannot be read \(.*no start line\): it must be a PEM certificate \(-----BEGIN CERTIFICATE-----\)$/,
  },
  'services :: a TLS key file that holds no key': {
    prepare: async (dir) => {
      await writeFile(join(dir, 'not-a-key.pem'), 'not a key\n');
      return { smtp: { tls: { cert: (await testCertificate()).certFile, key: join(dir, 'not-a-key.pem') } } };
    },
    error: () => /^the key of the certificate \S+cert\.pem cannot be read \(.*\): it must be an unencrypted PEM private key$/,
  },
  'services :: a fraud-brake windows file that cannot be read (a directory)': {
    prepare: async (dir) => (await mkdir(join(dir, 'brake-windows.json')), {}),
    error: () => /^the fraud brake's counts \S+brake-windows\.json cannot be read \(EISDIR.*\): move it away; the counts then start afresh$/,
    damaged: 'brake-windows.json',
  },
  'services :: a connector that cannot start (its report port taken)': {
    prepare: async (_dir, taken) => ({
      connectors: [{ name: 'agg', type: 'http', http: { url: 'http://127.0.0.1:9/sms', webhook: { enabled: true, listen: { port: taken }, secret: 'a-secret-of-16-chars' } } }],
    }),
    error: () => /connector "agg" \(http\) cannot start: listen EADDRINUSE/,
  },
  'services :: a damaged reply key': {
    prepare: async (dir) => (await writeFile(join(dir, 'reply-key'), 'abcd\n'), {}),
    error: () => /^reply key file \S+reply-key is damaged \(expected at least 32 hex digits\)/,
    damaged: 'reply-key',
  },
  'listen :: the SMTP port taken': {
    prepare: async (_dir, taken) => ({ smtp: { port: taken } }),
    error: (taken) => new RegExp(`^the SMTP server cannot listen: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${taken}$`),
  },
  'listen :: the API port taken': {
    prepare: async (_dir, taken) => ({ api: { port: taken } }),
    error: (taken) => new RegExp(`^the portal cannot listen on 127\\.0\\.0\\.1:${taken}: listen EADDRINUSE`),
  },
  'listen :: the operator file cannot be written (api.json a directory), the API already listening': {
    prepare: async (dir) => (await mkdir(join(dir, 'api.json')), {}),
    error: () => /^the portal cannot start: its operator file \S+api\.json cannot be written \(EISDIR.*\)/,
    damaged: 'api.json',
  },
};

for (const [name, c] of Object.entries(CASES)) {
  F(`${name} :: the start fails saying so, nothing is left open, the same store starts again`, async () => {
    const holder = await portHolder();
    const taken = (holder.address() as AddressInfo).port;
    const dir = await mkdtemp(join(tmpdir(), 'mail2sms-failed-start-'));
    try {
      const overrides = await c.prepare(dir, taken);
      const before = resources();
      const refused = await startTestBridge(overrides, dir).then(() => undefined, (e: Error) => e);
      assert.ok(refused, 'the start should fail');
      assert.match(refused.message, c.error(taken));
      await assertNothingLeft(dir, before);
      if (c.damaged) await rm(join(dir, c.damaged), { recursive: true });
      const again = await startTestBridge({}, dir);
      await again.stop();
    } finally {
      holder.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}

F.run();

const S = suite('stop');

S('a bridge that took mail, stopped twice :: the second stop is the first one, nothing is left open, the store starts again', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-stop-'));
  try {
    const before = resources();
    const b = await startTestBridge({}, dir);
    const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345678@sms.localhost', subject: 'x', text: 'Vor dem Halt.' });
    const id = queuedAs(info.response);
    await waitFor('the SMS delivered', () => b.store.get(`${id}.1`)?.status === 'delivered');
    const stops = [b.stop(), b.stop()];
    await Promise.all(stops);
    await b.stop();
    await assertNothingLeft(dir, before);
    const again = await startTestBridge({}, dir);
    await again.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

S('a second bridge in this same process on the same store :: refused (StoreInUse), the first goes on taking mail; once it stops, the store starts again', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-twice-'));
  try {
    const first = await startTestBridge({}, dir);
    try {
      const refused = await startTestBridge({}, dir).then(() => undefined, (e: Error) => e);
      assert.instance(refused, StoreInUse);
      assert.match(refused!.message, `is in use by another bridge in this same process (${process.pid})`);
      const info = await mailer(first.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345678@sms.localhost', subject: 'x', text: 'Noch da.' });
      await waitFor('the SMS delivered', () => first.store.get(`${queuedAs(info.response)}.1`)?.status === 'delivered');
    } finally {
      await first.stop();
    }
    const again = await startTestBridge({}, dir);
    await again.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

S.run();

/** A port taken by someone else. */
async function portHolder(): Promise<Server> {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  return holder;
}
