import { RecentIds } from '../mail/recent-ids.js';
import { idKey, shortDigest } from '../mail/to-sms.js';
import { Problem } from './problems.js';

/** How many requests' keys are remembered in memory (see IdempotencyKeys). */
const REMEMBERED = 10_000;

/** What a key stands for: the request's fingerprint, and once it was taken, its SMS. */
interface Entry {
  fingerprint: string;
  taken?: { mailId: string; ids: string[] };
}

/** A request under an Idempotency-Key, as IdempotencyKeys.claim answers it. */
export type Claim =
  | { replay: { mailId: string; ids: string[] } }
  | { replay?: undefined; settle(taken: { mailId: string; ids: string[] }): void; release(): void };

/**
 * The Idempotency-Key of POST /api/v1/messages, as the IETF draft "The
 * Idempotency-Key HTTP Header Field" asks: the same key with the same body
 * (a retry after a lost answer) is answered as the first time and sends
 * nothing; the same key with another body is refused with 422 and stores
 * nothing; while the first request is still being handled, 409.
 *
 * Two memories. The store keeps each SMS's key made of the key, the number
 * and the request's fingerprint (submit.ts), durable for
 * store.duplicateWindowHours: a retry is found after a restart too. That
 * key cannot tell that a key came back with another body (the store can
 * only be asked by storing); this class can, in memory: the last REMEMBERED
 * keys within the window, not across a restart, after which such a request
 * is taken as a new one.
 */
export class IdempotencyKeys {
  private readonly recent: RecentIds<Entry>;

  constructor(o: { ttlMs: number; now: () => number; max?: number }) {
    this.recent = new RecentIds({ max: o.max ?? REMEMBERED, ttlMs: o.ttlMs, now: o.now });
  }

  /** Throws the 422 or 409 Problem; a replay names the SMS of the first request; else settle() or release() must follow. */
  claim(account: string, key: string, fingerprint: string): Claim {
    const k = idKey(account, `api:${key}`);
    const earlier = this.recent.get(k);
    if (earlier && earlier.fingerprint !== fingerprint) {
      throw new Problem(422, 'IdempotencyKeyReused', `the Idempotency-Key "${key}" was used for another request (other numbers, text or options); nothing was sent. A new request needs a new key`);
    }
    if (earlier?.taken) return { replay: earlier.taken };
    if (earlier) throw new Problem(409, 'IdempotencyKeyInUse', `a request with the Idempotency-Key "${key}" is being handled right now; send it again in a moment for its answer`, {}, { 'retry-after': '1' });
    this.recent.set(k, { fingerprint });
    return {
      settle: (taken) => this.recent.set(k, { fingerprint, taken }),
      release: () => this.recent.delete(k),
    };
  }
}

/**
 * The request's fingerprint: every field of the body as sent, in a fixed
 * order (a number written another way, an option added or left out make
 * another request); `to` as a list either way.
 */
export function requestFingerprint(body: object): string {
  const fields = { ...body } as Record<string, unknown>;
  if (typeof fields.to === 'string') fields.to = [fields.to];
  return shortDigest(JSON.stringify(Object.keys(fields).sort().map((k) => [k, fields[k]])));
}
