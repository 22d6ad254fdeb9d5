/**
 * A store with a long history, made fast but faithfully: real finished
 * messages written by the bridge itself (a seed run over SMTP, compacted by
 * the store's own code into archive/*.jsonl and state.json) are copied with
 * new ids, Message-IDs and times until the archive holds `total` messages
 * spread over the last `days` days, and the snapshot gets the duplicate-
 * detection keys of those still inside the duplicate window, computed by the
 * bridge's own dedupKey(). So the store the bridge opens is what it would
 * hold after that much real traffic; only the texts repeat.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { dedupKey } from '../src/mail/to-sms.js';
import { JournalStore } from '../src/store/journal-store.js';
import type { SnapshotData } from '../src/store/snapshot.js';
import type { SmsMessage } from '../src/store/types.js';

/** Opens and closes the store with its own code: finished messages go to the archive, the rest to state.json. */
export async function compactStore(dir: string): Promise<void> {
  const s = new JournalStore({ dir, segmentBytes: 64 * 1024 * 1024, duplicateWindowHours: 72 });
  await s.open();
  await s.close();
}

async function archivedSeed(dir: string): Promise<SmsMessage[]> {
  const out: SmsMessage[] = [];
  for (const f of await readdir(join(dir, 'archive'))) {
    const lines = createInterface({ input: createReadStream(join(dir, 'archive', f)) });
    for await (const l of lines) if (l) out.push(JSON.parse(l) as SmsMessage);
  }
  if (!out.length) throw new Error('the seed run left nothing in the archive');
  return out;
}

const shift = (iso: string | undefined, ms: number) => (iso ? new Date(Date.parse(iso) + ms).toISOString() : iso);

/** A copy of a real archived message as message number i, received at `at`. */
function copyOf(m: SmsMessage, i: number, at: number): SmsMessage {
  const d = at - Date.parse(m.mail.receivedAt);
  const mailId = `H${i.toString(36).toUpperCase().padStart(8, '0')}`;
  return {
    ...m,
    id: `${mailId}.1`, mailId,
    mail: { ...m.mail, messageId: `<history.${i}@erp.acme.test>`, receivedAt: shift(m.mail.receivedAt, d)! },
    history: m.history.map((h) => ({ ...h, at: shift(h.at, d)!, ...(h.connectorMessageId ? { connectorMessageId: `HIST${i}` } : {}) })),
    notBefore: shift(m.notBefore, d)!,
    confirmations: m.confirmations.map((c) => ({ ...c, notBefore: shift(c.notBefore, d)!, sentAt: shift(c.sentAt, d) })),
  };
}

export interface HistoryOptions { total: number; days: number; duplicateWindowHours: number; now: number }

/** Grows the seed store in `dir` (already compacted) to `total` archived messages. */
export async function growHistory(dir: string, o: HistoryOptions): Promise<{ archived: number; dedupKeys: number }> {
  const seed = await archivedSeed(dir);
  await rm(join(dir, 'archive'), { recursive: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'archive')));
  const span = o.days * 86_400_000;
  const windowStart = o.now - o.duplicateWindowHours * 3_600_000;
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as SnapshotData;
  let file: ReturnType<typeof createWriteStream> | undefined;
  let day = '';
  // Oldest first, as the archive grows in real life; one file per day of final status.
  for (let i = 0; i < o.total; i++) {
    const at = o.now - span + Math.floor((i * span) / o.total) - 60_000;
    const m = copyOf(seed[i % seed.length], i, at);
    const d = (m.history.at(-1)?.at ?? m.mail.receivedAt).slice(0, 10);
    if (d !== day) {
      if (file) { file.end(); await once(file, 'close'); }
      file = createWriteStream(join(dir, 'archive', `${d}.jsonl`), { flags: 'a' });
      day = d;
    }
    if (!file!.write(JSON.stringify(m) + '\n')) await once(file!, 'drain');
    if (at >= windowStart) state.dedup.push([dedupKey(m.account, m.mail.messageId!, m.to), m.id, at + o.duplicateWindowHours * 3_600_000]);
  }
  if (file) { file.end(); await once(file, 'close'); }
  await writeFile(join(dir, 'state.json'), JSON.stringify(state));
  return { archived: o.total, dedupKeys: state.dedup.length };
}
