import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { bearer, call, portalPage, portalSession } from '../helpers/api.js';
import { assertGerman } from '../helpers/german.js';
import { startTestBridge, waitFor, withBridge, type TestBridge } from '../helpers/bridge.js';
import { restoredStore, sms } from '../helpers/store.js';

/**
 * The message list's status cell of an SMS held by the fraud brake or by the hold after a restore, on a running bridge
 * over real HTTP: what the pure table of portal-views.test.ts says, as the dispatcher really records the holds.
 */
const L = suite('portal message list :: held rows');

const row = (html: string, id: string) => new RegExp(`<tr data-id="${id.replace(/\./g, '\\.')}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';

L('brake :: an SMS of a spike of new numbers, due after the brake stopped the account and held by it, reads "held" and why; in German too', () =>
  withBridge({ limits: { brake: { newNumbersPerWindow: 3 } } }, async (b) => {
    await b.users.add('lead', 'default', 'lead-password-1');
    const auth = await bearer(b, 'lead', 'lead-password-1');
    // Due in a moment: the brake engages as they are accepted, so the dispatcher holds them when they come due.
    const sendAt = new Date(Date.now() + 3000).toISOString();
    const sent = await call(b, 'POST', '/api/v1/messages', { auth, body: { to: ['+4915112345671', '+4915112345672', '+4915112345673'], text: 'Neu.', reference: 'SPIKE-1', sendAt } });
    assert.is(sent.status, 201, JSON.stringify(sent.body));
    await waitFor('the brake engaged', () => b.events.find((e) => e.evt === 'brake-engaged'));
    const id = sent.body.messages[1].id as string;
    await waitFor('held by the brake', () => b.store.get(id)?.history.at(-1)?.hold === 'brake', 10_000);
    const s = await portalSession(b, 'lead', 'lead-password-1');
    const english = row((await portalPage(b, '/messages?reference=SPIKE-1', s.cookie)).html, id);
    assert.match(english, '<span class="status s-held">held</span> <small class="wait">the account is stopped by the fraud brake</small>');
    const page = (await portalPage(b, '/messages?reference=SPIKE-1', `${s.cookie}; m2s_lang=de`)).html;
    assertGerman(page, 'held by the brake');
    assert.match(row(page, id), '<span class="status s-held">Angehalten</span> <small class="wait">das Konto ist durch die Betrugsbremse gestoppt</small>');
  }));

L('restore :: an SMS queued before the backup, held until an operator releases it, reads "held" and why; in German too', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-portal-list-'));
  let b: TestBridge | undefined;
  try {
    await restoredStore(dir, { queued: [sms('R.1', { reference: 'RESTORED-1' })], connector: 'simulator', finishedAt: new Date(Date.now() - 60_000) });
    b = await startTestBridge({}, dir);
    await b.users.add('lead', 'default', 'lead-password-1');
    await waitFor('held by the restore', () => b!.store.get('R.1')?.history.at(-1)?.hold === 'restore');
    const s = await portalSession(b, 'lead', 'lead-password-1');
    const english = row((await portalPage(b, '/messages?reference=RESTORED-1', s.cookie)).html, 'R.1');
    assert.match(english, '<span class="status s-held">held</span> <small class="wait">after a restore, until an operator releases it</small>');
    const page = (await portalPage(b, '/messages?reference=RESTORED-1', `${s.cookie}; m2s_lang=de`)).html;
    assertGerman(page, 'held by the restore');
    assert.match(row(page, 'R.1'), '<span class="status s-held">Angehalten</span> <small class="wait">nach einer Wiederherstellung, bis ein Betreiber sie freigibt</small>');
  } finally {
    await b?.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

L.run();
