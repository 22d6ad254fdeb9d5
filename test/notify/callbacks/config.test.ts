import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildConfig, ConfigError } from '../../../src/config/load.js';
import { callbackAccounts } from '../../../src/notify/callbacks/account.js';

const C = suite('status callbacks :: configuration');

const problemsOf = (raw: unknown): string[] => {
  try {
    buildConfig(raw);
  } catch (e) {
    assert.instance(e, ConfigError);
    return (e as ConfigError).problems;
  }
  return [];
};

C('defaults :: the pushes\' settings, and no account has callbacks', () => {
  const c = buildConfig({});
  assert.equal(c.statusCallbacks, { concurrency: 32, perHost: 4, timeoutSeconds: 10, retrySeconds: [10, 30, 60, 300, 900, 1800, 3600], maxAttempts: 20, maxRetryAfterSeconds: 3600 });
  assert.is(c.accounts[0].statusCallbacks, undefined);
});

C('an account :: a short secret is refused by the schema; a default URL outside its list and a bad prefix are named together', () => {
  const p = problemsOf({
    accounts: [
      { name: 'acme', statusCallback: 'https://evil.example/x', statusCallbacks: { allow: ['https://erp.acme.test/sms/', 'https://erp.acme.test/?a=1'], secret: '0123456789abcdef' } },
      { name: 'beta', statusCallbacks: { allow: [], secret: 'short' } },
      { name: 'gamma', statusCallback: 'https://erp.gamma.test/' },
    ],
  });
  assert.ok(p.some((x) => x.startsWith('accounts[1].statusCallbacks.secret') && /16/.test(x)), p.join('\n'));
  // The schema's problems come first; the rest once the schema passes (withChecks), so this config is checked again without the short secret.
  const q = problemsOf({
    accounts: [
      { name: 'acme', statusCallback: 'https://evil.example/x', statusCallbacks: { allow: ['https://erp.acme.test/sms/', 'https://erp.acme.test/?a=1'], secret: '0123456789abcdef' } },
      { name: 'gamma', statusCallback: 'https://erp.gamma.test/' },
    ],
  });
  assert.equal(q, [
    'accounts[0].statusCallbacks.allow[1]: "https://erp.acme.test/?a=1" has a query or fragment; allowed: scheme, host, port and path only',
    'accounts[0].statusCallback: status callback "https://evil.example/x" is not allowed; allowed: URLs under https://erp.acme.test/sms/, https://erp.acme.test/?a=1',
    'accounts[1].statusCallback: status callback "https://erp.gamma.test/" is not allowed: the operator allows this account no status callbacks (accounts[].statusCallbacks.allow)',
  ]);
});

C('a secret may come from the environment', () => {
  const c = buildConfig({ accounts: [{ name: 'acme', statusCallbacks: { allow: ['https://erp.acme.test/'], secret: '${CB_SECRET}' } }] }, 'test', { CB_SECRET: 'from-the-environment-123' });
  assert.is(c.accounts[0].statusCallbacks?.secret, 'from-the-environment-123');
});

C('rotation :: previousSecret is checked like secret (length, environment) and may not repeat it', () => {
  const allow = ['https://erp.acme.test/'];
  assert.equal(problemsOf({ accounts: [{ name: 'acme', statusCallbacks: { allow, secret: '0123456789abcdef', previousSecret: 'short-one' } }] }), [
    'accounts[0].statusCallbacks.previousSecret: has 9 characters; allowed: at least 16, as secret, or "" for none',
  ], 'the value itself is not shown');
  assert.equal(problemsOf({ accounts: [{ name: 'acme', statusCallbacks: { allow, secret: '0123456789abcdef', previousSecret: '0123456789abcdef' } }] }), [
    'accounts[0].statusCallbacks.previousSecret: is the same as statusCallbacks.secret; allowed: the secret before it, while receivers switch to the new one, or "" for none',
  ]);
  const c = buildConfig({ accounts: [{ name: 'acme', statusCallbacks: { allow, secret: '${CB_NEW}', previousSecret: '${CB_OLD}' } }] }, 'test', { CB_NEW: 'the-new-secret-0123456', CB_OLD: 'the-old-secret-0123456' });
  assert.equal(c.accounts[0].statusCallbacks, { allow, secret: 'the-new-secret-0123456', previousSecret: 'the-old-secret-0123456' });
  assert.equal(callbackAccounts(c.accounts)('acme'), { allow, secrets: ['the-new-secret-0123456', 'the-old-secret-0123456'] }, 'the new one signs first');
  const none = buildConfig({ accounts: [{ name: 'acme', statusCallbacks: { allow, secret: '0123456789abcdef' } }] }).accounts;
  assert.is(none[0].statusCallbacks?.previousSecret, '', 'none by default');
  assert.equal(callbackAccounts(none)('acme')?.secrets, ['0123456789abcdef']);
});

C.run();
