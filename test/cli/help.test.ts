import { readFile } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { earlyAnswer, type EarlyArgs } from '../../src/cli/help.js';
import { runCli as run } from '../helpers/process.js';

const COMMANDS = { users: { summary: 'the people who log in', usage: 'usage:\n  mail2sms users list' }, brake: { summary: 'the fraud brake', usage: 'usage:\n  mail2sms brake list' } };
const version = () => '9.8.7';

const E = suite('cli help and version');

const CASES: Array<[string, EarlyArgs, RegExp | undefined]> = [
  ['--help alone: the overview', { help: true, version: false }, /mail2sms \[--config <file>\]\s+run the bridge[\s\S]*mail2sms users\s+the people who log in\n\s+mail2sms brake\s+the fraud brake/],
  ['help: the overview', { command: 'help', help: false, version: false }, /mail2sms <command> --help/],
  ['help <command>: its usage', { command: 'help', topic: 'brake', help: false, version: false }, /^usage:\n {2}mail2sms brake list\n$/],
  ['<command> --help: its usage, not the command run', { command: 'users', help: true, version: false }, /^usage:\n {2}mail2sms users list\n$/],
  ['an unknown command with --help: the overview', { command: 'nope', help: true, version: false }, /mail2sms users/],
  ['--version', { help: false, version: true }, /^mail2sms 9\.8\.7\n$/],
  ['version', { command: 'version', help: false, version: false }, /^mail2sms 9\.8\.7\n$/],
  ['no command: the bridge runs', { help: false, version: false }, undefined],
  ['a command: it runs (its own --version is its business)', { command: 'users', help: false, version: true }, undefined],
];
for (const [name, args, want] of CASES) {
  E(`early answer :: ${name}`, () => {
    const got = earlyAnswer(args, COMMANDS, version);
    if (want) assert.match(got ?? '', want);
    else assert.is(got, undefined);
  });
}

E('the real command line :: --help and --version answer with exit 0, before (and without) reading the configuration', async () => {
  const help = await run(['--help', '--config', '/nonexistent/mail2sms.json']);
  assert.equal([help.code, help.err], [0, '']);
  for (const c of ['users', 'optout', 'brake', 'status', 'cancel']) assert.match(help.out, new RegExp(`\\n {2}mail2sms ${c} +\\S`));
  const { version: v } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(await run(['--version']), { code: 0, out: `mail2sms ${v}\n`, err: '' });
});

E('the real command line :: a command\'s --help prints its usage on stdout with exit 0, without the argument parser\'s complaint', async () => {
  const r = await run(['users', '--help']);
  assert.is(r.code, 0);
  assert.is(r.err, '');
  assert.match(r.out, /^usage:\n {2}mail2sms users list\n/);
});

E('the real command line :: an unknown command points to --help', async () => {
  const r = await run(['sned']);
  assert.is(r.code, 2);
  assert.match(r.err, /unknown command "sned".*mail2sms --help shows them/);
});

E('the real command line :: --config twice is refused, not the last one taken (the CLI wrapper gives its own)', async () => {
  const r = await run(['--config', '/etc/mail2sms/config.json', 'users', 'list', '--config', '/tmp/mine.json']);
  assert.is(r.code, 2);
  assert.match(r.err, 'mail2sms: --config is given more than once; give it once');
});

E.run();
