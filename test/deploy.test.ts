import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { suite } from './helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildConfig, ConfigError } from '../src/config/load.js';
import { packageRoot } from '../src/paths.js';

/** deploy/: the systemd unit, the CLI wrapper and the example configuration are what an operator installs as they are. */
const D = suite('deploy');
const run = promisify(execFile);
const deploy = (name: string) => join(packageRoot(), 'deploy', name);

D('mail2sms.service :: systemd-analyze verify finds nothing to say', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-unit-'));
  try {
    // verify checks that ExecStart's program exists: the node running this test stands in for /usr/bin/node.
    const unit = (await readFile(deploy('mail2sms.service'), 'utf8')).replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `);
    await writeFile(join(dir, 'mail2sms.service'), unit);
    const r = await run('systemd-analyze', ['verify', join(dir, 'mail2sms.service')]);
    assert.is(r.stderr, '');
    assert.match(unit, /^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m);
    assert.match(unit, /^KillSignal=SIGTERM$/m);
    assert.match(unit, /^TimeoutStopSec=90$/m);
    assert.match(unit, /^EnvironmentFile=\/etc\/mail2sms\/mail2sms\.env$/m);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

D('mail2sms.service :: its system call filter keeps the journal\'s fsync and fdatasync', async () => {
  const unit = await readFile(deploy('mail2sms.service'), 'utf8');
  const filter = /^SystemCallFilter=(.+)$/m.exec(unit)![1].split(/\s+/);
  const allowed = new Set<string>();
  // A set lists calls and other sets (@system-service names @sync): those are expanded too.
  const expand = async (set: string): Promise<void> => {
    for (const line of (await run('systemd-analyze', ['syscall-filter', set])).stdout.split('\n').slice(1)) {
      const name = line.trim();
      if (!name || name.startsWith('#') || allowed.has(name)) continue;
      allowed.add(name);
      if (name.startsWith('@')) await expand(name);
    }
  };
  for (const set of filter) await expand(set);
  for (const call of ['fsync', 'fdatasync']) assert.ok(allowed.has(call), call);
});

D('mail2sms (the CLI wrapper) :: is a valid shell script', async () => {
  await run('sh', ['-n', deploy('mail2sms')]);
});

/** The wrapper with its secrets file at `envFile`, as the user running the test, printing the environment it would run node with. */
async function wrapperPrinting(dir: string, envFile: string): Promise<string> {
  const script = (await readFile(deploy('mail2sms'), 'utf8'))
    .replace('ENV_FILE=/etc/mail2sms/mail2sms.env', `ENV_FILE='${envFile}'`)
    .replace('!= mail2sms ]', '!= "$(id -un)" ]')
    .replace(/^exec \/usr\/bin\/node .*$/m, 'exec env');
  assert.match(script, /^exec env$/m);
  const file = join(dir, 'mail2sms');
  await writeFile(file, script, { mode: 0o755 });
  return file;
}

D('mail2sms (the CLI wrapper) :: reads the secrets as systemd does, never as shell: ; & $ ` | and quotes in a password', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-wrapper-'));
  try {
    const envFile = join(dir, 'mail2sms.env');
    await writeFile(envFile, [
      '# the secrets', '; also a comment', '',
      'MAIL2SMS_SMPP_PASSWORD=Xy7;kq&Z$9w`id`|<x>',
      '  MAIL2SMS_RELAY_PASSWORD = "two  words \\"q\\" \\$HOME"  ',
      "M2S_SINGLE='a $b \"c\"'",
      'M2S_TRAIL=abc   ',
      'M2S_BACKSLASH=a\\b',
      'M2S_LAST=no newline at the end',
    ].join('\n'));
    const { stdout } = await run('sh', [await wrapperPrinting(dir, envFile), 'users', 'list']);
    const env = new Map(stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    assert.is(env.get('MAIL2SMS_SMPP_PASSWORD'), 'Xy7;kq&Z$9w`id`|<x>');
    assert.is(env.get('MAIL2SMS_RELAY_PASSWORD'), 'two  words "q" $HOME');
    assert.is(env.get('M2S_SINGLE'), 'a $b "c"');
    assert.is(env.get('M2S_TRAIL'), 'abc');
    assert.is(env.get('M2S_BACKSLASH'), 'ab');
    assert.is(env.get('M2S_LAST'), 'no newline at the end');
    // A line that is no assignment stops it, naming the line but not showing it (it may hold a secret).
    await writeFile(envFile, 'A=1\nsecret-without-a-name\n');
    const bad = await run('sh', [await wrapperPrinting(dir, envFile)]).then(() => undefined, (e: { code: number; stderr: string }) => e);
    assert.is(bad?.code, 2);
    assert.match(bad!.stderr, `mail2sms: ${envFile} line 2 is not NAME=value`);
    assert.not.match(bad!.stderr, 'secret-without');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

D('mail2sms (the CLI wrapper) :: takes no --config of its caller\'s (it would run as the service user with the service\'s secrets)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-wrapper-'));
  try {
    const envFile = join(dir, 'mail2sms.env');
    await writeFile(envFile, 'MAIL2SMS_SMPP_PASSWORD=secret\n');
    const wrapper = await wrapperPrinting(dir, envFile);
    for (const args of [['--config', '/tmp/mine.json', 'users', 'list'], ['users', 'list', '--config=/tmp/mine.json'], ['-c', '/tmp/mine.json'], ['-c/tmp/mine.json']]) {
      const refused = await run('sh', [wrapper, ...args]).then(() => undefined, (e: { code: number; stdout: string; stderr: string }) => e);
      assert.is(refused?.code, 2, args.join(' '));
      assert.match(refused!.stderr, "uses the service's configuration (/etc/mail2sms/config.json); --config is not taken here");
      assert.not.match(refused!.stdout, 'secret');
    }
    // Without one it runs as before.
    assert.match((await run('sh', [wrapper, 'users', 'list'])).stdout, 'MAIL2SMS_SMPP_PASSWORD=secret');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

D('config.example.json :: a valid configuration with its secrets from the environment, each named when missing', async () => {
  const raw = JSON.parse(await readFile(deploy('config.example.json'), 'utf8')) as Record<string, unknown>;
  const env = Object.fromEntries((await readFile(deploy('mail2sms.env.example'), 'utf8')).split('\n').filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l)).map((l) => l.split('=')));
  const config = buildConfig(raw, 'deploy/config.example.json', env);
  assert.is(config.smtp.port, 25);
  assert.is(config.store.dir, '/var/lib/mail2sms');
  const e = (() => {
    try {
      buildConfig(raw, 'deploy/config.example.json', {});
    } catch (x) {
      return x as ConfigError;
    }
  })();
  assert.instance(e, ConfigError);
  for (const name of Object.keys(env)) assert.match(e!.message, name);
});

