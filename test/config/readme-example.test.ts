import { readFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildConfig } from '../../src/config/load.js';
import { decideRoute, type MessageFacts } from '../../src/dispatch/router.js';

/** The README's "Connectors and routes" example is a valid config and routes as the text says. */
const X = suite('config readme example');

const env = { SMPP_PRIMARY_PASSWORD: 'x', SMPP_FALLBACK_PASSWORD: 'y', UK_API_AUTH: 'Bearer z', UK_WEBHOOK_SECRET: 'uk-webhook-secret-0123' };

async function example(): Promise<{ connectors: Array<Record<string, unknown>> }> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /<!-- example:routes -->\n```json\n([\s\S]*?)```\n<!-- example:end -->/.exec(readme);
  assert.ok(block, 'the example block is in the README');
  return JSON.parse(block[1]) as { connectors: Array<Record<string, unknown>> };
}

X('readme :: the connectors-and-routes example is valid and routes DE to the SMPP pair, UK over HTTP first', async () => {
  const raw = await example();
  const config = buildConfig(raw, 'README example', env);
  const table = { routes: config.routes, defaultRoute: config.defaultRoute, connectors: config.connectors.map((c) => c.name) };
  const facts = (to: string, country: string): MessageFacts => ({ to, country, account: 'default', kinds: ['gsm7', 'single'] });
  const up = () => undefined;
  assert.equal(decideRoute(facts('+4915112345678', 'DE'), table, up, Math.random), { ok: true, route: 'germany', candidates: ['smpp-primary', 'smpp-fallback'], skipped: [] });
  assert.equal(decideRoute(facts('+447400123456', 'GB'), table, up, Math.random), { ok: true, route: 'uk', candidates: ['uk-http', 'smpp-primary'], skipped: [] });
  assert.equal(decideRoute(facts('+33612345678', 'FR'), table, up, Math.random), { ok: true, route: 'default', candidates: ['smpp-primary', 'smpp-fallback'], skipped: [] });
});

X.run();
