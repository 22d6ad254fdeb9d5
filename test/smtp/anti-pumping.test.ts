import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { brakeCommand } from '../../src/cli/brake.js';
import { buildConfig } from '../../src/config/load.js';
import { withBridge, waitFor } from '../helpers/bridge.js';
import { chat, dataLines, mailer } from '../helpers/smtp.js';

/** Refusals at RCPT that stop SMS pumping, over real sockets, with the sentences a clerk reads. */
const P = suite('smtp anti-pumping');

const rcpt = (...to: string[]) => ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', ...to.map((t) => `RCPT TO:<${t}@sms.localhost>`)];
const send = (to: string[]) => [...rcpt(...to), 'DATA', ...dataLines('From: erp@acme.test\r\nSubject: x\r\n\r\nHallo.')];
const io = () => {
  const out: string[] = [];
  return { out, io: { readStdin: async () => '', out: (t: string) => void out.push(t), err: (t: string) => void out.push(t) } };
};

P('destinations :: premium-rate, shared-cost and a foreign country are refused at RCPT; a mobile in the account\'s country is not', () =>
  withBridge({}, async (b) => {
    const r = await chat(b.port, rcpt('+499001234567', '01801234567', '+33612345678', '+870773111234', '+4915112345661'));
    assert.is(r[2].text, '550 5.7.1 +499001234567 is a premium-rate number; SMS are only sent to mobile numbers');
    assert.is(r[3].text, '550 5.7.1 +491801234567 is a shared-cost number; SMS are only sent to mobile numbers');
    assert.is(r[4].text, '550 5.7.1 +33612345678 is a number in France (FR); the SMS account "default" may only send to Germany (DE)');
    assert.match(r[5].text, /^550 5\.7\.1 \+870773111234 is a number in no country/);
    assert.is(r[6].code, 250);
  }));

P('destinations :: an account allowed more countries sends there (limits.countries on the account)', () =>
  withBridge({ accounts: [{ name: 'default', description: '', networks: ['127.0.0.0/8'], addresses: [], limits: { countries: ['DE', 'FR'] } }] as never }, async (b) => {
    const r = await chat(b.port, rcpt('+33612345678', '+447911123456'));
    assert.is(r[2].code, 250);
    assert.match(r[3].text, /^550 5\.7\.1 \+447911123456 is a number in Guernsey \(GG\); the SMS account "default" may only send to Germany \(DE\), France \(FR\)$/);
  }));

P('opt-out :: numbers from the config and added at run time are refused at RCPT; removing one lets it through again', () =>
  withBridge({ optout: ['+4915112345662'] }, async (b) => {
    assert.is((await chat(b.port, rcpt('015112345662')))[2].text, '550 5.7.1 +4915112345662 has asked not to receive SMS from this gateway (opt-out list); nothing is sent to it');
    await b.optout.add('+4915112345663', new Date(), { note: 'STOP per Telefon' });
    assert.is((await chat(b.port, rcpt('+4915112345663')))[2].code, 550);
    await b.optout.remove('+4915112345663');
    assert.is((await chat(b.port, rcpt('+4915112345663')))[2].code, 250);
  }));

P('brake :: a spike of never-seen numbers stops the account (451 4.7.1 at MAIL FROM) until released with the CLI; then mail goes through', () =>
  withBridge({ limits: { brake: { newNumbersPerWindow: 3 } } }, async (b) => {
    assert.match((await chat(b.port, send(['+4915112345671', '+4915112345672', '+4915112345673']))).at(-1)!.text, /^250 /, 'the spike itself was accepted');
    const alert = await waitFor('the alert', () => b.events.find((e) => e.evt === 'brake-engaged'));
    assert.is(alert.account, 'default');
    const stopped = await chat(b.port, send(['+4915112345671']));
    assert.is(stopped[1].text, '451 4.7.1 sending for the SMS account "default" is paused (3 numbers never sent to before within 60 minutes) until an operator has checked and released it; a mail server keeps the mail and tries again, a mail program shows this error: send it again later');
    // The operator's command runs against the same store directory, as another process would.
    const config = buildConfig({ store: { dir: b.dir } });
    await waitFor('the brake in the settings file', async () => (await readFile(join(b.dir, 'settings.json'), 'utf8').catch(() => '')).includes('"brakes": {\n    "default"'));
    const listed = io();
    assert.is(await brakeCommand(['list'], config, listed.io), 0);
    assert.match(listed.out.join(''), /^default\t\d{4}-.*\t3 numbers never sent to before/);
    assert.is(await brakeCommand(['release', 'default'], config, io().io), 0);
    const again = await waitFor('the release to be picked up', async () => {
      const r = await chat(b.port, send(['+4915112345671']));
      return r.at(-1)!.code === 250 ? r : undefined;
    }, 5000);
    assert.match(again.at(-1)!.text, /queued as/);
  }));

P('brake :: many failures stop the account (the simulator fails numbers ending in 0000)', () =>
  withBridge({ limits: { brake: { minOutcomes: 4, failureRatio: 0.5, newNumbersPerWindow: 0 } } }, async (b) => {
    const info = await mailer(b.port).sendMail({ from: 'erp@acme.test', to: ['+4915112340000', '+4915112350000', '+4915112360000', '+4915112370000'].map((n) => `${n}@sms.localhost`), subject: 'x', text: 'Gibt es nicht.' });
    assert.match(info.response, /\(4 SMS\)/);
    const alert = await waitFor('the alert', () => b.events.find((e) => e.evt === 'brake-engaged'));
    assert.is(alert.reason, '4 of the last 4 SMS failed within 60 minutes');
    assert.is((await chat(b.port, rcpt('+4915112345681')))[1].code, 451);
  }));

P.run();
