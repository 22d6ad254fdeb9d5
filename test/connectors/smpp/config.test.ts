import { Ajv } from 'ajv';
import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SMPP_DEFAULTS, smppConfigProblems, smppConfigSchema, smppOptionsFromConfig, type SmppConfig } from '../../../src/connectors/smpp/config.js';
import { SmppConnector } from '../../../src/connectors/smpp/connector.js';

const C = suite('smpp config fragment');

// Embedded as the connector's `smpp` key, as the config schema will hold it; same ajv settings as src/config/load.ts.
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, strictTypes: false });
const validateEntry = ajv.compile({ type: 'object', additionalProperties: false, properties: { smpp: smppConfigSchema } });
const validate = (data: Record<string, unknown>): boolean => validateEntry({ smpp: data });
/** Where each error is, below the `smpp` key; an unknown key by its name. */
const errorPaths = (): Set<string> => new Set((validateEntry.errors ?? []).map((e) =>
  e.instancePath.replace(/^\/smpp/, '') || String((e.params as { additionalProperty?: string }).additionalProperty)));

C('smpp config :: every key has a default and a description', () => {
  for (const [key, schema] of Object.entries(smppConfigSchema.properties)) {
    assert.ok('default' in schema, `${key} has no default`);
    assert.ok(typeof schema.description === 'string' && schema.description.length > 10, `${key} has no description`);
  }
});

C('smpp config :: {} validates to the defaults, and the defaults make a connector', () => {
  const data: Record<string, unknown> = {};
  assert.ok(validate(data), JSON.stringify(validateEntry.errors));
  assert.equal(data, { ...SMPP_DEFAULTS });
  const options = smppOptionsFromConfig('smsc1', { ...(data as unknown as SmppConfig), systemId: 'acme' });
  assert.is(options.name, 'smsc1');
  assert.is(new SmppConnector(options).health().state, 'down');
});

C('smpp config :: bad values :: refused by the schema, each key named', () => {
  const data = { bindMode: 'receiver', gsmDataCoding: 1, longMessages: 'udh7', idBase: 'octal', windowSize: 0, statusOverrides: { '1024': 'temporary', '0x58': 'maybe' }, colour: 'red' };
  assert.not.ok(validate(data));
  const paths = errorPaths();
  for (const key of ['/bindMode', '/gsmDataCoding', '/longMessages', '/idBase', '/windowSize', '/statusOverrides', '/statusOverrides/0x58', 'colour']) {
    assert.ok(paths.has(key), `${key} not reported: ${[...paths].join(', ')}`);
  }
});

C('smpp config :: problems the schema cannot see :: named with their key', () => {
  assert.equal(smppConfigProblems({ ...SMPP_DEFAULTS, systemId: '', tlsCaFile: '/etc/ca.pem' }), [
    'smpp.systemId: required for type smpp (the account name the aggregator gave)',
    'smpp.tlsCaFile: set, but tls is off',
  ]);
  assert.equal(smppConfigProblems({ ...SMPP_DEFAULTS, systemId: 'acme' }), []);
});

C('smpp config :: receiptTimeZone not an IANA zone :: named, with an example', () => {
  assert.equal(smppConfigProblems({ ...SMPP_DEFAULTS, systemId: 'acme', receiptTimeZone: 'Berlin' }), [
    'smpp.receiptTimeZone: is "Berlin"; allowed: an IANA time zone such as "Europe/Berlin"',
  ]);
  assert.equal(smppConfigProblems({ ...SMPP_DEFAULTS, systemId: 'acme', receiptTimeZone: 'Europe/Berlin' }), []);
  assert.is(SMPP_DEFAULTS.receiptTimeZone, 'UTC');
});

C.run();
