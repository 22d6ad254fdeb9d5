import { readFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildConfig, ConfigError, loadConfig } from '../../src/config/load.js';
import { schemaKeys, withGeneratedBlocks } from '../../src/config/reference.js';
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

C('schema :: every key has a description, and a default unless it is required', () => {
  const keys = schemaKeys();
  const missing = keys.filter(({ node, required }) => !node.description || (!required && !('default' in node))).map((k) => k.key);
  assert.equal(missing, []);
  assert.ok(keys.some((k) => k.key === 'connectors[].http.webhook.secret'), 'list items and connector types are walked');
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
    assert.ok(p.some((x) => x.startsWith('smtp.domians: unknown key (known keys here: host, port')), p.join('\n'));
    assert.ok(p.includes('text.source: is "html"; allowed: one of "body", "subject", "subject+body"'), p.join('\n'));
    assert.ok(p.includes('notify.relay.pass: environment variable MISSING_SECRET is not set'), p.join('\n'));
    assert.match((e as Error).message, /^invalid configuration in bad\.json:/);
  }
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
  assert.ok(readme.includes('`smtp.defaultCountry`'));
});

C.run();
