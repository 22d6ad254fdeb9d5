/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by
 * function and by package/file, so a profile can be read in a terminal and
 * quoted in a commit. Usage: node --import tsx bench/cpu-profile.ts FILE [top]
 */
import { readFile } from 'node:fs/promises';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface ProfileSummary {
  totalMs: number;
  byFunction: Array<{ name: string; where: string; selfMs: number; pct: number }>;
  byPlace: Array<{ place: string; selfMs: number; pct: number }>;
  /** Each sample charged to the innermost function of our own code on its stack (library time goes to its caller). */
  byOwnCaller: Array<{ name: string; where: string; ms: number; pct: number }>;
}

/** Where a script belongs: `node_modules/<pkg>`, `src/<folder>`, `node:<internal>` or `(program)`-style V8 entries. */
export function placeOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const own = /\/(src|bench|test)\/(.+?)(?:\.[jt]s)?$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return url;
  return url;
}

export function summarise(p: Profile, top = 25): ProfileSummary {
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const byFn = new Map<string, { name: string; where: string; us: number }>();
  const byPlace = new Map<string, number>();
  let total = 0;
  for (const n of p.nodes) {
    const us = self.get(n.id) ?? 0;
    if (!us) continue;
    total += us;
    const { functionName, url, lineNumber } = n.callFrame;
    const name = functionName || '(anonymous)';
    const where = url ? `${placeOf(url, name)}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const e = byFn.get(key) ?? { name, where, us: 0 };
    e.us += us;
    byFn.set(key, e);
    const place = placeOf(url, name);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  }
  const pct = (us: number) => Math.round((1000 * us) / total) / 10;
  const own = ownCallers(p, self);
  return {
    totalMs: Math.round(total / 1000),
    byFunction: [...byFn.values()].sort((a, b) => b.us - a.us).slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, selfMs: Math.round(e.us / 1000), pct: pct(e.us) })),
    byPlace: [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, top)
      .map(([place, us]) => ({ place, selfMs: Math.round(us / 1000), pct: pct(us) })),
    byOwnCaller: [...own].sort((a, b) => b[1] - a[1]).slice(0, top)
      .map(([key, us]) => ({ name: key.split('@')[0], where: key.split('@')[1] ?? '', ms: Math.round(us / 1000), pct: pct(us) })),
  };
}

function ownCallers(p: Profile, self: Map<number, number>): Map<string, number> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = new Map<string, number>();
  for (const [id, us] of self) {
    let key: string | undefined;
    for (let cur: number | undefined = id; cur !== undefined && !key; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (/\/src\//.test(f.url) && !f.url.includes('node_modules')) key = `${f.functionName || '(anonymous)'}@${placeOf(f.url, '')}:${f.lineNumber + 1}`;
    }
    key ??= placeOf(byId.get(id)!.callFrame.url, byId.get(id)!.callFrame.functionName);
    out.set(key, (out.get(key) ?? 0) + us);
  }
  return out;
}

async function main(): Promise<void> {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpu-profile.ts FILE [top]');
  const s = summarise(JSON.parse(await readFile(file, 'utf8')) as Profile, Number(top ?? 25));
  console.log(`total sampled: ${s.totalMs} ms\n\nself time by package / file:`);
  for (const e of s.byPlace) console.log(`${String(e.pct).padStart(6)} %  ${String(e.selfMs).padStart(6)} ms  ${e.place}`);
  console.log('\nself time by function:');
  for (const e of s.byFunction) console.log(`${String(e.pct).padStart(6)} %  ${String(e.selfMs).padStart(6)} ms  ${e.name}  ${e.where}`);
  console.log('\ntime by innermost function of our own code (libraries charged to their caller):');
  for (const e of s.byOwnCaller) console.log(`${String(e.pct).padStart(6)} %  ${String(e.ms).padStart(6)} ms  ${e.name}  ${e.where}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