D('config.example.json :: names the TLS files where the README\'s certbot hook copies them, readable by the service', async () => {
  const config = JSON.parse(await readFile(deploy('config.example.json'), 'utf8')) as { smtp: { tls: { cert: string; key: string } } };
  const readme = await readFile(join(packageRoot(), 'README.md'), 'utf8');
  const hook = /^install -m 0640 -g mail2sms "\$RENEWED_LINEAGE\/(\S+)" "\$RENEWED_LINEAGE\/(\S+)" (\S+)\/$/m.exec(readme);
  assert.ok(hook, 'the README\'s certbot hook');
  const [, cert, key, target] = hook!;
  assert.is(config.smtp.tls.cert, `${target}/${cert}`);
  assert.is(config.smtp.tls.key, `${target}/${key}`);
  // The unit's head makes the directory and runs the hook once before the first start.
  const unit = await readFile(deploy('mail2sms.service'), 'utf8');
  assert.match(unit, `install -d -m 0750 -o root -g mail2sms ${target}`);
  assert.match(unit, 'RENEWED_LINEAGE=/etc/letsencrypt/live/');
});

D('README :: its cron line calls the wrapper by the path the unit installs it at (cron.d\'s PATH is /usr/bin:/bin)', async () => {
  const readme = await readFile(join(packageRoot(), 'README.md'), 'utf8');
  const unit = await readFile(deploy('mail2sms.service'), 'utf8');
  const installed = /install -m 0755 deploy\/mail2sms (\S+)/.exec(unit)![1];
  const commands = [...readme.matchAll(/`(?:\S+ ){5}root (\S+) /g)].map((m) => m[1]);
  assert.ok(commands.length > 0, 'a cron line');
  for (const c of commands) assert.is(c, installed);
});

D.run();
