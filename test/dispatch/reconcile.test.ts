import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { ResumeItem } from '../../src/connectors/types.js';
import { JournalStore } from '../../src/store/journal-store.js';
import type { SmsMessage, StatusEvent } from '../../src/store/types.js';
import { startTestBridge, waitFor } from '../helpers/bridge.js';
import { ScriptedSimulator } from '../helpers/connectors.js';

/**
 * A restart after a crash left SMS in `submitting`: each is asked of the
 * connector its event names, not of "the" connector; reports are matched by
 * (connector, id).
 */
const R = suite<{ dir: string }>('dispatch reconcile per connector');
R.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-reconcile-'));
});
R.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

const at = () => new Date().toISOString();

function sms(id: string): SmsMessage {
  return {
    id, mailId: id.split('.')[0], account: 'default', to: '+4915112345678', text: 'Hallo', encoding: 'GSM7', segments: 1,
    mail: { envelopeFrom: 'clerk@acme.test', rcptTo: '+4915112345678@sms.localhost', receivedAt: at() },
    notify: 'final', status: 'accepted', history: [{ status: 'accepted', at: at() }], attempts: 0, notBefore: at(), confirmations: [],
  };
}

/** What a crashed bridge left: each SMS in `submitting`, naming the given connector (or none, as journals before named connectors). */
async function crashedWith(dir: string, submitting: Record<string, string | undefined>): Promise<void> {
  const store = new JournalStore({ dir, segmentBytes: 1 << 20, duplicateWindowHours: 72 });
  await store.open();
  const ids = Object.keys(submitting);
  await store.accept({ messages: ids.map(sms), dedupKeys: ids.map(() => undefined) });
  for (const [id, connector] of Object.entries(submitting)) {
    const event: StatusEvent = { status: 'submitting', at: at(), ...(connector ? { connector } : {}) };
    await store.transition(id, { event, attempts: 1 });
  }
  await store.close();
}

R('restart :: each submitting SMS is asked of its own connector; taken → submitted there, not taken → sent again, unknown connector → failed', async ({ dir }) => {
  await crashedWith(dir, { 'R.1': 'second', 'R.2': 'first', 'R.3': undefined, 'R.4': 'retired' });
  // the simulators' own reports (resume re-arms them) would come far too late: only the ones sent below count
  const first = new ScriptedSimulator('first', { deliveryDelayMs: 3600_000 });
  const second = new ScriptedSimulator('second', { deliveryDelayMs: 3600_000 });
  second.takenBefore.set('R.1', 'SAME-1');
  first.takenBefore.set('R.3', 'OLD-3');
  const connectors = [{ name: 'first', type: 'simulator' as const }, { name: 'second', type: 'simulator' as const }];
  const b = await startTestBridge({ connectors }, dir, { connectors: { first, second } });
  try {
    assert.equal(second.lookups, ['R.1']);
    assert.equal([...first.lookups].sort(), ['R.2', 'R.3'], 'R.3 predates connector names: asked of the first connector');
    const r1 = b.store.get('R.1')!;
    assert.equal([r1.status, r1.history.at(-1)!.connector, r1.history.at(-1)!.reason], ['submitted', 'second', 'taken by second before a restart']);
    assert.is(b.store.get('R.3')!.history.at(-1)!.connector, 'first');
    const r4 = b.store.get('R.4')!;
    assert.is(r4.status, 'failed');
    assert.match(r4.history.at(-1)!.reason ?? '', /connector "retired", which is no longer configured/);

    await waitFor('R.2 sent again', () => first.sent.some((s) => s.id === 'R.2'));
    // the same aggregator id from the other connector is not R.1's report
    first.report('SAME-1', 'failed');
    second.report('SAME-1', 'delivered');
    await waitFor('R.1 delivered', () => b.store.get('R.1')!.status === 'delivered');
    assert.is(b.store.get('R.1')!.history.at(-1)!.connector, 'second');
  } finally {
    await b.stop();
  }
});

/** Remembers what resume() was given. */
class ResumeRecorder extends ScriptedSimulator {
  resumed?: ResumeItem[];
  override resume(items: ResumeItem[]): void {
    this.resumed = items;
    super.resume(items);
  }
}

R('restart :: SMS in submitted go back to their own connector with the parts recorded delivered; a connector with none still hears resume()', async ({ dir }) => {
  const store = new JournalStore({ dir, segmentBytes: 1 << 20, duplicateWindowHours: 72 });
  await store.open();
  await store.accept({ messages: [sms('P.1')], dedupKeys: [undefined] });
  const events: StatusEvent[] = [
    { status: 'submitting', at: at(), connector: 'second' },
    { status: 'submitted', at: at(), connector: 'second', connectorMessageId: 'p1 p2 p3' },
    { status: 'submitted', at: at(), connector: 'second', part: { index: 1, of: 3, status: 'delivered' }, reason: 'part 1 of 3 delivered' },
  ];
  for (const event of events) await store.transition('P.1', { event });
  await store.close();
  const first = new ResumeRecorder('first', { deliveryDelayMs: 3600_000 });
  const second = new ResumeRecorder('second', { deliveryDelayMs: 3600_000 });
  const connectors = [{ name: 'first', type: 'simulator' as const }, { name: 'second', type: 'simulator' as const }];
  const b = await startTestBridge({ connectors }, dir, { connectors: { first, second } });
  try {
    assert.equal(first.resumed, []);
    assert.equal(second.resumed, [{ id: 'P.1', to: '+4915112345678', connectorMessageId: 'p1 p2 p3', deliveredParts: [1] }]);
  } finally {
    await b.stop();
  }
});

R.run();
