import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildConfig, ConfigError, loadConfig } from '../../src/config/load.js';
import { schemaKeys, withGeneratedBlocks } from '../../src/config/reference.js';
import { configSchema } from '../../src/config/schema.js';
import { ERROR_DEFS } from '../../src/smtp/errors.js';

const C = suite('config');

C('defaults :: no file gives a complete config on the embedded defaults', async () => {
  const c = await loadConfig(undefined, {});
  assert.is(c.smtp.host, '127.0.0.1');
  assert.is(c.smtp.port, 2525);
  assert.equal(c.smtp.domains, ['sms.localhost']);
  assert.is(c.smtp.defaultCountry, 'DE');
  assert.is(c.text.endMarker, '##');
  assert.is(c.text.maxSegments, 6);
  assert.equal(c.connectors.map((x) => [x.name, x.type]), [['simulator', 'simulator']]);
  assert.equal(c.defaultRoute, { enabled: true, connectors: [], strategy: 'failover', weights: {} });
  assert.is(c.notify.level, 'final');
  assert.ok(Object.isFrozen(c.smtp), 'config is frozen');
});

C('schema :: every key has a description, and a default unless it is required or inherits one (and says from where)', () => {
  const keys = schemaKeys();
  const defaulted = (k: (typeof keys)[number]) => 'default' in k.node || k.required || /inherits/.test(k.node.description ?? '');
  const missing = keys.filter((k) => !k.node.description || !defaulted(k)).map((k) => k.key);
  assert.equal(missing, []);
  assert.ok(keys.some((k) => k.key === 'connectors[].http.webhook.secret'), 'list items and connector types are walked');
});

C('schema :: is a valid JSON Schema (load.ts leaves this check to here, not to every run)', () => {
  const ajv = new Ajv({ strict: true, strictTypes: false, discriminator: true, validateFormats: false });
  assert.ok(ajv.validateSchema(configSchema), JSON.stringify(ajv.errors));
  assert.not.ok(ajv.validateSchema({ type: 'objekt' }), 'the check can fail');
});

C('bad file :: every problem reported at once, each with key, value and what is allowed', () => {
  try {
    buildConfig({ smtp: { port: 70000, domians: ['x'] }, text: { source: 'html' }, notify: { relay: { pass: '${MISSING_SECRET}' } } }, 'bad.json', {});
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    const p = (e as ConfigError).problems;
    assert.is(p.length, 4, p.join('\n'));
    assert.ok(p.includes('smtp.port: is 70000; allowed: at most 65535'), p.join('\n'));
    assert.ok(p.some((x) => x.startsWith('smtp.domians: unknown key (did you mean "domains"? known keys here: host, port')), p.join('\n'));
    assert.ok(p.includes('text.source: is "html"; allowed: one of "body", "subject", "subject+body"'), p.join('\n'));
    assert.ok(p.includes('notify.relay.pass: environment variable MISSING_SECRET is not set'), p.join('\n'));
    assert.match((e as Error).message, /^invalid configuration in bad\.json:/);
  }
});

C('connectors :: the settings of each type get their defaults, and only those', () => {
  const c = buildConfig({ connectors: [{ name: 'sim', type: 'simulator' }, { name: 'rest', type: 'http', http: { url: 'http://127.0.0.1:9/sms' } }] }, 'x', {});
  const [sim, rest] = c.connectors;
  assert.equal(Object.keys(sim).sort(), ['breaker', 'name', 'onUncertain', 'simulator', 'type']);
  assert.equal(Object.keys(rest).sort(), ['breaker', 'http', 'name', 'onUncertain', 'type']);
  assert.equal([sim.onUncertain, sim.breaker], ['fail', { failures: 5, coolDownSeconds: 30 }]);
  if (rest.type === 'http') assert.equal([rest.http.method, rest.http.response.messageIdFrom.path, rest.http.webhook.enabled], ['POST', 'id', false]);
});

