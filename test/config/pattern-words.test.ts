import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { accountSchema } from '../../src/accounts/schema.js';
import { buildConfig, ConfigError } from '../../src/config/load.js';
import { patternWords } from '../../src/config/pattern-words.js';
import { configSchema } from '../../src/config/schema.js';
import { smppConfigSchema } from '../../src/connectors/smpp/config.js';

const P = suite('config pattern words');

/** Every `pattern` a schema holds, with where. */
function patterns(schema: unknown, at = ''): Array<[string, string]> {
  if (!schema || typeof schema !== 'object') return [];
  return Object.entries(schema).flatMap(([k, v]): Array<[string, string]> =>
    k === 'pattern' && typeof v === 'string' ? [[at, v]] : patterns(v, `${at}/${k}`));
}

P('every pattern of the schemas has words in English and German, so no problem shows a regular expression', () => {
  const all = [...patterns(configSchema), ...patterns(accountSchema), ...patterns(smppConfigSchema)];
  assert.ok(all.length >= 8, `the walk finds the schemas' patterns (${all.length})`);
  for (const [at, pattern] of all) {
    assert.type(patternWords(pattern), 'string', `${at}: ${pattern}`);
    assert.type(patternWords(pattern, 'de'), 'string', `${at}: ${pattern} (German, for the portal)`);
  }
});

P('a configuration file with values in the wrong shape :: each named with what is allowed, in words', () => {
  try {
    buildConfig({
      smtp: { domains: ['sms.acme.test/'] },
      accounts: [{ name: 'ACME Bank', addresses: ['acme.test'], quietHours: { from: '8:00', to: '20:00', dates: ['24.12.'] } }],
    });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.equal((e as ConfigError).problems, [
      'smtp.domains[0]: is "sms.acme.test/"; allowed: a domain name of letters, digits, "." and "-", such as "sms.example.com"',
      'accounts[0].name: is "ACME Bank"; allowed: a name of at most 64 lower-case letters, digits, ".", "_" and "-" that starts with a letter or digit, such as "acme" or "acme-billing"',
      'accounts[0].addresses[0]: is "acme.test"; allowed: an address ("clerk@acme.test") or a whole domain written with its "@" ("@acme.test"), without spaces',
      'accounts[0].quietHours.from: is "8:00"; allowed: a time of day as HH:MM on the 24-hour clock, such as "08:00" or "20:00"',
      'accounts[0].quietHours.dates[0]: is "24.12."; allowed: a day as MM-DD for every year ("12-25") or YYYY-MM-DD for one year ("2027-03-26")',
    ]);
  }
});

P('a misspelt key :: named with the key it seems to mean, before the list of known keys', () => {
  try {
    buildConfig({ smtp: { domain: ['sms.acme.test'] }, notify: { timezone: 'Europe/Vienna' }, account: [], store: { directory: 'x' } });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    const problems = (e as ConfigError).problems;
    assert.match(problems.find((p) => p.startsWith('smtp.domain:')) ?? '', /^smtp\.domain: unknown key \(did you mean "domains"\? known keys here: host, port, /);
    assert.match(problems.find((p) => p.startsWith('notify.timezone:')) ?? '', /^notify\.timezone: unknown key \(did you mean "timeZone"\? known keys here: /);
    assert.match(problems.find((p) => p.startsWith('account:')) ?? '', /^account: unknown key \(did you mean "accounts"\? known keys here: /);
    assert.match(problems.find((p) => p.startsWith('store.directory:')) ?? '', /^store\.directory: unknown key \(known keys here: dir, /, 'nothing close: the list alone');
  }
});

P.run();
