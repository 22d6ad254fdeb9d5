import { oweCallbacks } from '../notify/callbacks/owed.js';
import type { StoreMemory } from './memory.js';
import type { Rec, Unsequenced } from './records.js';
import type { AcceptOutcome, AcceptRequest, SmsMessage } from './types.js';

export interface AcceptDeps {
  memory: StoreMemory;
  now: () => Date;
  /** How long a Message-ID key is remembered. */
  duplicateWindowHours: number;
  /** Appends the record to the journal; resolves once it is durable and applied to memory. */
  write: (rec: Unsequenced<Rec>) => Promise<void>;
}

/**
 * Stores the SMS of one mail in one durable accept record, after sorting out
 * the duplicates: an SMS whose Message-ID key was seen (a mail server's
 * retry) is dropped; one whose content key was seen is stored as the
 * caller's markDuplicate makes it (cancelled, but confirmed). The keys of the
 * SMS being stored are reserved until the write ends, so that a copy of the
 * mail arriving meanwhile is a duplicate too; they are remembered for good
 * only when the record is applied (memory.ts), i.e. durable.
 */
export async function acceptBatch(d: AcceptDeps, req: AcceptRequest): Promise<AcceptOutcome> {
  const { keys, live } = d.memory;
  const now = d.now().getTime();
  const msgs: SmsMessage[] = [];
  const dedupKeys: Array<string | null> = [];
  const ckeys: Array<[string, number] | null> = [];
  const reserved: string[] = [];
  const outcome: AcceptOutcome = { stored: [], duplicates: [], suppressed: [] };
  // Reserved keys are released whatever happens, also when sorting the batch throws (a spooled
  // message that cannot be read back, the caller's markDuplicate): a key left reserved would make
  // the client's retry of this mail a "duplicate" of an SMS that was never stored, answered 250.
  try {
    req.messages.forEach((m, i) => {
      const key = req.dedupKeys[i];
      const earlier = key ? keys.find(key, now) : undefined;
      if (earlier) return outcome.duplicates.push({ id: m.id, of: earlier });
      if (key) keys.reserve(key, m.id, reserved);
      dedupKeys.push(key ?? null);
      const content = req.contentKeys?.[i];
      const same = content && req.markDuplicate ? keys.findSameContent(content.key, now, live) : undefined;
      if (same) {
        outcome.suppressed.push({ id: m.id, of: same });
        msgs.push(req.markDuplicate!(m, live.get(same) ?? same));
        ckeys.push(null);
        return;
      }
      if (content) keys.reserve(content.key, m.id, reserved);
      msgs.push(m);
      ckeys.push(content ? [content.key, now + content.windowMinutes * 60_000] : null);
    });
    // The status callbacks owed for what the SMS already is (accepted; cancelled when held back as a repeat), in the same record.
    for (const m of msgs) if (m.callback) oweCallbacks(m);
    if (msgs.length) await d.write({ t: 'accept', msgs, keys: dedupKeys, until: now + d.duplicateWindowHours * 3600_000, ckeys });
  } finally {
    keys.release(reserved);
  }
  outcome.stored = msgs.map((m) => m.id);
  return outcome;
}
