/**
 * SMS segments accepted per account and UTC hour: what the daily and
 * monthly quotas are counted from. The store keeps it beside the messages,
 * fed by the same durable accept records (so accepting costs no extra
 * write) and saved with the snapshot (so a restart costs no archive scan).
 * Hours rather than days, so that a day can begin at midnight in any
 * account's time zone (at the full hour before it, for zones with a
 * half-hour offset).
 */
const HOUR_MS = 3_600_000;

export type UsageRow = [account: string, hour: number, segments: number];

export class UsageIndex {
  private readonly byAccount = new Map<string, Map<number, number>>();

  add(account: string, at: string, segments: number): void {
    const hour = Math.floor(Date.parse(at) / HOUR_MS);
    if (!Number.isFinite(hour)) return;
    let hours = this.byAccount.get(account);
    if (!hours) this.byAccount.set(account, (hours = new Map()));
    const n = (hours.get(hour) ?? 0) + segments;
    // A cancelled SMS gives its segments back (negative): an hour at zero is forgotten.
    if (n > 0) hours.set(hour, n);
    else hours.delete(hour);
  }

  /** Segments accepted from `from` (rounded down to its hour) up to now. */
  since(account: string, from: Date): number {
    const first = Math.floor(from.getTime() / HOUR_MS);
    let sum = 0;
    for (const [hour, n] of this.byAccount.get(account) ?? []) if (hour >= first) sum += n;
    return sum;
  }

  /** Forgets hours before `before`: quotas never look further back than a month. */
  prune(before: Date): void {
    const first = Math.floor(before.getTime() / HOUR_MS);
    for (const [account, hours] of this.byAccount) {
      for (const hour of hours.keys()) if (hour < first) hours.delete(hour);
      if (!hours.size) this.byAccount.delete(account);
    }
  }

  rows(): UsageRow[] {
    return [...this.byAccount].flatMap(([account, hours]) => [...hours].map(([hour, n]): UsageRow => [account, hour, n]));
  }

  load(rows: readonly UsageRow[]): void {
    for (const [account, hour, n] of rows) this.add(account, new Date(hour * HOUR_MS).toISOString(), n);
  }
}