C('connectors and routes :: schema and cross-reference problems in one round, each with its key', () => {
  try {
    buildConfig({
      connectors: [
        { name: 'a', type: 'simulator' },
        { name: 'a', type: 'kannel', kannel: { secret: 'short' } },
        { type: 'smtp' },
        { name: 'h', type: 'http', http: { url: 'ftp://x', method: 'GET', body: { fields: { t: '{{txt}}' } }, webhook: { enabled: true } } },
      ],
      routes: [
        { name: 'uk', match: { prefixes: ['44'], countries: ['XX'] }, connectors: ['nope', 'h'] },
        { match: { kinds: ['flash'] }, connectors: ['a', 'h'], strategy: 'weighted', weights: { a: 2 } },
      ],
      defaultRoute: { connectors: ['h', 'h'] },
    }, 'routes.json', {});
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.equal((e as ConfigError).problems, [
      'connectors[2].name: is required',
      'connectors[2].type: is "smtp"; allowed: one of "simulator", "smpp", "kannel", "http"',
      'routes[0].match.prefixes[0]: is "44"; allowed: an E.164 prefix: "+" and 1 to 14 digits, such as "+44" or "+4915"',
      'routes[1].match.kinds[0]: is "flash"; allowed: one of "gsm7", "unicode", "single", "multipart", "scheduled"',
      'connectors[1].name: "a" is already the name of connectors[0]',
      'connectors[1].kannel.secret: must have at least 16 characters (required for type kannel: reports without it would be accepted from anyone)',
      'connectors[3].http.body.fields.t: unknown placeholder {{txt}}',
      'connectors[3].http.url: "ftp://x" is not an http:// or https:// URL',
      'connectors[3].http.body: a GET request cannot carry a body',
      'connectors[3].http.webhook.secret: must have at least 16 characters (reports without it would be accepted from anyone)',
      'routes[0].connectors[0]: unknown connector "nope" (configured: a, h)',
      'routes[0].match.countries[0]: is "XX"; allowed: a country of the international number plan by its ISO 3166 code, such as "DE", "AT" or "CH"',
      'routes[1].weights: no weight for "h" (strategy "weighted" needs one for every connector; 0 makes a standby)',
      'defaultRoute.connectors[1]: "h" is listed twice',
    ]);
  }
});

C('inbound.answer :: off by default; an unknown account, a sender no SMSC takes and a text longer than text.maxSegments are problems, all at once', () => {
  const d = buildConfig({}, 'x', {});
  assert.equal([d.inbound.answer.enabled, d.inbound.answer.account, d.inbound.answer.sender], [false, '', '']);
  try {
    buildConfig({ inbound: { answer: { enabled: true, account: 'acme', sender: 'ACME Bank GmbH', stopText: 'x'.repeat(161), startText: '' } }, text: { maxSegments: 1 } }, 'answer.json', {});
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    const p = (e as ConfigError).problems;
    assert.ok(p.some((x) => x.startsWith('inbound.answer.startText: is ""')), p.join('\n'));
    assert.ok(p.includes('inbound.answer.account: no account "acme" (configured: default)'), p.join('\n'));
    assert.ok(p.some((x) => x.startsWith('inbound.answer.sender: "ACME Bank GmbH" is not a sender ID')), p.join('\n'));
    assert.ok(p.includes('inbound.answer.stopText: takes 2 segments, more than text.maxSegments (1)'), p.join('\n'));
  }
});

