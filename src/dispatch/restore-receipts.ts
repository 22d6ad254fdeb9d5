/**
 * SMPP receipts after a restore. An SMS the backup caught being handed to an SMPP connector went, if it went, with
 * the old bridge's submit_sm: the SMSC's id came back to that bridge, and its receipt names only that id, which the
 * restored bridge never saw. Refusing such receipts could make a real SMSC give up or unbind, so they are answered,
 * and while the hold lasts with SMS caught at (or settled as sent through) that connector, kept as evidence
 * (store/kept-receipts.ts): a receipt that fits exactly one held SMS by number, time and text (receipt-match.ts)
 * settles it as sent by the old bridge (recordSentBefore, as `mail2sms hold mark … sent`), with the receipt's
 * outcome. Two or more that fit: nothing is settled, `mail2sms hold` shows the receipt with its candidates, and
 * `mail2sms hold mark <id> sent --carrier-id <id>` links one (link()). An SMS still queued (accepted before the
 * backup, its connector not chosen) is never settled so, but counts as a candidate: it too may have gone.
 *
 * After the release the receipts of an SMS settled so that is still open (a long SMS with parts outstanding, one
 * with only an interim receipt) stay kept (KeptReceipts.keepOnly): a later receipt that fits exactly one of those
 * SMS, and only those, is still theirs — the other parts' receipts carry ids this bridge never saw either.
 */
import { idCandidates } from '../connectors/smpp/receipt.js';
import type { StrayReceipt } from '../connectors/types.js';
import type { KeptReceipt, KeptReceipts } from '../store/kept-receipts.js';
import type { RestoreHeldIds } from '../store/queue-marks.js';
import type { MessageStore, SmsMessage } from '../store/types.js';
import { lastHandover, type BackupReportDeps } from './backup-report.js';
import { recordSentBefore } from './backup-verdict.js';
import { candidateKind, HeldIndex, type CandidateKind } from './restore-held-index.js';
import { outcomeOf, receiptFits } from './receipt-match.js';

/** What settling a report of a held SMS needs (backup-report.ts), and the kept receipts; a receipt whose id an operator linked goes to onReport. */
export interface RestoreReceiptsDeps extends BackupReportDeps {
  kept: KeptReceipts;
}

const NONE_HELD: RestoreHeldIds = { to: new Map(), handed: new Set() };

export type Candidate = { m: SmsMessage; kind: CandidateKind };

/** A kept receipt not yet found to be one SMS's, with the held SMS it fits (for `mail2sms hold`). */
export type OpenReceipt = KeptReceipt & { candidates: string[] };

export class RestoreReceipts {
  /** The held SMS, found at the first receipt of the hold. */
  private index?: HeldIndex;

  constructor(private readonly d: RestoreReceiptsDeps) {}

  /** A receipt its connector knows no SMS by; resolves once what it decided is stored. */
  async take(connector: string, s: StrayReceipt): Promise<void> {
    const linked = idCandidates(s.report.connectorMessageId).find((id) => this.d.book.find(connector, id));
    if (linked) return this.d.onReport(connector, { ...s.report, connectorMessageId: linked });
    const heldSince = this.d.kept.heldSince;
    if (!heldSince || !this.handedOver(connector)) return;
    const r = s.report;
    const k: KeptReceipt = {
      connector, id: r.connectorMessageId, status: r.status, at: r.at.toISOString(), ...(r.reason ? { reason: r.reason } : {}),
      ...(s.handset ? { handset: s.handset } : {}), ...(s.submittedAt ? { submittedAt: s.submittedAt.toISOString() } : {}), ...(s.excerpt ? { excerpt: s.excerpt } : {}),
    };
    // Released: only a receipt that is an open SMS's is kept (evidence for a decision nobody will make any more is not).
    if (this.d.kept.released && this.fitting(k, heldSince).length !== 1) return;
    // A repeat of one kept but not settled is read again: the bridge may have stopped between the two writes, before the answer.
    if (!(await this.d.kept.keep(k)) && !this.d.kept.unsettled(k)) return;
    const fits = this.fitting(k, heldSince);
    const settled = fits.length === 1 && fits[0]!.kind !== 'queued' && await this.settle(connector, k, fits[0]!.m.id, heldSince);
    if (settled) return;
    this.d.log('restore-receipt-kept', {
      connector, connectorMessageId: k.id, status: k.status, to: k.handset, submittedAt: k.submittedAt, candidates: fits.map((c) => c.m.id),
      why: fits.length > 1 ? 'it fits more than one held SMS: mail2sms hold lists them; mail2sms hold mark <id> sent --carrier-id <connectorMessageId> settles one'
        : fits.length ? 'it fits only a held SMS still queued, which is not settled by a receipt' : 'it fits no held SMS (yet)',
    });
  }

  /** The kept receipts not found to be one SMS's, each with the held SMS it fits now. */
  open(): OpenReceipt[] {
    const heldSince = this.d.kept.heldSince;
    if (!heldSince || this.d.kept.released) return [];
    return this.d.kept.receipts.filter((k) => !k.sms).map((k) => ({ ...k, candidates: this.fitting(k, heldSince).map((c) => c.m.id) }));
  }

