import { readdir, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { waitFor } from './wait.js';

/** What keeps this process alive, by kind (servers, sockets, referenced timers…), as Node counts it. */
export type Resources = Map<string, number>;

export function resources(): Resources {
  const counts: Resources = new Map();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/**
 * What a bridge on store `dir` left behind, one line each: its lock file,
 * the files under `dir` this process still has open (Linux's
 * /proc/self/fd), and resources keeping the process alive beyond those
 * counted in `before` (what scripts/run-tests.ts names after a run).
 */
export async function leftovers(dir: string, before: Resources): Promise<string[]> {
  // Counted first: the file system requests below would count themselves.
  const now = resources();
  const out: string[] = [];
  if (await stat(join(dir, 'lock')).then(() => true, () => false)) out.push('the store lock file');
  for (const fd of await readdir('/proc/self/fd').catch(() => [] as string[])) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(`${dir}/`)) out.push(`open file ${target.slice(dir.length + 1)}`);
  }
  for (const [kind, n] of now) if (n > (before.get(kind) ?? 0)) out.push(`${n - (before.get(kind) ?? 0)} more × ${kind}`);
  return out.sort();
}

/** Waits until nothing is left (closing may finish a moment after the start gave up); else fails naming what is. */
export async function assertNothingLeft(dir: string, before: Resources): Promise<void> {
  const settled = await waitFor('nothing left open', async () => (await leftovers(dir, before)).length === 0).catch(() => false);
  if (!settled) assert.equal(await leftovers(dir, before), [], 'left open by the start that failed');
}
