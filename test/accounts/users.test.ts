import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { hashPassword, verifyPassword } from '../../src/accounts/passwords.js';
import { SettingsStore } from '../../src/accounts/settings.js';
import { UserError, Users } from '../../src/accounts/users.js';

const accounts = { get: (n: string) => (n === 'acme' ? ({ name: 'acme' } as never) : undefined) };
const U = suite('accounts users', {} as { dir: string; users: Users; file: string });
U.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-users-'));
  ctx.file = join(ctx.dir, 'settings.json');
  const settings = new SettingsStore({ file: ctx.file });
  await settings.open();
  ctx.users = new Users(settings, accounts, () => new Date('2026-11-29T10:00:00Z'));
});
U.after.each(async (ctx) => { await rm(ctx.dir, { recursive: true, force: true }); });

U('passwords :: a hash verifies its password only, and carries its parameters', async () => {
  const h = await hashPassword('correct horse battery');
  assert.match(h, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
  assert.ok(await verifyPassword('correct horse battery', h));
  assert.not.ok(await verifyPassword('correct horse batterY', h));
  assert.not.ok(await verifyPassword('correct horse battery', 'plain:correct horse battery'), 'a malformed hash never matches');
  assert.is.not(await hashPassword('correct horse battery'), h, 'a new salt each time');
});

U('users :: added, verified, listed without hashes, password changed, removed', async ({ users, file }) => {
  await users.add('erp@acme', 'acme', 'sehr-geheim-123', 'user');
  assert.equal(users.list(), [{ name: 'erp@acme', account: 'acme', role: 'user', createdAt: '2026-11-29T10:00:00.000Z' }]);
  assert.equal((await users.verify('erp@acme', 'sehr-geheim-123'))?.account, 'acme');
  assert.is(await users.verify('erp@acme', 'wrong-password-1'), undefined);
  assert.is(await users.verify('nobody', 'sehr-geheim-123'), undefined);
  const onDisk = await readFile(file, 'utf8');
  assert.not.match(onDisk, /sehr-geheim/, 'the password itself is never written');
  await users.setPassword('erp@acme', 'noch-geheimer-456');
  assert.is(await users.verify('erp@acme', 'sehr-geheim-123'), undefined);
  assert.ok(await users.verify('erp@acme', 'noch-geheimer-456'));
  await users.remove('erp@acme');
  assert.equal(users.list(), []);
});

const REFUSED: Array<[string, (u: Users) => Promise<unknown>, RegExp]> = [
  ['an unknown account', (u) => u.add('x', 'nope', 'long-enough-pw'), /no account "nope"/],
  ['a short password', (u) => u.add('x', 'acme', 'short'), /at least 10 characters/],
  ['a user name with spaces', (u) => u.add('bad name', 'acme', 'long-enough-pw'), /not a valid user name/],
  ['the same name twice', async (u) => { await u.add('x', 'acme', 'long-enough-pw'); await u.add('x', 'acme', 'long-enough-pw'); }, /exists already/],
  ['removing an unknown user', (u) => u.remove('ghost'), /no user "ghost"/],
];
for (const [name, act, want] of REFUSED) {
  U(`users :: refused: ${name}`, async ({ users }) => {
    try {
      await act(users);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, UserError);
      assert.match((e as Error).message, want);
    }
  });
}

U.run();
