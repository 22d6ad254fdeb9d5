import type { OptOutRecord, SettingsStore } from '../accounts/settings.js';
import { parseWrittenNumber } from '../sms/number.js';
import { sameSender } from '../sms/sender-id.js';
import type { CountryCode } from '../sms/types.js';
import type { SmsMessage } from '../store/types.js';
import { blockingHit, type OptOutEntry, type OptOutHit, type SenderCandidate } from './optout-scope.js';

export type { OptOutEntry, OptOutSource } from './optout-scope.js';

/** A run-time entry (settings file) is its owner's when its STOP made it, else an operator's. */
const entryOf = (number: string, { via, ...r }: OptOutRecord, sender?: string): OptOutEntry =>
  ({ number, source: via === 'sms' ? 'sms' : 'operator', ...(sender !== undefined ? { sender } : {}), ...r });

/** The key under which a number's entries hold `sender` (written once, compared as senders compare). */
const keyOf = (scoped: Readonly<Record<string, unknown>> | undefined, sender: string): string | undefined =>
  Object.keys(scoped ?? {}).find((k) => sameSender(k, sender));

/**
 * Numbers that receive no SMS, from every sender or from one
 * (optout-scope.ts): those in the config file plus those added at run time
 * (`mail2sms optout add`, or the number's owner replying STOP; kept in the
 * settings file, picked up by a running bridge within a second). A number
 * may have several entries: one for every sender, and one per sender.
 */
export class OptOutList {
  private readonly configured: ReadonlySet<string>;

  constructor(configured: readonly string[], private readonly settings?: SettingsStore) {
    this.configured = new Set(configured);
  }

  /** On the list for every sender: decided at RCPT already, before the mail names its sender. An entry with exceptions waits for the sender (DATA). */
  blocksAll(e164: string): boolean {
    const all = this.settings?.data.optout;
    return this.configured.has(e164) || (all !== undefined && Object.hasOwn(all, e164) && !all[e164]!.except?.length);
  }

  /** The number's entries: the configuration's, the run-time one for every sender, then those per sender (by sender). */
  entries(e164: string): OptOutEntry[] {
    const d = this.settings?.data;
    const out: OptOutEntry[] = this.configured.has(e164) ? [{ number: e164, source: 'config' }] : [];
    const all = d?.optout[e164];
    if (all) out.push(entryOf(e164, all));
    // Sorted: an object keeps digit-only keys (short codes) ahead of the others whatever the order they came in.
    const scoped = Object.entries(d?.optoutScoped[e164] ?? {}).sort(([a], [b]) => a.localeCompare(b));
    for (const [sender, r] of scoped) out.push(entryOf(e164, r, sender));
    return out;
  }

  /** Every entry, by number (each number's as entries() gives them). */
  list(): OptOutEntry[] {
    const d = this.settings?.data;
    const numbers = new Set([...this.configured, ...Object.keys(d?.optout ?? {}), ...Object.keys(d?.optoutScoped ?? {})]);
    return [...numbers].sort((a, b) => a.localeCompare(b)).flatMap((n) => this.entries(n));
  }

  /** The entry for exactly this scope (`sender` undefined: the one for every sender), or undefined. */
  find(e164: string, sender?: string): OptOutEntry | undefined {
    return this.entries(e164).find((e) => (sender === undefined ? e.sender === undefined : e.sender !== undefined && sameSender(e.sender, sender)));
  }

  /**
   * The entry that keeps this SMS from going when it may come from any of
   * `senders()`, or undefined: asked once its sender is known (DATA, the REST
   * API) and again when it falls due, since its number may have opted out
   * after it was accepted (a send time, a retry). The answer to a STOP or
   * START is the one exception: it confirms to the number what its owner
   * just asked.
   */
  blocking(sms: Pick<SmsMessage, 'to' | 'answerTo'>, senders: () => readonly SenderCandidate[]): OptOutHit | undefined {
    if (sms.answerTo) return undefined;
    const entries = this.entries(sms.to);
    // The senders (a route and a number's country worked out) only for the few numbers with entries: this runs for every SMS.
    return entries.length ? blockingHit(entries, senders()) : undefined;
  }

  /** `via: 'sms'`: the number's owner asked by SMS (policy/inbound.ts), and may undo it by replying START; `sender`: only from that sender. */
  async add(e164: string, addedAt: Date, o: { note?: string; via?: 'sms'; sender?: string } = {}): Promise<void> {
    const record: OptOutRecord = { addedAt: addedAt.toISOString(), ...(o.note ? { note: o.note } : {}), ...(o.via ? { via: o.via } : {}) };
    await this.requireSettings().update((d) => {
      if (o.sender === undefined) {
        d.optout[e164] = record;
        return;
      }
      const own = (d.optoutScoped[e164] ??= {});
      own[keyOf(own, o.sender) ?? o.sender] = record;
    });
  }

  /**
   * Lets `sender` through the owner's run-time entry for every sender (it
   * replied START to that sender after a STOP ALL); false when there is no
   * such entry or it lets the sender through already.
   */
  async allow(e164: string, sender: string): Promise<boolean> {
    let changed = false;
    await this.requireSettings().update((d) => {
      const r = d.optout[e164];
      if (!r || r.via !== 'sms' || (r.except ?? []).some((x) => sameSender(x, sender))) return;
      r.except = [...(r.except ?? []), sender];
      changed = true;
    });
    return changed;
  }

  /** Removes the run-time entry of this scope; false when there was none (numbers from the config file are removed there). */
  async remove(e164: string, sender?: string): Promise<boolean> {
    return (await this.removeAll(e164, [sender])) > 0;
  }

  /** Removes the run-time entries of these scopes (undefined: the one for every sender) at once; how many there were. */
  async removeAll(e164: string, scopes: ReadonlyArray<string | undefined>): Promise<number> {
    let removed = 0;
    await this.requireSettings().update((d) => {
      for (const sender of scopes) {
        const own = sender === undefined ? d.optout : d.optoutScoped[e164];
        const key = sender === undefined ? (Object.hasOwn(d.optout, e164) ? e164 : undefined) : keyOf(own, sender);
        if (!own || key === undefined) continue;
        removed++;
        delete own[key];
      }
      if (d.optoutScoped[e164] && !Object.keys(d.optoutScoped[e164]).length) delete d.optoutScoped[e164];
    });
    return removed;
  }

  private requireSettings(): SettingsStore {
    if (!this.settings) throw new Error('the opt-out list has no settings file');
    return this.settings;
  }
}

/** Any way a clerk writes a number (spaces too, unlike in a mail address) → E.164, or the reason it is not one. */
export function normalizeNumber(input: string, defaultCountry: string): { e164: string } | { error: string } {
  const n = parseWrittenNumber(input, defaultCountry as CountryCode);
  return n.ok ? { e164: n.e164 } : { error: `"${input}" is not a valid phone number: ${n.reason}` };
}
