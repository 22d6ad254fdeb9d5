import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/process.js';

/**
 * Every `mail2sms <command>` checks the whole configuration first, and
 * loading what that check needs was most of a command's CPU. The check
 * needs what each connector type's settings amount to (connectors/kinds.ts)
 * and the schema's defaults, but no connector, no SMPP library and no mail
 * text extraction with its HTML parser: those stay unloaded.
 */
const S = suite<{ dir: string }>('cli startup :: a command loads what checking the configuration needs, not the bridge\'s parts');
S.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'startup-'));
});
S.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

/** A node option that has every module node loads named on standard error ("module <url>"). */
const HOOK = `export async function load(url, context, next) { process.stderr.write('module ' + url + '\\n'); return next(url, context); }`;
const MODULE_LOG = ['--import', `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});`)}`];

S('users list, with an SMPP and an HTTP connector configured :: their settings are checked, the connectors\' modules not loaded', async ({ dir }) => {
  const config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify({
    store: { dir: join(dir, 'store') },
    connectors: [
      { name: 'smsc', type: 'smpp', smpp: { host: '127.0.0.1', port: 2775, systemId: 'acme', password: '${SMPP_PASSWORD}' } },
      { name: 'rest', type: 'http', http: { url: 'http://127.0.0.1:9/sms', query: { to: '{{to}}', text: '{{text}}' } } },
    ],
  }));
  const r = await runCli(['users', 'list', '--config', config], '', {}, MODULE_LOG);
  assert.is(r.code, 0, r.err);
  assert.ok(r.err.includes('no users yet: mail2sms users add <name> --account <account>\n'), r.err);
  const loaded = r.err.split('\n').filter((l) => l.startsWith('module ')).map((l) => l.slice('module '.length));
  assert.ok(loaded.some((u) => u.endsWith('/src/config/check.ts')) && loaded.some((u) => u.endsWith('/src/connectors/kinds.ts')), 'the hook names the modules');
  const unwanted = [/\/src\/connectors\/factory\.ts$/, /\/src\/connectors\/smpp\/connector\.ts$/, /\/node_modules\/smpp\//, /\/src\/mail\/extract\.ts$/, /\/node_modules\/html-to-text\//];
  assert.equal(loaded.filter((u) => unwanted.some((re) => re.test(u))), []);
});

S('users list, with countries, senders and a country route configured :: the configuration is checked without libphonenumber\'s functions (about 50 ms a run), only its list of countries', async ({ dir }) => {
  const config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify({
    store: { dir: join(dir, 'store') },
    smtp: { defaultCountry: 'DE' },
    connectors: [{ name: 'sim', type: 'simulator' }, { name: 'us', type: 'simulator' }],
    routes: [{ match: { countries: ['US'] }, connectors: ['us'] }],
    accounts: [{ name: 'acme', networks: ['127.0.0.2'], addresses: ['@acme.test'], defaultCountry: 'AT', senderId: 'ACME', numericSender: '+4930123456', allowedSenderIds: ['12345'] }],
  }));
  const r = await runCli(['users', 'list', '--config', config], '', {}, MODULE_LOG);
  assert.is(r.code, 0, r.err);
  const loaded = r.err.split('\n').filter((l) => l.startsWith('module ')).map((l) => l.slice('module '.length));
  assert.ok(loaded.some((u) => u.endsWith('/src/accounts/validate.ts')) && loaded.some((u) => u.includes('/node_modules/libphonenumber-js/')), 'the hook names the modules');
  const unwanted = [/\/src\/sms\/number\.ts$/, /\/node_modules\/libphonenumber-js\/(?!metadata\.max\.json|max\/metadata\.js|package\.json)/];
  assert.equal(loaded.filter((u) => unwanted.some((re) => re.test(u))), []);
});

S('users list with an account\'s country outside the number plan :: still refused, from the list of countries alone', async ({ dir }) => {
  const config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify({ store: { dir: join(dir, 'store') }, accounts: [{ name: 'acme', networks: ['127.0.0.2'], defaultCountry: 'XX' }] }));
  const r = await runCli(['users', 'list', '--config', config], '', {});
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /accounts\[0\]\.defaultCountry: is "XX"; allowed: a country of the international number plan/);
});

S.run();
