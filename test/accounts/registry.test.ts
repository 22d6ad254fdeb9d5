import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { accountInheritance, AccountChangeError, Accounts } from '../../src/accounts/registry.js';
import { SettingsStore } from '../../src/accounts/settings.js';
import type { AccountConfig } from '../../src/accounts/types.js';
import { buildConfig, ConfigError } from '../../src/config/load.js';
import { waitFor } from '../helpers/bridge.js';

const inherit = { timeZone: 'Europe/Berlin', defaultCountry: 'DE', notify: 'final' as const, maxSegments: 6 };
const ACME: AccountConfig = { name: 'acme', description: 'ACME', networks: ['10.0.0.0/8'], addresses: ['@acme.test'], defaultCountry: 'AT', maxSegments: 3 };
const BETA: AccountConfig = { name: 'beta', description: '', networks: ['192.0.2.0/24'], addresses: [] };

const R = suite('accounts registry', {} as { dir: string });
R.before.each(async (ctx) => { ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-accounts-')); });
R.after.each(async (ctx) => { await rm(ctx.dir, { recursive: true, force: true }); });

R('inherit :: an account without its own values gets the gateway-wide ones; its own win', () => {
  const a = new Accounts({ accounts: [ACME, BETA], inherit });
  assert.equal({ ...a.get('beta') }, {
    name: 'beta', description: '', networks: ['192.0.2.0/24'], addresses: [], timeZone: 'Europe/Berlin', defaultCountry: 'DE', notify: 'final', language: 'en', maxSegments: 6,
    senderId: undefined, numericSender: undefined, allowedSenderIds: [], validityHours: undefined, duplicateDetection: false, duplicateWindowMinutes: 10,
    signaturePatterns: [], quietHours: undefined, forwardReplies: false, allowExpress: true,
  });
  assert.is(a.get('acme')!.defaultCountry, 'AT');
  assert.is(a.get('acme')!.maxSegments, 3);
  assert.is(a.forNetwork('10.9.8.7')!.name, 'acme');
  assert.is(a.forNetwork('192.0.2.44')!.name, 'beta');
  assert.is(a.forNetwork('203.0.113.1'), undefined);
});

R('change :: a default changed at run time applies at once and survives a new registry on the same file', async ({ dir }) => {
  const settings = new SettingsStore({ file: join(dir, 'settings.json') });
  await settings.open();
  const a = new Accounts({ accounts: [ACME], inherit, settings });
  const changed = await a.changeDefaults('acme', { notify: 'all', timeZone: 'Europe/Vienna' });
  assert.is(changed.notify, 'all');
  assert.is(a.get('acme')!.timeZone, 'Europe/Vienna');
  const again = new SettingsStore({ file: join(dir, 'settings.json') });
  await again.open();
  assert.is(new Accounts({ accounts: [ACME], inherit, settings: again }).get('acme')!.notify, 'all');
  await a.changeDefaults('acme', { notify: null });
  assert.is(a.get('acme')!.notify, 'final', 'null removes the change: the inherited value applies again');
});

R('inherit :: sending defaults come from options.* unless the account sets its own ({} switches quiet hours off)', () => {
  const config = buildConfig({
    options: { senderId: 'GATEWAY', allowedSenderIds: ['*'], validityHours: 24, duplicateDetection: true, quietHours: { from: '21:00', to: '08:00' } },
    accounts: [
      { name: 'plain' },
      { name: 'own', senderId: 'ACME', numericSender: '+15005550006', allowedSenderIds: ['ACME Bank'], validityHours: 2, duplicateDetection: false, duplicateWindowMinutes: 30, signaturePatterns: ['^Gruß'], quietHours: {} },
    ],
  });
  const a = new Accounts({ accounts: config.accounts, inherit: accountInheritance(config) });
  const plain = a.get('plain')!;
  assert.equal([plain.senderId, plain.numericSender, plain.allowedSenderIds, plain.validityHours, plain.duplicateDetection, plain.duplicateWindowMinutes, plain.quietHours?.from],
    ['GATEWAY', undefined, ['*'], 24, true, 10, '21:00']);
  const own = a.get('own')!;
  assert.equal([own.senderId, own.numericSender, own.allowedSenderIds, own.validityHours, own.duplicateDetection, own.duplicateWindowMinutes, own.signaturePatterns, own.quietHours],
    ['ACME', '+15005550006', ['ACME Bank'], 2, false, 30, ['^Gruß'], { from: '', to: '', days: [], dates: [], timeZones: [] }]);
});

R('language :: inherits notify.language, an account\'s own wins, and a user may switch it at run time', async ({ dir }) => {
  const config = buildConfig({ notify: { language: 'de' }, accounts: [{ name: 'plain' }, { name: 'own', language: 'en' }] });
  const settings = new SettingsStore({ file: join(dir, 'settings.json') });
  await settings.open();
  const a = new Accounts({ accounts: config.accounts, inherit: accountInheritance(config), settings });
  assert.equal([a.get('plain')!.language, a.get('own')!.language], ['de', 'en']);
  assert.is((await a.changeDefaults('own', { language: 'de' })).language, 'de');
  assert.is((await a.changeDefaults('own', { language: null })).language, 'en', 'null: the configured value again');
  assert.is(new Accounts({ accounts: [BETA], inherit }).get('beta')!.language, 'en', 'without notify.language: English');
  assert.is(buildConfig({}).notify.language, 'en', 'the default stays English for existing deployments');
});

R('change :: the portal may switch the default sender ID only among those the configuration allows', async ({ dir }) => {
  const settings = new SettingsStore({ file: join(dir, 'settings.json') });
  await settings.open();
  const a = new Accounts({ accounts: [{ ...ACME, senderId: 'ACME', allowedSenderIds: ['ACME Bank', '+4930123456'] }], inherit, settings });
  assert.is((await a.changeDefaults('acme', { senderId: 'acme bank' })).senderId, 'acme bank');
  assert.is((await a.changeDefaults('acme', { senderId: '004930123456', quietHours: { from: '20:00', to: '08:00', days: ['sun'] } })).quietHours?.days?.[0], 'sun');
  try {
    await a.changeDefaults('acme', { senderId: 'EVILCORP' });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, AccountChangeError);
    assert.is((e as Error).message, 'senderId: "EVILCORP" is not among the sender IDs the configuration allows this account (ACME Bank, +4930123456, ACME)');
  }
});

const BAD: Array<[string, Record<string, unknown>, RegExp]> = [
  ['a value the schema refuses, named with what is allowed', { notify: 'sometimes' }, /^notify: is "sometimes"; allowed: one of "none", "failure", "final", "delivery", "all"$/],
  ['a language there is no wording for', { language: 'fr' }, /^language: is "fr"; allowed: one of "en", "de"$/],
  ['more segments than the gateway allows', { maxSegments: 9 }, /maxSegments: is 9; allowed: at most text\.maxSegments \(6\)/],
  ['a key that is not a default option (networks are security, config only)', { networks: ['0.0.0.0/0'] }, /networks: cannot be changed at run time/],
  ['the sender ID allowlist (config only: the portal must not widen it)', { allowedSenderIds: ['*'] }, /allowedSenderIds: cannot be changed at run time/],
  ['a signature pattern that is no regex', { signaturePatterns: ['(unclosed'] }, /^signaturePatterns\[0\]: is "\(unclosed"; allowed: a regular expression/],
  ['a time zone nobody knows (it failed every RCPT of the account)', { timeZone: 'Mars/X' }, /^timeZone: is "Mars\/X"; allowed: an IANA time zone such as "Europe\/Berlin"$/],
  ['a country outside the number plan (it refused every international number)', { defaultCountry: 'XX' }, /^defaultCountry: is "XX"; allowed: a country of the international number plan by its ISO 3166 code/],
  ['a country in lower case', { defaultCountry: 'de' }, /^defaultCountry: is "de"; allowed: a country/],
  ['quiet hours written 8:00: words a team lead reads, not the schema\'s regular expression', { quietHours: { from: '8:00', to: '20:00' } }, /^quietHours\.from: is "8:00"; allowed: a time of day as HH:MM on the 24-hour clock, such as "08:00" or "20:00"$/],
  ['quiet hours with a start and no end', { quietHours: { from: '20:00' } }, /^quietHours: has from without to/],
  ['a numeric fallback that is a name', { numericSender: 'ACME' }, /numericSender: is "ACME"; allowed: a number/],
  ['an empty sender ID', { senderId: '' }, /^senderId: is ""; allowed: up to 11 letters, digits and spaces with at least one letter, an international number of 7 to 15 digits like \+4930123456, or a short code of 3 to 8 digits$/],
  ['a numeric fallback of two digits', { numericSender: '12' }, /^numericSender: is "12"; allowed: an international number of 7 to 15 digits like \+4930123456 or a short code of 3 to 8 digits$/],
];
for (const [name, patch, want] of BAD) {
  R(`change :: refused: ${name}; nothing is written`, async ({ dir }) => {
    const settings = new SettingsStore({ file: join(dir, 'settings.json') });
    await settings.open();
    const a = new Accounts({ accounts: [ACME], inherit, settings });
    try {
      await a.changeDefaults('acme', patch);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, AccountChangeError);
      assert.match((e as Error).message, want);
    }
    assert.equal(settings.data.accounts, {});
    assert.is(a.get('acme')!.maxSegments, 3);
  });
}

