/**
 * Reads the CPU profiles bench/ab-accept.ts --profile wrote for one run (a
 * folder: one .cpuprofile per thread, window.json) and prints, per mail and
 * only for samples inside the measured mails' window: self and total time by
 * place (src/<folder>/<file>, node_modules package, node internals), and self
 * time by function. Total counts a sample once for every place on its stack,
 * so the product's own functions can be charged what they call.
 * Usage: node --import tsx bench/profile-window.ts DIR [top] [folder]
 * (folder: src/ places by folder, not by file).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { placeOf } from './cpu-profile.js';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number }

const [dir, topArg, byArg] = process.argv.slice(2);
const top = Number(topArg ?? 40);
const byFolder = byArg === 'folder';
const win = JSON.parse(await readFile(join(dir, 'window.json'), 'utf8')) as { fromUs: number; toUs: number; mails: number };

function place(url: string, fn: string): string {
  const p = placeOf(url, fn);
  if (byFolder && p.startsWith('src/')) return p.split('/').slice(0, 2).join('/');
  return p;
}

for (const f of (await readdir(dir)).filter((n) => n.endsWith('.cpuprofile')).sort()) {
  const p = JSON.parse(await readFile(join(dir, f), 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const fnSelf = new Map<string, number>();
  let t = p.startTime;
  let sum = 0;
  let idle = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i];
    if (t < win.fromUs || t > win.toUs) continue;
    const dt = p.timeDeltas[i + 1] ?? p.timeDeltas[i];
    const leaf = byId.get(p.samples[i])!;
    if (leaf.callFrame.functionName === '(idle)') { idle += dt; continue; }
    sum += dt;
    const lp = place(leaf.callFrame.url, leaf.callFrame.functionName);
    self.set(lp, (self.get(lp) ?? 0) + dt);
    const fk = `${(leaf.callFrame.functionName || '(anon)').slice(0, 60)} ${lp}:${leaf.callFrame.lineNumber + 1}`;
    fnSelf.set(fk, (fnSelf.get(fk) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = leaf.id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      const pl = place(cf.url, cf.functionName);
      if (seen.has(pl)) continue;
      seen.add(pl);
      total.set(pl, (total.get(pl) ?? 0) + dt);
    }
  }
  const per = (us: number) => (us / win.mails).toFixed(1).padStart(7);
  console.log(`\n== ${f}: busy ${per(sum)} µs per mail (idle ${per(idle)}) over ${win.mails} mails`);
  console.log('place: self µs/mail, total µs/mail');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${per(v)} ${per(total.get(k) ?? 0)}  ${k}`);
  console.log('own places by total:');
  for (const [k, v] of [...total].filter(([k]) => k.startsWith('src/')).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${per(self.get(k) ?? 0)} ${per(v)}  ${k}`);
  console.log('functions by self:');
  for (const [k, v] of [...fnSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${per(v)}  ${k}`);
}
