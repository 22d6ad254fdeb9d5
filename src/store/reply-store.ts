/**
 * The store's part of forwarding handsets' replies (src/policy/reply-forward.ts):
 * a reply is one durable `reply` record, applied to memory like every record
 * (so a restart finds it owed), and its forwarding mail is followed by
 * `reply-conf` records as a confirmation is by `conf` records. A reply whose
 * mail went leaves memory at the next compaction for the replies' archive
 * (`archive/replies/YYYY-MM-DD.jsonl`), without its text: the mail has it.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { appendDurably } from './durable.js';
import type { StoreMemory } from './memory.js';
import type { Rec, ReplyRec, Unsequenced } from './records.js';
import type { InboundReply } from './types.js';

export interface ReplyStoreDeps {
  memory: StoreMemory;
  now: () => Date;
  /** How long a reply's redelivery key is remembered (store.duplicateWindowHours). */
  duplicateWindowHours: number;
  write: (rec: Unsequenced<Rec>) => Promise<void>;
}

export type StoreReplyOutcome = { stored: true } | { stored: false; duplicateOf: string };

/**
 * Stores a reply, resolving once it is durable; a reply whose key was seen
 * (the aggregator delivering it again) is not stored. The key is reserved
 * while it is written, as accept.ts does with a mail's.
 */
export async function storeReply(d: ReplyStoreDeps, reply: InboundReply, key: string): Promise<StoreReplyOutcome> {
  const { keys } = d.memory;
  const now = d.now().getTime();
  const earlier = keys.find(key, now);
  if (earlier) return { stored: false, duplicateOf: earlier };
  const reserved: string[] = [];
  keys.reserve(key, reply.id, reserved);
  try {
    await d.write({ t: 'reply', reply, key, until: now + d.duplicateWindowHours * 3600_000 });
  } finally {
    keys.release(reserved);
  }
  return { stored: true };
}

/** What a reply record does to memory; deterministic, as replay runs it again. */
export function applyReply(memory: StoreMemory, r: ReplyRec): void {
  if (r.t === 'reply') {
    memory.replies.set(r.reply.id, r.reply);
    memory.keys.remember(r.key, r.reply.id, r.until);
    return;
  }
  const reply = memory.replies.get(r.id);
  if (!reply || reply.forward.sentAt) return;
  const f = reply.forward;
  if (r.where !== undefined) Object.assign(f, { sentAt: r.at, where: r.where });
  else Object.assign(f, { attempts: f.attempts + 1, lastError: r.error, notBefore: r.notBefore });
}

/** Replies whose forwarding mail is due, oldest first. */
export function repliesDue(memory: StoreMemory, now: Date, limit: number): InboundReply[] {
  const t = now.toISOString();
  const out: InboundReply[] = [];
  for (const r of memory.replies.values()) {
    if (!r.forward.sentAt && r.forward.notBefore <= t) out.push(r);
    if (out.length >= limit) break;
  }
  return out;
}

/** The replies' archive folder under the store's archive. */
export const repliesArchiveDir = (archiveDir: string) => join(archiveDir, 'replies');

/** Moves replies whose mail went to the archive (fsynced first), by the day they came; their text stays out. */
export async function archiveReplies(memory: StoreMemory, archiveDir: string): Promise<number> {
  const done = [...memory.replies.values()].filter((r) => r.forward.sentAt);
  if (!done.length) return 0;
  const dir = repliesArchiveDir(archiveDir);
  await mkdir(dir, { recursive: true });
  const byDay = new Map<string, string[]>();
  for (const r of done) {
    const day = r.receivedAt.slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), JSON.stringify(archivedForm(r))]);
  }
  for (const [day, lines] of byDay) await appendDurably(join(dir, `${day}.jsonl`), lines.join('\n') + '\n');
  for (const r of done) memory.replies.delete(r.id);
  return done.length;
}

/** A reply as the archive keeps it: the customer's words and the answered SMS's copy are not needed any more. */
function archivedForm(r: InboundReply): Omit<InboundReply, 'original'> {
  const { original: _original, ...rest } = r;
  return { ...rest, text: '' };
}