C('regression: an account\'s sender ID too long :: the problem names the real rule (11 characters for a name, 15 digits for a number), not "at most 17 characters"', () => {
  const problems = (account: Record<string, unknown>): string[] => {
    try {
      buildConfig({ accounts: [{ name: 'erp', networks: ['127.0.0.1'], addresses: ['@erp.test'], ...account }] }, 'senders.json', {});
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    return [];
  };
  const NAME_RULE = 'up to 11 letters, digits and spaces with at least one letter, an international number of 7 to 15 digits like +4930123456, or a short code of 3 to 8 digits';
  assert.equal(problems({ senderId: 'THIS-IS-TOO-LONG-ID' }), [`accounts[0].senderId: is "THIS-IS-TOO-LONG-ID"; allowed: ${NAME_RULE}`]);
  assert.equal(problems({ senderId: 'ACME Bank GmbH' }), [`accounts[0].senderId: is "ACME Bank GmbH"; allowed: ${NAME_RULE}`]);
  assert.equal(problems({ numericSender: '+49301234567890123' }),
    ['accounts[0].numericSender: is "+49301234567890123"; allowed: an international number of 7 to 15 digits like +4930123456 or a short code of 3 to 8 digits']);
  assert.equal(problems({ senderId: 'Praxis Dr M', numericSender: '+493012345678901' }), [], '11 characters and 15 digits are allowed');
});

/** The problems of an account "erp" with `account`'s values under gateway-wide `options`; none when it loads. */
function senderProblems(options: Record<string, unknown>, account: Record<string, unknown>): string[] {
  try {
    buildConfig({ options, accounts: [{ name: 'erp', networks: ['127.0.0.1'], addresses: ['@erp.test'], ...account }] }, 'senders.json', {});
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

C('regression: an account\'s empty sender ID :: the sentence of the sender rules, not ajv\'s "at least 1 character(s)"', () => {
  const NAME_RULE = 'up to 11 letters, digits and spaces with at least one letter, an international number of 7 to 15 digits like +4930123456, or a short code of 3 to 8 digits';
  assert.equal(senderProblems({}, { senderId: '' }), [`accounts[0].senderId: is ""; allowed: ${NAME_RULE}`]);
  assert.equal(senderProblems({}, { senderId: '   ' }), [`accounts[0].senderId: is "   "; allowed: ${NAME_RULE}`]);
  assert.equal(senderProblems({ senderId: '' }, {}), [], 'the gateway-wide default\'s "" is the connector\'s sender');
});

C('regression: an account\'s numeric sender too short :: the sentence of the other sender rules (the forms a number takes), not "at least 3 character(s)"', () => {
  const NUMBER_RULE = 'an international number of 7 to 15 digits like +4930123456 or a short code of 3 to 8 digits';
  const rows: Array<[string, string[]]> = [
    ['12', [`accounts[0].numericSender: is "12"; allowed: ${NUMBER_RULE}`]],
    ['+4', [`accounts[0].numericSender: is "+4"; allowed: ${NUMBER_RULE}`]],
    ['', [`accounts[0].numericSender: is ""; allowed: ${NUMBER_RULE}`]],
    ['AB', ['accounts[0].numericSender: is "AB"; allowed: a number (international or short code), since it stands in where names are not delivered']],
    ['80888', []],
  ];
  for (const [v, want] of rows) assert.equal(senderProblems({}, { numericSender: v }), want, v);
  assert.equal(senderProblems({ numericSender: '' }, {}), [], 'the gateway-wide default\'s "" is none');
  assert.equal(senderProblems({ numericSender: '12' }, {}), [`options.numericSender: is "12"; allowed: ${NUMBER_RULE}`]);
});

C('countries and zones :: a default country outside the number plan or an unknown zone stops the start, wherever it is set', () => {
  try {
    buildConfig({
      smtp: { defaultCountry: 'XX' }, options: { timeZone: 'Mars/X' }, notify: { timeZone: 'Europe/Nowhere' },
      accounts: [{ name: 'acme', defaultCountry: 'de', timeZone: 'Mars/Olympus' }],
    }, 'zones.json', {});
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    const country = 'allowed: a country of the international number plan by its ISO 3166 code, such as "DE", "AT" or "CH"';
    const zone = 'allowed: an IANA time zone such as "Europe/Berlin"';
    assert.equal((e as ConfigError).problems, [
      `smtp.defaultCountry: is "XX"; ${country}`,
      `notify.timeZone: is "Europe/Nowhere"; ${zone}`,
      `options.timeZone: is "Mars/X"; ${zone}`,
      `accounts[0].timeZone: is "Mars/Olympus"; ${zone}`,
      `accounts[0].defaultCountry: is "de"; ${country}`,
    ]);
  }
});

C('regression: countries :: numericOnlyCountries, countryQuietHours, limits.countries (gateway and account) outside the number plan stop the start with the other problems; "UK" is told it is "GB"', () => {
  try {
    buildConfig({
      smtp: { defaultCountry: 'XX' },
      options: { numericOnlyCountries: ['US', 'XX', 'uk'], countryQuietHours: { FR: { from: '20:00', to: '08:00' }, UK: { from: '20:00', to: '08:00' } } },
      limits: { countries: ['DE', '*', 'ZZ'] },
      accounts: [{ name: 'acme', limits: { countries: ['AT', 'UK'] } }],
    }, 'countries.json', {});
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    const country = 'allowed: a country of the international number plan by its ISO 3166 code, such as "DE", "AT" or "CH"';
    const uk = `${country}; the United Kingdom is "GB" ("UK" is not an ISO 3166 code)`;
    const p = (e as ConfigError).problems;
    for (const want of [
      `smtp.defaultCountry: is "XX"; ${country}`,
      `options.numericOnlyCountries[1]: is "XX"; ${country}`,
      `options.numericOnlyCountries[2]: is "uk"; ${uk}`,
      `options.countryQuietHours.UK: is "UK"; ${uk}`,
      `limits.countries[2]: is "ZZ"; ${country}`,
      `accounts[0].limits.countries[1]: is "UK"; ${uk}`,
    ]) assert.ok(p.includes(want), `missing: ${want}\nin:\n${p.join('\n')}`);
    assert.is(p.length, 6, p.join('\n'));
  }
  const ok = buildConfig({ options: { numericOnlyCountries: ['US', 'GB'], countryQuietHours: { GB: { from: '21:00', to: '08:00' } } }, limits: { countries: ['*'] } });
  assert.equal(ok.options.numericOnlyCountries, ['US', 'GB']);
});

C('secrets :: "${NAME}" is read from the environment', () => {
  const c = buildConfig({ notify: { relay: { pass: '${RELAY_PASS}' } } }, 'x', { RELAY_PASS: 's3cret' });
  assert.is(c.notify.relay.pass, 's3cret');
});

C('file :: not JSON → a clear error naming the file', async () => {
  try {
    await loadConfig(new URL('../fixtures/gsm-160.eml', import.meta.url).pathname, {});
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /gsm-160\.eml:\n {2}- not valid JSON/);
  }
});

C('readme :: the configuration and error tables match the schema and the registry', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  assert.fixture(readme, withGeneratedBlocks(readme), 'run `npm run docs`');
  for (const d of Object.values(ERROR_DEFS)) assert.ok(readme.includes(`\`${d.code} ${d.enhanced}\``), `${d.code} ${d.enhanced}`);
  // The names are what REST API clients and metrics match on.
  for (const name of Object.keys(ERROR_DEFS)) assert.ok(readme.includes(`| \`${name}\` |`), name);
  assert.ok(readme.includes('`smtp.defaultCountry`'));
});

C.run();