R('change :: every problem at once, each in the config loader\'s words with what is allowed; nothing is written', async ({ dir }) => {
  const settings = new SettingsStore({ file: join(dir, 'settings.json') });
  await settings.open();
  const a = new Accounts({ accounts: [ACME], inherit, settings });
  try {
    await a.changeDefaults('acme', { timeZone: 'Mars/X', defaultCountry: 'XX', notify: 'sometimes', maxSegments: 9 });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, AccountChangeError);
    assert.equal((e as AccountChangeError).problems, [
      'notify: is "sometimes"; allowed: one of "none", "failure", "final", "delivery", "all"',
      'maxSegments: is 9; allowed: at most text.maxSegments (6)',
      'timeZone: is "Mars/X"; allowed: an IANA time zone such as "Europe/Berlin"',
      'defaultCountry: is "XX"; allowed: a country of the international number plan by its ISO 3166 code, such as "DE", "AT" or "CH"',
    ]);
  }
  assert.equal(settings.data.accounts, {});
});

R('change :: another process (the CLI) changing the file is picked up by the running bridge', async ({ dir }) => {
  const file = join(dir, 'settings.json');
  const bridgeSide = new SettingsStore({ file, pollMs: 20 });
  await bridgeSide.open();
  const a = new Accounts({ accounts: [ACME], inherit, settings: bridgeSide });
  try {
    const cli = new SettingsStore({ file });
    await cli.open();
    await new Accounts({ accounts: [ACME], inherit, settings: cli }).changeDefaults('acme', { defaultCountry: 'CH' });
    await waitFor('the change to arrive', () => a.get('acme')!.defaultCountry === 'CH');
  } finally {
    bridgeSide.close();
  }
});

