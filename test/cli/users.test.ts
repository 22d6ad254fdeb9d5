import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { runCli as run } from '../helpers/process.js';

const C = suite('cli users', {} as { dir: string; config: string });
C.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-cli-'));
  ctx.config = join(ctx.dir, 'config.json');
  await writeFile(ctx.config, JSON.stringify({ store: { dir: join(ctx.dir, 'data') }, accounts: [{ name: 'acme', networks: [], addresses: ['@acme.test'] }] }));
});
C.after(async (ctx) => { await rm(ctx.dir, { recursive: true, force: true }); });

C('add, list, passwd and remove through the real command line', async ({ dir, config }) => {
  const added = await run(['--config', config, 'users', 'add', 'erp', '--account', 'acme', '--password-stdin'], 'ein-langes-passwort\n');
  assert.equal([added.code, added.out, added.err], [0, 'added user erp to account acme (user)\n', '']);
  const listed = await run(['users', 'list', '--config', config]);
  assert.match(listed.out, /^erp\tacme\tuser\t\d{4}-\d\d-\d\dT/);
  const settings = await readFile(join(dir, 'data', 'settings.json'), 'utf8');
  assert.match(settings, /"passwordHash": "scrypt\$/);
  assert.not.match(settings, /ein-langes-passwort/);
  assert.is((await run(['--config', config, 'users', 'passwd', 'erp', '--password-stdin'], 'ein-anderes-passwort\n')).code, 0);
  assert.is((await run(['--config', config, 'users', 'remove', 'erp'])).code, 0);
  assert.equal(await run(['--config', config, 'users', 'list']), { code: 0, out: '', err: 'no users yet: mail2sms users add <name> --account <account>\n' });
});

C('audit :: a command run through sudo names the person, and the user it ran as', async ({ dir, config }) => {
  const me = userInfo().username;
  const operator = { MAIL2SMS_OPERATOR: undefined, SUDO_USER: undefined };
  const auditLines = async () => (await Promise.all((await readdir(join(dir, 'data', 'audit'))).map((f) => readFile(join(dir, 'data', 'audit', f), 'utf8'))))
    .join('').trim().split('\n').map((l) => JSON.parse(l) as { evt: string; by: string; user?: string });
  assert.is((await run(['--config', config, 'users', 'add', 'sudoed', '--account', 'acme', '--password-stdin'], 'ein-langes-passwort\n', { ...operator, SUDO_USER: 'alice' })).code, 0);
  // deploy/mail2sms passes the sudo user across its runuser as MAIL2SMS_OPERATOR
  assert.is((await run(['--config', config, 'users', 'remove', 'sudoed'], '', { ...operator, MAIL2SMS_OPERATOR: 'bob', SUDO_USER: me })).code, 0);
  assert.is((await run(['--config', config, 'users', 'add', 'plain', '--account', 'acme', '--password-stdin'], 'ein-langes-passwort\n', operator)).code, 0);
  const by = (await auditLines()).filter((l) => l.user === 'sudoed' || l.user === 'plain').map((l) => l.by);
  assert.equal(by, [`alice (as ${me})`, `bob (as ${me})`, me]);
});

const FAILS: Array<[string, string[], string, number, RegExp]> = [
  ['an unknown account is refused with exit 1', ['users', 'add', 'x', '--account', 'nope', '--password-stdin'], 'ein-langes-passwort', 1, /no account "nope"/],
  ['no password source without a terminal', ['users', 'add', 'x', '--account', 'acme'], '', 1, /use --password-stdin/],
  ['a missing --account is named, then the usage, with exit 2', ['users', 'add', 'x'], '', 2, /^mail2sms users add: missing --account <account>\nusage:\n {2}mail2sms users list/],
  ['regression: add with no arguments names both that are missing', ['users', 'add'], '', 2, /^mail2sms users add: missing the user name and --account <account>\nusage:/],
  ['no verb at all', ['users'], '', 2, /^mail2sms users: say what to do: list, add, passwd or remove\nusage:/],
  ['passwd without a name', ['users', 'passwd'], '', 2, /^mail2sms users passwd: missing the user name\nusage:/],
  ['an unknown command', ['userz', 'list'], '', 2, /unknown command "userz"/],
];
for (const [name, args, input, code, want] of FAILS) {
  C(`refused :: ${name}`, async ({ config }) => {
    const r = await run(['--config', config, ...args], input);
    assert.is(r.code, code, r.err);
    assert.match(r.err, want);
  });
}

C.run();
