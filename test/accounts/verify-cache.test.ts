import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SettingsStore } from '../../src/accounts/settings.js';
import { Users } from '../../src/accounts/users.js';
import { VerificationCache } from '../../src/accounts/verify-cache.js';

const V = suite('accounts verification cache');
const HASH = 'scrypt$16384$8$1$c2FsdA==$a2V5';

V('cache :: the same name, password and stored hash within the ttl; nothing else', () => {
  let t = 0;
  const c = new VerificationCache({ ttlMs: 1000, now: () => t });
  c.remember('erp', 'richtiges-passwort', HASH);
  assert.ok(c.has('erp', 'richtiges-passwort', HASH));
  assert.not.ok(c.has('erp', 'falsches-passwort', HASH));
  assert.not.ok(c.has('erp', 'richtiges-passwort', HASH + 'x'), 'a changed password (new hash) never matches');
  assert.not.ok(c.has('other', 'richtiges-passwort', HASH));
  t = 1000;
  assert.not.ok(c.has('erp', 'richtiges-passwort', HASH), 'expired');
});

V('cache :: holds no password, only a keyed digest; bounded; ttl 0 keeps nothing', () => {
  const c = new VerificationCache({ ttlMs: 60_000, maxEntries: 2 });
  for (const u of ['a', 'b', 'c']) c.remember(u, 'ein-geheimes-wort', HASH);
  assert.is(c.size, 2);
  assert.not.ok(c.has('a', 'ein-geheimes-wort', HASH), 'the oldest went first');
  assert.not.match(inspect(c, { depth: 10, showHidden: true }), /ein-geheimes-wort/);
  const off = new VerificationCache({ ttlMs: 0 });
  off.remember('a', 'x', HASH);
  assert.is(off.size, 0);
});

V('users :: a cached login still fails once the password was changed or the user removed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-vc-'));
  try {
    const settings = new SettingsStore({ file: join(dir, 'settings.json') });
    await settings.open();
    const cache = new VerificationCache({ ttlMs: 60_000 });
    const users = new Users(settings, { get: () => ({}) as never }, () => new Date(), cache);
    await users.add('erp', 'acme', 'erstes-passwort-1');
    assert.is((await users.verify('erp', 'erstes-passwort-1'))?.name, 'erp');
    assert.is(cache.size, 1);
    assert.is((await users.verify('erp', 'erstes-passwort-1'))?.account, 'acme', 'from the cache');
    await users.setPassword('erp', 'zweites-passwort-2');
    assert.is(await users.verify('erp', 'erstes-passwort-1'), undefined);
    assert.is((await users.verify('erp', 'zweites-passwort-2'))?.name, 'erp');
    await users.remove('erp');
    assert.is(await users.verify('erp', 'zweites-passwort-2'), undefined);
    settings.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

V.run();