R('settings :: a hand-edited bad value is ignored for that account (logged), the configured values stay', async ({ dir }) => {
  const file = join(dir, 'settings.json');
  await writeFile(file, JSON.stringify({ version: 1, accounts: { acme: { maxSegments: 'lots' } } }));
  const settings = new SettingsStore({ file });
  await settings.open();
  const logged: unknown[] = [];
  const a = new Accounts({ accounts: [ACME], inherit, settings, log: (evt, d) => logged.push({ evt, ...d }) });
  assert.is(a.get('acme')!.maxSegments, 3);
  assert.match(JSON.stringify(logged), /account-settings-ignored.*maxSegments/);
});

R('settings :: a bad zone or country stored before it was checked is left out with a warning naming file and keys; the account\'s other changes apply', async ({ dir }) => {
  const file = join(dir, 'settings.json');
  await writeFile(file, JSON.stringify({ version: 1, accounts: { acme: { timeZone: 'Mars/X', defaultCountry: 'XX', notify: 'all' } } }));
  const settings = new SettingsStore({ file });
  await settings.open();
  const logged: Array<Record<string, unknown>> = [];
  const a = new Accounts({ accounts: [ACME], inherit, settings, log: (evt, d) => logged.push({ evt, ...d }) });
  const acme = a.get('acme')!;
  assert.equal([acme.timeZone, acme.defaultCountry, acme.notify], ['Europe/Berlin', 'AT', 'all'], 'inherited zone, configured country, the good change');
  assert.equal(logged.map((l) => [l.evt, l.account, l.file, l.ignored]), [['account-settings-ignored', 'acme', file, ['timeZone', 'defaultCountry']]]);
  assert.match(String((logged[0].problems as string[])[0]), /^timeZone: is "Mars\/X"; allowed: an IANA time zone/);
  // The next change through the portal or API leaves what was not in force out of the file.
  await a.changeDefaults('acme', { maxSegments: 2 });
  assert.equal(settings.data.accounts.acme, { notify: 'all', maxSegments: 2 });
});

