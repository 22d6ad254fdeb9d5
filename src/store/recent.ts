/**
 * The SMS each account handed in to each number over the last hour, with
 * their times: what the per-number cap (limits.perNumberPerHour) counts and
 * what the per-minute rate is rebuilt from after a restart. Like usage.ts
 * it is fed by the durable accept records (so accepting costs no extra
 * write) and saved with the snapshot (so a restart costs no archive scan):
 * a deploy, a crash or an OOM kill no longer lets an account send another
 * hour's worth to a number it had already reached its cap for.
 */
export const RECENT_MS = 3_600_000;
/** How often adding also drops what has left the hour (a pass over all numbers). */
const PRUNE_EVERY_MS = 60_000;

/** One number of one account: the times (epoch ms, oldest first) of its SMS within the hour. */
export type RecentRow = [account: string, to: string, times: number[]];

export class RecentSends {
  private readonly byKey = new Map<string, number[]>();
  private prunedAt = 0;

  /** An SMS to `to` handed in at `at` (epoch ms); times may come slightly out of order (concurrent sessions). */
  add(account: string, to: string, at: number): void {
    if (!Number.isFinite(at)) return;
    if (at - this.prunedAt > PRUNE_EVERY_MS) this.prune((this.prunedAt = at) - RECENT_MS);
    const key = keyOf(account, to);
    const times = this.byKey.get(key);
    if (!times) return void this.byKey.set(key, [at]);
    let i = times.length;
    while (i > 0 && times[i - 1] > at) i--;
    times.splice(i, 0, at);
  }

  /** SMS to `to` handed in after `since` (epoch ms). */
  count(account: string, to: string, since: number): number {
    const times = this.byKey.get(keyOf(account, to));
    let n = 0;
    for (let i = (times?.length ?? 0) - 1; i >= 0 && times![i] > since; i--) n++;
    return n;
  }

  /** Every SMS handed in after `since`, per account, oldest first. */
  perAccount(since: number): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const [key, times] of this.byKey) {
      const account = key.slice(0, key.indexOf('\n'));
      let all = out.get(account);
      if (!all) out.set(account, (all = []));
      for (const t of times) if (t > since) all.push(t);
    }
    for (const [account, all] of out) {
      if (all.length) all.sort((a, b) => a - b);
      else out.delete(account);
    }
    return out;
  }

  /** Forgets SMS at or before `before` (epoch ms). */
  prune(before: number): void {
    for (const [key, times] of this.byKey) {
      let drop = 0;
      while (drop < times.length && times[drop] <= before) drop++;
      if (drop === times.length) this.byKey.delete(key);
      else if (drop) times.splice(0, drop);
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  rows(): RecentRow[] {
    return [...this.byKey].map(([key, times]): RecentRow => {
      const cut = key.indexOf('\n');
      return [key.slice(0, cut), key.slice(cut + 1), times.slice()];
    });
  }

  load(rows: readonly RecentRow[]): void {
    for (const [account, to, times] of rows) for (const t of times) this.add(account, to, t);
  }
}

function keyOf(account: string, to: string): string {
  return `${account}\n${to}`;
}
