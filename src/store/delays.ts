import type { StoreMemory } from './memory.js';
import type { SmsMessage } from './types.js';

/**
 * The SMS filed for a delay report (StoreMemory.delays) whose filed time is
 * before `dueBefore`, in that order. One that left the store (final, archived)
 * is dropped here, so the index never outlives its SMS for long.
 */
export function delaysDue(memory: StoreMemory, dueBefore: Date, limit: number): SmsMessage[] {
  const out: SmsMessage[] = [];
  for (const id of memory.delays.due(dueBefore.toISOString(), limit)) {
    const m = memory.live.get(id);
    if (m) out.push(m);
    else memory.delays.delete(id);
  }
  return out;
}