  /**
   * `m`, just settled as sent by an operator who named the carrier's id (mark --carrier-id), is the SMS of the
   * receipts of `connector` with that id: a kept one decides its outcome now, a later one is matched by the id.
   */
  async link(m: SmsMessage, connector: string, carrierId: string): Promise<void> {
    const ids = idCandidates(carrierId);
    for (const id of ids) this.d.book.track(connector, id, m.id);
    const mine = this.d.kept.receipts.filter((k) => k.connector === connector && ids.includes(k.id));
    if (!mine.length) return;
    await this.d.kept.assign(connector, mine.map((k) => k.id), m.id);
    const last = [...mine].reverse().find((k) => k.status !== 'enroute');
    if (!last) return;
    for (const id of ids) this.d.book.forget(connector, id);
    await this.d.record.finish(this.d.store.get(m.id) ?? m, last.status as Exclude<KeptReceipt['status'], 'enroute'>, last.reason, connector, new Date(last.at));
  }

  /**
   * Held SMS to `to` whose receipts `connector` may bring (a receipt fits no SMS to another number); after the
   * release, the open SMS kept receipts were found to be.
   */
  candidates(connector: string, to: string | undefined): Candidate[] {
    if (this.d.kept.released) return this.stillOpen(connector).filter((c) => c.m.to === to);
    return to === undefined ? [] : this.classified(connector, this.held().to(to));
  }

  /** Whether SMS the backup caught at `connector`, or settled as sent through it, are held: only then are its stray receipts kept. */
  private handedOver(connector: string): boolean {
    if (this.d.kept.released) return this.stillOpen(connector).length > 0;
    return this.classified(connector, this.held().handed).some((c) => c.kind !== 'queued');
  }

  private classified(connector: string, ids: readonly string[]): Candidate[] {
    const held = (m: SmsMessage) => this.d.restoreHold?.(m) !== undefined;
    const out: Candidate[] = [];
    for (const id of ids) {
      const m = this.d.store.get(id);
      const kind = m && candidateKind(m, connector, held, settledSentThrough);
      if (kind) out.push({ m, kind });
    }
    return out;
  }

  private held(): HeldIndex {
    // Asked only while the hold lasts, which the store was opened under (start/state.ts): it has the index.
    return (this.index ??= new HeldIndex(this.d.store.restoreHeld() ?? NONE_HELD));
  }

  /** The SMS kept receipts were found to be that still wait for one (settled as sent through `connector`, not final). */
  private stillOpen(connector: string): Candidate[] {
    const out: Candidate[] = [];
    for (const id of new Set(this.d.kept.receipts.map((k) => k.sms))) {
      const m = id === undefined ? undefined : this.d.store.get(id);
      if (m?.status === 'submitted' && settledSentThrough(m) === connector) out.push({ m, kind: 'sent' });
    }
    return out;
  }

  private fitting(k: KeptReceipt, heldSince: string): Candidate[] {
    return this.candidates(k.connector, k.handset).filter((c) => receiptFits(k, c.m, heldSince) !== undefined);
  }

  /** Settles SMS `id` by receipt `k` (false: it was busy or changed meanwhile, and stays as it is). */
  private async settle(connector: string, k: KeptReceipt, id: string, heldSince: string): Promise<boolean> {
    const done = await this.d.exclusive(id, async () => {
      // Read again: marked, released or settled meanwhile?
      const now = this.candidates(connector, k.handset).find((c) => c.m.id === id);
      if (!now || now.kind === 'queued') return false;
      const m = now.m;
      if (now.kind === 'caught') {
        const receipt = `${connector}'s delivery receipt (${k.status}${k.reason ? `: ${k.reason}` : ''}, id ${k.id})`;
        const by = `this bridge, from ${receipt}`;
        const reason = `handed to the carrier through ${connector} by the bridge the backup was taken of, as ${receipt} for ${m.to}, taken by the SMSC at ${k.submittedAt}, shows; not sent again`;
        await recordSentBefore(this.d, m, { reason, by, connector, connectorMessageId: k.id, was: 'caught' });
      }
      await this.d.kept.assign(connector, [k.id], id);
      const mine = this.d.kept.receipts.filter((r) => r.connector === connector && r.sms === id);
      const outcome = outcomeOf(m, mine, heldSince);
      if (outcome) await this.d.record.finish(this.d.store.get(id) ?? m, outcome.status, outcome.reason, connector, new Date(k.at));
      if (outcome && this.d.kept.released) await this.d.kept.keepOnly(stillOpen(this.d.store));
      return true;
    });
    return done === true;
  }
}

/**
 * The connector of an SMS settled as sent by the old bridge (its latest `submitted` event has backup sent), with or
 * without a carrier id (a receipt's, for one part of a long SMS: the others' receipts are matched here too).
 */
function settledSentThrough(m: SmsMessage): string | undefined {
  const e = lastHandover(m);
  return e?.backup === 'sent' ? e.connector : undefined;
}

/** Whether SMS `id` may still get receipts (kept receipts of it stay after the release while it does). */
export function stillOpen(store: Pick<MessageStore, 'get'>): (id: string) => boolean {
  return (id) => store.get(id)?.status === 'submitted';
}
