/**
 * The handsets' replies to one SMS, for its history in the API and the
 * portal: those in the store's memory (their mail owed, or sent since the
 * last compaction) and those in the replies' archive (store/reply-store.ts),
 * read only from the days a reply to it can have come (from its acceptance
 * to the end of the reply window after its final day), and there only the
 * lines that name it.
 */
import { join } from 'node:path';
import { linesContaining, listArchive } from '../../store/archive.js';
import { repliesArchiveDir } from '../../store/reply-store.js';
import type { InboundReply, SmsMessage } from '../../store/types.js';
import { acceptedAt } from './query.js';

export interface RepliesSource {
  readonly archiveDir: string;
  liveReplies?(): Iterable<InboundReply>;
}

/** What the history shows of a reply: never its text (the clerk has it by mail; logs and history keep its length). */
export interface ReplySummary {
  id: string;
  at: string;
  from: string;
  to: string;
  chars: number;
  keyword: string | null;
  /** Where its mail went ("not sent: …" when it was not), or null while it is owed. */
  mailed: string | null;
  mailedAt: string | null;
}

const DAY_MS = 86_400_000;

export async function repliesTo(src: RepliesSource, sms: SmsMessage, windowHours: number): Promise<ReplySummary[]> {
  const found = new Map<string, InboundReply>();
  for (const r of src.liveReplies?.() ?? []) if (r.answers === sms.id) found.set(r.id, r);
  const first = acceptedAt(sms).slice(0, 10);
  const last = new Date(Date.parse(sms.history.at(-1)?.at ?? acceptedAt(sms)) + windowHours * 3600_000 + DAY_MS).toISOString().slice(0, 10);
  const needle = `"answers":${JSON.stringify(sms.id)}`;
  for (const f of await listArchive(repliesArchiveDir(src.archiveDir))) {
    if (f.day < first || f.day > last) continue;
    for await (const line of linesContaining(join(repliesArchiveDir(src.archiveDir), `${f.day}.jsonl`), needle)) {
      try {
        const r = JSON.parse(line) as InboundReply;
        if (r.answers === sms.id && !found.has(r.id)) found.set(r.id, r);
      } catch {
        // a line torn by a crash; the reply was archived again after it
      }
    }
  }
  return [...found.values()].sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : 1)).map(summary);
}

function summary(r: InboundReply): ReplySummary {
  return {
    id: r.id, at: r.receivedAt, from: r.from, to: r.to, chars: r.chars, keyword: r.keyword ?? null,
    mailed: r.forward.sentAt ? (r.forward.where ?? '') : null, mailedAt: r.forward.sentAt ?? null,
  };
}

/** The sentence of a reply's history entry (English, as the bridge's own history reasons are). */
export function replyReason(r: ReplySummary, to: string): string {
  const what = r.keyword ? `${r.keyword} from ${r.from}` : `reply received from ${r.from} (${r.chars} characters)`;
  if (r.mailed === null) return `${what}, to be mailed to ${to}`;
  return r.mailed.startsWith('not sent') ? `${what}, ${r.mailed}` : `${what}, mailed to ${to}`;
}
