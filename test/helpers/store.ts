import { JournalStore, type JournalStoreOptions } from '../../src/store/journal-store.js';
import type { SmsMessage } from '../../src/store/types.js';

/** The store tests' fixed "now", and minutes after it as ISO 8601. */
export const T0 = new Date('2026-11-23T10:00:00Z');
export const at = (min: number) => new Date(T0.getTime() + min * 60_000).toISOString();

/** A queued SMS as the store holds it, due at T0 unless `over` says otherwise. */
export function sms(id: string, over: Partial<SmsMessage> = {}): SmsMessage {
  return {
    id, mailId: id.split('.')[0], account: 'default', to: '+4915112345678', text: `Erinnerung ${id}: bitte zahlen Sie bis Freitag.`, encoding: 'GSM7', segments: 1,
    mail: { envelopeFrom: 'clerk@acme.test', rcptTo: '+4915112345678@sms.localhost', receivedAt: T0.toISOString() },
    notify: 'final', status: 'accepted', history: [{ status: 'accepted', at: T0.toISOString() }], attempts: 0, notBefore: T0.toISOString(), confirmations: [], ...over,
  };
}

/** Scheduled for tomorrow, with its acceptance confirmation still owed (so it stays in memory until that is sent). */
export const tomorrow = (id: string) => sms(id, {
  sendAt: at(24 * 60), notBefore: at(24 * 60), confirmations: [{ stage: 'accepted', attempts: 0, notBefore: T0.toISOString() }],
});

/** A message as JSON sees it (what the journal, the snapshot and the spool hold). */
export const json = (m: unknown) => JSON.parse(JSON.stringify(m)) as unknown;

export type StoreLog = (evt: string, data: Record<string, unknown>) => void;

/** Opens a JournalStore in `dir` on a clock the test moves. */
export async function openStore(dir: string, clock = { now: T0 }, log?: StoreLog, more: Partial<JournalStoreOptions> = {}): Promise<JournalStore> {
  const s = new JournalStore({ dir, segmentBytes: 1 << 20, duplicateWindowHours: 72, now: () => clock.now, log, ...more });
  await s.open();
  return s;
}

/** What the dispatcher does with what is due: hands it over (submitting, then submitted) and notes it as sent. */
export async function dispatch(s: JournalStore, now: Date, sent: string[]): Promise<void> {
  for (const m of s.due(now, 5000)) {
    await s.transition(m.id, { event: { status: 'submitting', at: now.toISOString() } });
    await s.transition(m.id, { event: { status: 'submitted', at: now.toISOString(), connector: 'sim' } });
    sent.push(m.id);
  }
}
