import { readFile } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';
import * as assert from 'uvu/assert';
import { buildConfig } from '../../src/config/load.js';
import { makeConnector } from '../../src/connectors/factory.js';
import { SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { decideRoute, type MessageFacts } from '../../src/dispatch/router.js';

/** The README's "Connectors and routes" examples are valid configs that do what the text says. */
const X = suite('config readme example');

const env = { SMPP_PRIMARY_PASSWORD: 'x', SMPP_FALLBACK_PASSWORD: 'y', UK_API_AUTH: 'Bearer z', UK_WEBHOOK_SECRET: 'uk-webhook-secret-0123' };

async function example(name = 'routes'): Promise<{ connectors: Array<Record<string, unknown>> }> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const block = new RegExp(`<!-- example:${name} -->\\n\`\`\`json\\n([\\s\\S]*?)\`\`\`\\n<!-- example:end -->`).exec(readme);
  assert.ok(block, `the ${name} example block is in the README`);
  return JSON.parse(block[1]) as { connectors: Array<Record<string, unknown>> };
}

const ctx = { now: () => new Date(), log: () => {}, under: (p: string) => p };

X('readme :: the connectors-and-routes example is valid and routes DE to the SMPP pair, UK over HTTP first', async () => {
  const raw = await example();
  const config = buildConfig(raw, 'README example', env);
  const table = { routes: config.routes, defaultRoute: config.defaultRoute, connectors: config.connectors.map((c) => c.name) };
  const facts = (to: string, country: string): MessageFacts => ({ to, country, account: 'default', kinds: ['gsm7', 'single'] });
  const up = () => undefined;
  assert.equal(decideRoute(facts('+4915112345678', 'DE'), table, up, Math.random), { ok: true, route: 'germany', candidates: ['smpp-primary', 'smpp-fallback'], skipped: [] });
  assert.equal(decideRoute(facts('+447400123456', 'GB'), table, up, Math.random), { ok: true, route: 'uk', candidates: ['uk-http', 'smpp-primary'], skipped: [] });
  assert.equal(decideRoute(facts('+33612345678', 'FR'), table, up, Math.random), { ok: true, route: 'default', candidates: ['smpp-primary', 'smpp-fallback'], skipped: [] });
  // Every connector can be built from it (nothing is started: the hosts are examples).
  assert.equal(config.connectors.map((c) => [c.name, makeConnector(c, ctx).health().up]), [['smpp-primary', false], ['smpp-fallback', false], ['uk-http', true]]);
});

X('readme :: the SMPP config to try by hand binds to the simulator started as the README says, and an SMS gets its receipt', async () => {
  // npm run smsc-sim -- --port 2775 --system-id test --password secret: the port here is a free one.
  const sim = new SmscSimulator({ systemId: 'test', password: 'secret' });
  const { port } = await sim.start();
  const raw = await example('smpp-local');
  (raw.connectors[0]!.smpp as { port: number }).port = port;
  const c = makeConnector(buildConfig(raw, 'README example', {}).connectors[0]!, ctx);
  const reports: string[] = [];
  c.onReport((r) => void reports.push(r.status));
  try {
    await c.start();
    c.resume([]);
    assert.is(c.health().state, 'bound');
    const res = await c.submit({ id: 'R.1', to: '+4915112345678', text: 'Hallo', encoding: 'GSM7', segments: 1 });
    assert.ok(res.ok, JSON.stringify(res));
    await waitFor('the receipt', () => reports.length > 0);
    assert.equal(reports, ['delivered']);
  } finally {
    await c.stop();
    await sim.stop();
  }
});

X.run();
