import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { ThreadCalls } from '../../src/notify/thread.js';

const T = suite<{ dir: string }>('notify/thread (calls to a worker thread)');
T.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-thread-'));
});
T.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

/** Calls to test/fixtures/threads/loads-main.ts. */
const FIXTURE = new URL('../fixtures/threads/loads-main.ts', import.meta.url).href;
const calls = (data: { marker: string; failOnce?: string }) => new ThreadCalls<string, string>(FIXTURE, 'loads-main', data);

T('start :: the thread is started and its modules loaded before any call (the first confirmation does not pay for it)', async ({ dir }) => {
  const marker = join(dir, 'loaded');
  const c = calls({ marker });
  try {
    assert.not.ok(c.running);
    await c.start();
    assert.ok(c.running);
    assert.ok(existsSync(marker), 'the entry module ran before start resolved');
    assert.is(await c.call('x'), 'echo x');
    await c.start(); // once running, again at once
  } finally {
    await c.close();
  }
});

T('start :: an entry that cannot load :: start rejects with why, a call made meanwhile fails (never hangs), the next call starts a new thread', async ({ dir }) => {
  const failOnce = join(dir, 'fail');
  await writeFile(failOnce, '');
  const c = calls({ marker: join(dir, 'loaded'), failOnce });
  try {
    const started = c.start().then(() => undefined, (e: Error) => e);
    const meanwhile = c.call('lost?').then(() => undefined, (e: Error) => e);
    assert.match((await started)?.message ?? 'resolved', /cannot load \(test\)/);
    assert.match((await meanwhile)?.message ?? 'answered', /cannot load \(test\)|exited/);
    assert.not.ok(c.running);
    assert.is(await c.call('y'), 'echo y');
  } finally {
    await c.close();
  }
});

T('close while starting :: start settles without an error, the thread is gone', async ({ dir }) => {
  const c = calls({ marker: join(dir, 'loaded') });
  const started = c.start();
  await c.close();
  await started;
  assert.not.ok(c.running);
});

T.run();
