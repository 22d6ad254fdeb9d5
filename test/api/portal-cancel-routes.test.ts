import * as assert from 'uvu/assert';
import type { OutboundSms, SubmitResult } from '../../src/connectors/types.js';
import { apiSuite, call, portalForm, portalSession } from '../helpers/api.js';
import { RecordingSimulator, waitFor } from '../helpers/bridge.js';
import { assertGerman } from '../helpers/german.js';

/**
 * The simulator taking SMS to numbers ending in 1 (reporting on them only an hour later: they stay handed over),
 * refusing those ending in 2 for good (they fail at once), and turning the others away for a while (a retry in an hour).
 */
class ThreeWays extends RecordingSimulator {
  override async submit(sms: OutboundSms): Promise<SubmitResult> {
    if (sms.to.endsWith('1')) return super.submit(sms);
    if (sms.to.endsWith('2')) return { ok: false, temporary: false, reason: 'simulator: number not in service (simulated)' };
    return { ok: false, temporary: true, scope: 'sms', reason: `simulator: all concatenation references for ${sms.to} in use (simulated)` };
  }
}

const sim = new ThreeWays({ name: 'simulator', deliveryDelayMs: 3600_000, failNumbersEndingWith: [], sentLog: '' });

/** The portal's cancel of every SMS of a mail where some can no longer be cancelled, over real HTTP against a running bridge. */
const C = apiSuite('portal cancel routes', { dispatch: { retry: { baseSeconds: 3600, jitter: 0 } }, extras: { connectors: { simulator: sim } } });

C('cancel all :: handed to the carrier reads "too late", failed already "had ended already (failed)", the waiting one is cancelled; each on the page, in German too', async ({ b, lead }) => {
  const numbers = ['+4915112345611', '+4915112345612', '+4915112345613'];
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: numbers, text: 'Drei Wege.' } });
  assert.is(sent.status, 201, JSON.stringify(sent.body));
  const ids = (sent.body.messages as Array<{ id: string }>).map((m) => m.id);
  await waitFor('handed over, failed, waiting for a retry', () => b.store.get(ids[0])?.status === 'submitted' && b.store.get(ids[1])?.status === 'failed'
    && b.store.get(ids[2])?.history.some((e) => e.status === 'accepted' && e.reason?.includes('concatenation')));
  const s = await portalSession(b, 'lead', 'lead-password-1');

  const res = await portalForm(b, `/messages/${ids[2]}/cancel-mail`, { _csrf: s.csrf }, `${s.cookie}; m2s_lang=en`);
  assert.is(res.status, 200);
  const html = await res.text();
  const outcome = (h: string, id: string) => new RegExp(`<li data-id="${id.replace('.', '\\.')}" data-outcome="([^"]+)">[^]*?\\): ([^<]+)</li>`).exec(h)?.slice(1);
  assert.equal(outcome(html, ids[0]), ['too-late', 'too late: it was handed to the carrier']);
  assert.equal(outcome(html, ids[1]), ['already-final', 'not cancelled: it had ended already (failed)']);
  assert.equal(outcome(html, ids[2]), ['cancelled', 'cancelled']);
  assert.equal(ids.map((id) => b.store.get(id)?.status), ['submitted', 'failed', 'cancelled'], 'only the waiting one cancelled');

  const again = await (await portalForm(b, `/messages/${ids[0]}/cancel-mail`, { _csrf: s.csrf }, `${s.cookie}; m2s_lang=de`)).text();
  assertGerman(again, 'cancel all, nothing left to cancel');
  assert.equal(outcome(again, ids[0]), ['too-late', 'zu spät: sie wurde an den Netzbetreiber übergeben']);
  assert.equal(outcome(again, ids[1]), ['already-final', 'nicht storniert: sie war schon abgeschlossen (Fehlgeschlagen)']);
  assert.equal(outcome(again, ids[2]), ['already-cancelled', 'war schon storniert']);
});

C.run();
