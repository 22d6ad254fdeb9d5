import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { apiBase } from '../helpers/api.js';
import { startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { launchBrowser } from '../helpers/browser.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

const run = promisify(execFile);

/**
 * Issue 7, "Done when", in one test: a team lead logs in (real Chromium),
 * sees today's volume and delivery rate, finds the reminder for INV-4711
 * with its three timestamps, changes the account's default sender ID and the
 * next mail goes out with it; curl submits an SMS over the API and tracks it
 * to delivered.
 */
const D = suite<{ b: TestBridge; browser: Browser }>('portal done when');

D.before(async (ctx) => {
  [ctx.b, ctx.browser] = await Promise.all([
    startTestBridge({ accounts: [{ name: 'acme', description: 'ACME accounting', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], allowedSenderIds: ['ACME', 'ACME Bank'] }] as never, connectors: [{ name: 'simulator', type: 'simulator', simulator: { deliveryDelayMs: 150 } }] as never }),
    launchBrowser(),
  ]);
  await ctx.b.users.add('lead', 'acme', 'team-lead-password');
});
D.after(async (ctx) => {
  await ctx.browser?.close();
  await stopTestBridge(ctx.b);
});

async function curlJson(args: string[]): Promise<any> {
  const { stdout } = await run('curl', ['--silent', '--show-error', '--fail-with-body', ...args]);
  return JSON.parse(stdout);
}

async function logIn(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/`);
  assert.match(page.url(), /\/login\?next=%2F$/);
  await page.getByLabel('User').fill('lead');
  await page.getByLabel('Password').fill('team-lead-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/`);
}

D('team lead :: volume, rate, the INV-4711 timeline, a new default sender ID on the next mail; curl submits and tracks', async ({ b, browser }) => {
  const base = apiBase(b);
  // The clerk's reminder, by mail from the ERP.
  const info = await mailer(b.port).sendMail({
    from: 'erp@acme.test', to: '+4915112345678@sms.localhost', subject: 'Zahlungserinnerung',
    text: 'Bitte begleichen Sie die Rechnung INV-4711 bis Freitag.', headers: { 'X-SMS-Reference': 'INV-4711' },
  });
  const reminderId = `${queuedAs(info.response)}.1`;

  // An integrator: curl submits over the API and follows the SMS until delivered.
  const submitted = await curlJson(['-u', 'lead:team-lead-password', '-H', 'content-type: application/json',
    '-d', JSON.stringify({ to: '+4915112345679', text: 'Ihr Paket kommt morgen.', reference: 'SHIP-1' }), `${base}/api/v1/messages`]);
  const apiId = submitted.messages[0].id;
  const tracked = await waitFor('the API SMS delivered', async () => {
    const m = await curlJson(['-u', 'lead:team-lead-password', `${base}/api/v1/messages/${apiId}`]);
    return m.status === 'delivered' ? m : undefined;
  });
  assert.equal(tracked.timeline.map((e: { status: string }) => e.status), ['accepted', 'submitting', 'submitted', 'delivered']);
  const reminder = await waitFor('the reminder delivered', () => (b.store.get(reminderId)?.status === 'delivered' ? b.store.get(reminderId) : undefined));

  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  try {
    await logIn(page, base);
    // Today's volume and delivery rate.
    assert.is(await page.locator('[data-metric=today-messages]').textContent(), '2');
    assert.is(await page.locator('[data-metric=today-delivered]').textContent(), '2');
    assert.is(await page.locator('[data-metric=today-rate]').textContent(), '100.0 %');
    assert.is(await page.locator('svg.chart').count(), 2);

    // The reminder for INV-4711 and its three timestamps.
    await page.getByRole('link', { name: 'Messages' }).click();
    await page.getByLabel('Reference').fill('INV-4711');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator(`tr[data-id="${reminderId}"] a`).click();
    await page.waitForURL(`${base}/messages/${reminderId}`);
    const steps = await page.locator('ol.timeline li[data-status]').evaluateAll((lis) =>
      lis.map((li) => [li.getAttribute('data-status'), li.querySelector('.label')?.textContent, li.querySelector('time')?.getAttribute('datetime')]));
    const at = (s: string) => reminder.history.find((e) => e.status === s)!.at;
    assert.equal(steps, [
      ['accepted', 'Accepted by mail2sms', at('accepted')],
      ['submitted', 'Handed to the carrier', at('submitted')],
      ['delivered', 'Delivered to the phone', at('delivered')],
    ]);
    assert.match(await page.locator('ol.timeline time').first().textContent() ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+0[12]:00$/);

    // The account's default sender ID, changed in the form.
    await page.getByRole('link', { name: 'Default options' }).click();
    await page.waitForURL(`${base}/accounts/acme`);
    // One the configuration does not allow the account is refused: the portal cannot widen the allowlist.
    await page.getByLabel('Default sender ID').fill('EVILCORP');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Nothing was saved').waitFor();
    assert.match(await page.locator('.field.invalid small.error').textContent() ?? '', /^senderId: "EVILCORP" is not among the sender IDs/);
    await page.getByLabel('Default sender ID').fill('ACME');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved. The next mail uses these options.').waitFor();
    // A value the schema refuses (more than text.maxSegments) is named, and nothing changes.
    await page.getByLabel('Longest SMS (segments)').fill('7');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Nothing was saved').waitFor();
    assert.match(await page.locator('.field.invalid small.error').textContent() ?? '', /^maxSegments: /);
  } finally {
    await page.close();
  }
  const next = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345670@sms.localhost', subject: 'Erinnerung', text: 'Bitte denken Sie an INV-4712.' });
  const nextId = `${queuedAs(next.response)}.1`;
  const sms = await waitFor('the next SMS', () => b.sims.simulator.sent.find((s) => s.id === nextId));
  assert.is(sms.sender, 'ACME', 'the next mail goes out with the new default sender ID');
  assert.is(b.sims.simulator.sent.find((s) => s.id === reminderId)?.sender, undefined, 'the reminder before the change had none');
  assert.is(b.accounts.get('acme')?.maxSegments, 6);
});

D.run();
