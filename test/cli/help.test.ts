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

/** --verbose was taken and ignored when running the bridge; an unknown option ended with exit 1, as a port taken does (systemd retried it). */
const REFUSED: Array<[string, string[], RegExp]> = [
  ['--verbose, which only the commands take', ['--verbose'], /^mail2sms: --verbose is for the commands \(it names the secrets they run without\), not for running the bridge: set log\.level in the configuration/],
  ['--verbose beside --config', ['--config', '/nonexistent/config.json', '--verbose'], /^mail2sms: --verbose is for the commands/],
  ['an unknown option', ['--foreground'], /^mail2sms: unknown option --foreground: running the bridge takes only --config <file>; mail2sms --help shows what it takes\n$/],
  ['--config without its file', ['--config'], /^mail2sms: Option '-c, --config <value>' argument missing; mail2sms --help shows what it takes\n$/],
];
for (const [name, args, want] of REFUSED) {
  E(`the real command line :: running the bridge with ${name} :: exit 2 before the configuration is read, saying so`, async () => {
    // A configuration that does not exist: refused for the argument, not for the file (nor started on the defaults).
    const r = await run(args, '', { MAIL2SMS_CONFIG: '/nonexistent/config.json' });
    assert.is(r.code, 2, r.err);
    assert.match(r.err, want);
  });
}

E.run();
