import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SmsMessage } from '../../store/types.js';

export type LogFn = (evt: string, data: Record<string, unknown>) => void;

/**
 * One line of an archive day file as a message, or why it is not one:
 * `torn` for a line a crash cut short (the message it held was written
 * again after it, so it is skipped without a word), else the problem of a
 * line that is JSON but no whole message, such as `{"id":"A.1"}` left by an
 * operator's hand edit or a partial restore. The read side's pages, search,
 * export and statistics rely on these fields; one such line must not take
 * them down, so it is skipped and named in the log (SkippedLines).
 */
export function archivedMessage(line: string): SmsMessage | 'torn' | { problem: string } {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    return 'torn';
  }
  const problem = notWhole(m);
  return problem ? { problem } : (m as SmsMessage);
}

function notWhole(m: unknown): string | undefined {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return 'not a JSON object';
  const o = m as Record<string, unknown>;
  const missing = ['id', 'account', 'to', 'text', 'status', 'encoding'].filter((k) => typeof o[k] !== 'string');
  if (typeof o.segments !== 'number') missing.push('segments');
  if (!o.mail || typeof o.mail !== 'object') missing.push('mail');
  if (!Array.isArray(o.confirmations)) missing.push('confirmations');
  const history = o.history;
  if (!Array.isArray(history) || !history.every((e) => e && typeof e === 'object' && typeof e.at === 'string' && typeof e.status === 'string')) missing.push('history');
  return missing.length ? `no message: ${missing.join(', ')} missing or of the wrong type` : undefined;
}

/** The line's number in its file (from 1), for the log: only looked up for a line that is skipped, as the search reads lines without counting them. */
async function lineNumber(file: string, line: string): Promise<number | undefined> {
  let n = 0;
  const input = createReadStream(file, 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const l of lines) {
      n++;
      if (l === line) return n;
    }
  } finally {
    // Closing the interface leaves its stream, and the file, open: one descriptor lost per logged line (review 6 M3).
    lines.close();
    input.destroy();
  }
  return undefined;
}

/**
 * Logs a line that is JSON but no message: the file, the line number, what
 * is wrong and what the operator can do. Once per line (file and content)
 * per process: every page view, search, export and statistics query reads
 * the same line again, and a log repeating it at each would bury the rest.
 * Another bad line is said at its first read; the same one again only after a restart.
 */
export class SkippedLines {
  private readonly said = new Set<string>();
  constructor(private readonly log?: LogFn) {}

  async report(file: string, line: string, problem: string): Promise<void> {
    if (!this.log) return;
    const key = createHash('sha256').update(file).update('\n').update(line).digest('base64');
    if (this.said.has(key)) return;
    this.said.add(key);
    this.log('archive-line-skipped', {
      file, line: await lineNumber(file, line), problem, excerpt: line.length > 80 ? `${line.slice(0, 79)}…` : line,
      action: 'the rest of the archive is read; mend or remove the line (it holds no message the pages can show)',
    });
  }
}
