/**
 * Two small sets of queued SMS the dispatcher asks for by what their last
 * event says, kept as records are applied (memory.ts track), so that asking
 * reads no SMS: with 100,000 queued for tomorrow most are out of memory
 * (live.ts), and a walk of the queue read every one of them back.
 *
 * - held: SMS held by the fraud brake or after a restore (StatusEvent.hold),
 *   by kind: a release reads only those (holds are rare).
 * - waiting for a connector: SMS whose retry waits only because no connector
 *   of their route could take them (StatusEvent.waitsFor), by those
 *   connectors, with their history's length: after a restart they go as soon
 *   as one of them can (dispatch/connector-waits.ts). Grouped by route, so an
 *   SMS costs one map entry; the routes' lists are shared, not one per SMS.
 * - held by a restore, hold event or not yet: while a restore's hold lasts
 *   (store opened with its backup's end), the SMS accepted before that end
 *   and not final, with their numbers, for the stray receipts that may be
 *   theirs (dispatch/restore-held-index.ts). Most have no hold event: one
 *   is written only when the SMS comes due. Dropped at the release.
 */
import type { SmsMessage, StatusEvent } from './types.js';

export type HoldKind = NonNullable<StatusEvent['hold']>;

/** SMS waiting for one of `connectors`: id → its history's length (the version ConnectorWaits checks). */
export interface ConnectorWaitGroup {
  readonly connectors: readonly string[];
  readonly ids: ReadonlyMap<string, number>;
}

/** The SMS a restore's hold holds: id → number; `handed`: those of them submitting or submitted. */
export interface RestoreHeldIds {
  readonly to: ReadonlyMap<string, string>;
  readonly handed: ReadonlySet<string>;
}

/** The statuses in which a restore's hold can concern an SMS: queued, or handed over by the bridge of the backup. */
const HOLDABLE = new Set(['accepted', 'submitting', 'submitted']);

export class QueueMarks {
  private readonly held = new Map<HoldKind, Set<string>>([['brake', new Set()], ['restore', new Set()]]);
  private readonly waiting = new Map<string, { connectors: readonly string[]; ids: Map<string, number> }>();
  private restore?: { before: string; to: Map<string, string>; handed: Set<string> };

  /** `restoreHeldBefore`: the end of the backup a restore's hold is for (its marker's finishedAt), while it lasts. */
  constructor(restoreHeldBefore?: string) {
    if (restoreHeldBefore) this.restore = { before: restoreHeldBefore, to: new Map(), handed: new Set() };
  }

  /** Files `m` by its last event, or forgets it (it is no longer queued, or its last event holds or waits no more). */
  note(m: SmsMessage): void {
    const last = m.history.at(-1);
    const hold = m.status === 'accepted' ? last?.hold : undefined;
    for (const [kind, ids] of this.held) {
      if (kind === hold) ids.add(m.id);
      else ids.delete(m.id);
    }
    const waitsFor = m.status === 'accepted' ? last?.waitsFor : undefined;
    const key = waitsFor && keyOf(waitsFor);
    for (const [k, g] of this.waiting) if (k !== key) g.ids.delete(m.id);
    if (this.restore) noteRestore(this.restore, m);
    if (!waitsFor || !key) return;
    let g = this.waiting.get(key);
    if (!g) this.waiting.set(key, (g = { connectors: [...new Set(waitsFor)].sort(), ids: new Map() }));
    g.ids.set(m.id, m.history.length);
  }

  /** Forgets `id` (archived, gone). */
  drop(id: string): void {
    for (const ids of this.held.values()) ids.delete(id);
    for (const g of this.waiting.values()) g.ids.delete(id);
    this.restore?.to.delete(id);
    this.restore?.handed.delete(id);
  }

  /** The SMS the restore's hold holds now, or undefined when the store was not opened under one (or it was released). */
  restoreHeld(): RestoreHeldIds | undefined {
    return this.restore;
  }

  /** The restore's hold was released: nothing is held by it any more. */
  restoreReleased(): void {
    this.restore = undefined;
  }

  /** Ids of the SMS held by `kind` now, oldest hold first. */
  heldBy(kind: HoldKind): string[] {
    return [...this.held.get(kind)!];
  }

  /** The SMS waiting for a connector now, by their route's connectors. */
  connectorWaits(): ConnectorWaitGroup[] {
    return [...this.waiting.values()].filter((g) => g.ids.size > 0);
  }
}

function noteRestore(r: { before: string; to: Map<string, string>; handed: Set<string> }, m: SmsMessage): void {
  // As RestoreHold.reason: mail taken since the backup's end is never held.
  if (HOLDABLE.has(m.status) && m.mail.receivedAt < r.before) r.to.set(m.id, m.to);
  else r.to.delete(m.id);
  if (m.status !== 'accepted' && r.to.has(m.id)) r.handed.add(m.id);
  else r.handed.delete(m.id);
}

const keyOf = (connectors: readonly string[]): string => [...new Set(connectors)].sort().join('\u0000');