R('change :: forwardReplies may be switched off at run time, and on only where the configuration has it on for the account', async ({ dir }) => {
  const settings = new SettingsStore({ file: join(dir, 'settings.json') });
  await settings.open();
  const on = { ...inherit, forwardReplies: true };
  const a = new Accounts({ accounts: [ACME, { ...BETA, forwardReplies: false }], inherit: on, settings });
  assert.is((await a.changeDefaults('acme', { forwardReplies: false })).forwardReplies, false);
  assert.is((await a.changeDefaults('acme', { forwardReplies: true })).forwardReplies, true);
  assert.is((await a.changeDefaults('beta', { forwardReplies: false })).forwardReplies, false, 'off where it is off: harmless');
  try {
    await a.changeDefaults('beta', { forwardReplies: true });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, AccountChangeError);
    assert.is((e as Error).message, 'forwardReplies: cannot be switched on: the configuration turns it off for this account (accounts[].forwardReplies is false); only the operator can change that, in the configuration file');
  }
  // The operator switches it off everywhere later: the account's stored "on" is no longer in force (and said so at start).
  const logged: Array<Record<string, unknown>> = [];
  const later = new Accounts({ accounts: [ACME], inherit: { ...inherit, forwardReplies: false }, settings, log: (evt, d) => logged.push({ evt, ...d }) });
  assert.is(later.get('acme')!.forwardReplies, false);
  assert.equal(logged.map((l) => [l.evt, l.ignored]), [['account-settings-ignored', ['forwardReplies']]]);
});

R('settings :: a file that is not JSON stops the start with its name, untouched', async ({ dir }) => {
  const file = join(dir, 'settings.json');
  await writeFile(file, '{ broken');
  try {
    await new SettingsStore({ file }).open();
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /settings file .*settings\.json cannot be read .* left untouched/);
  }
});

R('config :: every accounts problem reported at once', () => {
  try {
    buildConfig({
      accounts: [
        { name: 'acme', networks: ['10.0.0.0/8', 'mail.acme.test'], timeZone: 'Mars/Olympus', maxSegments: 9 },
        { name: 'acme', networks: ['10.0.0.0/8'] },
        { name: 'Bad Name' },
      ],
    }, 'a.json');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    const p = (e as ConfigError).problems;
    assert.ok(p[0].startsWith('accounts[2].name: is "Bad Name"'), p.join('\n'));
    // the schema's problems come first; the cross-checks follow in the same round
    assert.is(p.length, 5, p.join('\n'));
  }
  try {
    buildConfig({
      accounts: [
        { name: 'acme', networks: ['10.0.0.0/8', 'mail.acme.test'], timeZone: 'Mars/Olympus', maxSegments: 9 },
        { name: 'acme' },
        { name: 'beta', networks: ['10.0.0.0/8'] },
      ],
    }, 'a.json');
    assert.unreachable();
  } catch (e) {
    const p = (e as ConfigError).problems;
    assert.equal(p, [
      'accounts[0].networks[1]: "mail.acme.test" is not an IP address or CIDR range (like 10.1.2.0/24 or ::1/128)',
      'accounts[0].maxSegments: is 9; allowed: at most text.maxSegments (6)',
      'accounts[0].timeZone: is "Mars/Olympus"; allowed: an IANA time zone such as "Europe/Berlin"',
      'accounts[1].name: "acme" is used by two accounts',
      'accounts[2].networks[0]: 10.0.0.0/8 already belongs to account "acme"',
    ]);
  }
});

R.run();
