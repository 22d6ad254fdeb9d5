import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { runCli as run } from '../helpers/process.js';

/**
 * A configuration naming its secrets as "${NAME}", run without them (an
 * incident shell, a cron line without the wrapper): the commands, which use
 * none, work without a word of them (--verbose names them); the bridge refuses, names each once
 * and says where they come from.
 */
const S = suite('cli secrets not set', {} as { dir: string; config: string });
S.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-secrets-'));
  ctx.config = join(ctx.dir, 'config.json');
  await writeFile(ctx.config, JSON.stringify({
    smtp: { port: 0 }, api: { port: 0, metrics: { token: '${M2S_TEST_METRICS}' } }, store: { dir: join(ctx.dir, 'data') },
    accounts: [{ name: 'acme', networks: [], addresses: ['@acme.test'], statusCallbacks: { allow: ['http://127.0.0.1:9/hooks/'], secret: '${M2S_TEST_CB}' } }],
    connectors: [{ name: 'agg', type: 'smpp', smpp: { host: '127.0.0.1', port: 9, systemId: 'x', password: '${M2S_TEST_SMPP}' } }],
  }));
});
S.after(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

const NONE = { M2S_TEST_METRICS: undefined, M2S_TEST_CB: undefined, M2S_TEST_SMPP: undefined };

S('a command :: runs and says nothing of them (cron mails what it prints); --verbose names them in one line', async ({ config }) => {
  const added = await run(['--config', config, 'users', 'add', 'erp', '--account', 'acme', '--password-stdin'], 'ein-langes-passwort\n', NONE);
  assert.is(added.code, 0, added.err);
  assert.is(added.err, '');
  const listed = await run(['--verbose', '--config', config, 'users', 'list'], '', NONE);
  assert.is(listed.code, 0, listed.err);
  assert.is(listed.err, 'mail2sms: not set, and not needed by this command: M2S_TEST_METRICS, M2S_TEST_CB, M2S_TEST_SMPP\n');
  assert.match(listed.out, /^erp\b/m);
  const held = await run(['--config', config, 'hold', '--verbose'], '', NONE);
  assert.is(held.code, 0, held.err);
  assert.match(held.err, /^mail2sms: not set, and not needed by this command: M2S_TEST_METRICS, M2S_TEST_CB, M2S_TEST_SMPP\nnothing is held/);
});

S('the bridge :: refuses with exit 2, each variable once (no derived "is \\"\\"" line), and where they come from', async ({ config }) => {
  const r = await run(['--config', config], '', NONE);
  assert.is(r.code, 2, r.err);
  for (const [key, name] of [['api.metrics.token', 'M2S_TEST_METRICS'], ['accounts[0].statusCallbacks.secret', 'M2S_TEST_CB'], ['connectors[0].smpp.password', 'M2S_TEST_SMPP']]) {
    assert.match(r.err, `\n  - ${key}: environment variable ${name} is not set\n`);
  }
  assert.not.match(r.err, /is ""/);
  assert.match(r.err, /\nThe variables come from the environment: the service reads them from its EnvironmentFile= \(deploy\/mail2sms\.service: \/etc\/mail2sms\/mail2sms\.env\); run commands through deploy\/mail2sms/);
});

S.run();
