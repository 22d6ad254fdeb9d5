import type { FileHandle } from 'node:fs/promises';
import { JournalStore, type JournalStoreOptions } from '../../src/store/journal-store.js';
import { writeRestoreMarker } from '../../src/store/restore-marker.js';
import type { SmsMessage, StatusEvent } from '../../src/store/types.js';

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

/** How long (minutes) a connector that reports under our id may still answer an SMS it failed as not confirmed. */
export const HOURS_72 = 72 * 60;

/** What the dispatcher records for an SMS handed to Kannel whose answer was lost, and then the clerk's mail sent. */
export async function awaitingReport(s: JournalStore, ids: string[], mailSent = true): Promise<void> {
  await s.accept({ messages: ids.map((id) => sms(id)), dedupKeys: ids.map(() => undefined) });
  await Promise.all(ids.map((id) => s.transition(id, { event: { status: 'submitting', at: at(1), connector: 'kannel' }, attempts: 1 })));
  const failed: StatusEvent = {
    status: 'failed', at: at(2), connector: 'kannel', reason: 'not confirmed', uncertain: true, detail: 'kannel: no answer within 3000 ms', answerableUntil: at(2 + HOURS_72),
  };
  await Promise.all(ids.map((id) => s.transition(id, { event: failed, confirm: true })));
  if (mailSent) await Promise.all(ids.map((id) => s.confirmationSent(id, 'failed', `/outbox/${id}.eml`, new Date(at(3)))));
  await s.settled();
}

/** What the dispatcher does with what is due: hands it over (submitting, then submitted) and notes it as sent. */
export async function dispatch(s: JournalStore, now: Date, sent: string[]): Promise<void> {
  for (const m of s.due(now, 5000)) {
    await s.transition(m.id, { event: { status: 'submitting', at: now.toISOString() } });
    await s.transition(m.id, { event: { status: 'submitted', at: now.toISOString(), connector: 'sim' } });
    sent.push(m.id);
  }
}

/**
 * A store directory as a restore leaves it: `queued` waiting, `submitting`
 * caught by the backup while being handed over to `connector`, and the
 * marker of a backup finished at `finishedAt` (so every one of them is held).
 */
export async function restoredStore(dir: string, o: { queued?: SmsMessage[]; submitting?: SmsMessage[]; connector: string; finishedAt: Date }): Promise<void> {
  const s = new JournalStore({ dir, segmentBytes: 1 << 20, duplicateWindowHours: 72 });
  await s.open();
  const all = [...(o.queued ?? []), ...(o.submitting ?? [])];
  await s.accept({ messages: all, dedupKeys: all.map(() => undefined) });
  const before = new Date(o.finishedAt.getTime() - 60_000).toISOString();
  for (const m of o.submitting ?? []) await s.transition(m.id, { event: { status: 'submitting', at: before, connector: o.connector }, attempts: 1 });
  await s.close();
  await writeRestoreMarker(dir, { version: 1, complete: true, source: '/var/lib/mail2sms', host: 'old', startedAt: before, finishedAt: o.finishedAt.toISOString() });
}

type Journal = { fh?: FileHandle; writeBatch(data: string): Promise<void> };

/** Runs `before` ahead of the one journal write that carries a record `which` picks, then lets that write go on. */
function aheadOfWrite(store: JournalStore, which: (rec: Record<string, unknown>) => boolean, before: (journal: Journal) => Promise<void>): void {
  const journal = (store as unknown as { journal: Journal }).journal;
  const write = journal.writeBatch.bind(journal);
  let done = false;
  journal.writeBatch = async (data) => {
    if (!done && data.split('\n').some((line) => line !== '' && which(JSON.parse(line) as Record<string, unknown>))) {
      done = true;
      await before(journal);
    }
    return write(data);
  };
}

/**
 * Makes the one journal write that carries a record `which` picks fail as an I/O error would: the journal's file is
 * closed underneath it just before that write (the journal then opens a fresh segment for the next one). Closing the
 * file earlier, at the test's own moment, let whatever write came first take the failure (a confirmation of an earlier
 * test, say), and the record meant to fail was stored. Records written in the same batch fail with it, as they would.
 */
export function failWriteOf(store: JournalStore, which: (rec: Record<string, unknown>) => boolean): void {
  aheadOfWrite(store, which, async (journal) => journal.fh?.close());
}

/**
 * Holds the one journal write that carries a record `which` picks until release(), as a slow disk would (writes
 * after it queue behind it). `held` resolves once that write has begun to wait. With `thenFail`, the write fails
 * once released, as failWriteOf's does.
 */
export function holdWriteOf(store: JournalStore, which: (rec: Record<string, unknown>) => boolean, o: { thenFail?: boolean } = {}): { held: Promise<void>; release: () => void } {
  let release!: () => void;
  let began!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const held = new Promise<void>((resolve) => (began = resolve));
  aheadOfWrite(store, which, async (journal) => {
    began();
    await released;
    if (o.thenFail) await journal.fh?.close();
  });
  return { held, release };
}
