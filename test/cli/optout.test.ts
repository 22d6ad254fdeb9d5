import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { runCli as run } from '../helpers/process.js';

const C = suite('cli optout and brake', {} as { dir: string; config: string });
C.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-cli-optout-'));
  ctx.config = join(ctx.dir, 'config.json');
  await writeFile(ctx.config, JSON.stringify({ store: { dir: join(ctx.dir, 'data') }, optout: ['+4915112345600'] }));
});
C.after(async (ctx) => { await rm(ctx.dir, { recursive: true, force: true }); });

const auditOf = async (dir: string) => (await Promise.all((await readdir(join(dir, 'data', 'audit'))).map((f) => readFile(join(dir, 'data', 'audit', f), 'utf8')))).join('');

C('optout :: add (any written form, stored as E.164), list with the config\'s own and each entry\'s scope, remove; each change in the audit log', async ({ dir, config }) => {
  const added = await run(['--config', config, 'optout', 'add', '0151 1234-5601', '--note', 'STOP per Telefon']);
  assert.equal([added.code, added.out, added.err], [0, '+4915112345601 will not receive SMS any more\n', '']);
  const listed = await run(['--config', config, 'optout', 'list']);
  assert.match(listed.out, /^\+4915112345600\tconfig\tevery sender\t\t\n\+4915112345601\toperator\tevery sender\t\d{4}-[^\t]+\tSTOP per Telefon\n$/);
  const removed = await run(['--config', config, 'optout', 'remove', '+4915112345601']);
  assert.is(removed.code, 0);
  const audit = await auditOf(dir);
  assert.match(audit, /"evt":"optout-added","number":"\+4915112345601","note":"STOP per Telefon","scope":"all","via":"cli","by":"[^"]+","host":"[^"]+"/);
  assert.match(audit, /"evt":"optout-removed","number":"\+4915112345601","scope":"all"/);
});

C('optout --sender :: an entry for one sender, written in any of its forms; list shows it; remove needs the same sender, and says which entries there are', async ({ dir, config }) => {
  const added = await run(['--config', config, 'optout', 'add', '+4915112345602', '--sender', '004930901820', '--note', 'Brief vom Kunden']);
  assert.equal([added.code, added.out], [0, '+4915112345602 will not receive SMS from +4930901820 any more\n']);
  assert.is((await run(['--config', config, 'optout', 'add', '+4915112345602', '--sender', '80888'])).code, 0);
  const listed = await run(['--config', config, 'optout', 'list', '0151 12345602']);
  assert.match(listed.out, /^\+4915112345602\toperator\t\+4930901820\t\d{4}-[^\t]+\tBrief vom Kunden\n\+4915112345602\toperator\t80888\t\d{4}-[^\t]+\t\n$/);
  const unscoped = await run(['--config', config, 'optout', 'remove', '+4915112345602']);
  assert.equal([unscoped.code, unscoped.err], [1, 'mail2sms optout: +4915112345602 is not on the run-time list for every sender; its run-time entries: --sender +4930901820, --sender 80888\n']);
  const removed = await run(['--config', config, 'optout', 'remove', '+4915112345602', '--sender', '030 901820']);
  assert.equal([removed.code, removed.out], [0, '+4915112345602 removed from the opt-out list for +4930901820\n']);
  assert.match((await run(['--config', config, 'optout', 'list', '+4915112345602'])).out, /^\+4915112345602\toperator\t80888\t/);
  assert.match(await auditOf(dir), /"evt":"optout-added","number":"\+4915112345602","note":"Brief vom Kunden","scope":"sender","sender":"\+4930901820"/);
  const bad = await run(['--config', config, 'optout', 'add', '+4915112345602', '--sender', 'ACME-AG!']);
  assert.equal([bad.code, bad.err.split(':')[0]], [1, 'mail2sms optout']);
  assert.match(bad.err, /"ACME-AG!" is not a sender: up to 11 letters/);
});

C('optout :: a number from the config file cannot be removed here; a bad number is named; no verb is a usage error', async ({ config }) => {
  const fromConfig = await run(['--config', config, 'optout', 'remove', '+4915112345600']);
  assert.equal([fromConfig.code, fromConfig.err], [1, 'mail2sms optout: +4915112345600 is not on the run-time list for every sender (it is in the configuration file: remove it there)\n']);
  const bad = await run(['--config', config, 'optout', 'add', '+49123']);
  assert.is(bad.code, 1);
  assert.match(bad.err, /"\+49123" is not a valid phone number: too short/);
  for (const [args, first] of [
    [[], 'mail2sms optout: say what to do: list, add or remove'],
    [['add'], 'mail2sms optout add: missing the number'],
    [['block', '+4915112345601'], 'mail2sms optout: unknown "block": list, add or remove'],
    // Regression: a number with spaces, unquoted, got the usage alone, which does not say what was wrong.
    [['add', '0151', '1234', '5601'], 'mail2sms optout add: one number at a time; "1234" "5601" is left over (a number with spaces goes in quotes: "0151 1234 5601")'],
  ] as const) {
    const r = await run(['--config', config, 'optout', ...args]);
    assert.equal([r.code, r.err.split('\n')[0], r.err.split('\n')[1]], [2, first, 'usage:'], args.join(' '));
  }
});

C('optout :: an empty list, or none for the number asked, says so on stderr; stdout stays one entry a line, none', async ({ dir }) => {
  const empty = join(dir, 'empty.json');
  await writeFile(empty, JSON.stringify({ store: { dir: join(dir, 'empty-data') } }));
  assert.equal(await run(['--config', empty, 'optout', 'list']), { code: 0, out: '', err: 'the opt-out list is empty\n' });
  assert.equal(await run(['--config', empty, 'optout', 'list', '0151 1234 5699']), { code: 0, out: '', err: '+4915112345699 is not on the opt-out list\n' });
});

C('brake :: an empty list says so on stderr (stdout stays one account a line, none), releasing an account that is not stopped is refused', async ({ config }) => {
  assert.equal(await run(['--config', config, 'brake', 'list']), { code: 0, out: '', err: 'no account is stopped by the fraud brake\n' });
  const r = await run(['--config', config, 'brake', 'release', 'default']);
  assert.equal([r.code, r.err], [1, 'mail2sms brake: account "default" is not stopped\n']);
});

C.run();
