/**
 * The result as a table of figures, each with the Postfix figure of the same
 * run, their ratio, the target and whether it is met. Printed, and
 * written to bench/RESULTS.md with the command and the machine's load.
 */
import { writeFile } from 'node:fs/promises';

export interface Row {
  what: string;
  bridge: string;
  postfix?: string;
  ratio?: number;
  target?: string;
  /** undefined: no target. */
  met?: boolean;
}

const fmtRatio = (r?: number) => (r === undefined || !Number.isFinite(r) ? '' : `${r.toFixed(2)} ×`);
const fmtMet = (m?: boolean) => (m === undefined ? '' : m ? 'yes' : '**no**');

export function table(rows: Row[]): string {
  const head = ['figure', 'mail2sms', 'Postfix (same run)', 'ratio', 'target', 'met'];
  const body = rows.map((r) => [r.what, r.bridge, r.postfix ?? '', fmtRatio(r.ratio), r.target ?? '', fmtMet(r.met)]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}

export interface RunInfo {
  command: string;
  startedAt: string;
  seconds: number;
  node: string;
  postfix: string;
  /** The commit measured (bench/run.ts codeMeasured). */
  code: string;
  cpus: number;
  loadBefore: number[];
  loadAfter: number[];
  /** Cores busy with other work just before the run (from /proc/stat over a few seconds). */
  busyBeforeCores?: number;
  notes: string[];
}

export function describeRun(i: RunInfo): string {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  return [
    `Command: \`${i.command}\``,
    `Run: ${i.startedAt}, ${Math.round(i.seconds)} s; code ${i.code}; Node ${i.node}; Postfix ${i.postfix}; ${i.cpus} cores.`,
    `Machine load (1/5/15 min averages) before: ${load(i.loadBefore)}, after: ${load(i.loadAfter)}` +
      (i.busyBeforeCores !== undefined ? `; just before the run, other work kept ${i.busyBeforeCores.toFixed(2)} of ${i.cpus} cores busy.` : '.'),
    ...i.notes.map((n) => `- ${n}`),
  ].join('\n');
}

export function stageTable(stages: Array<{ name: string; cpuMs: number; sysMs: number }>): string {
  const lines = stages.map((s) => `| ${s.name} | ${s.cpuMs.toFixed(3)} ms | ${s.sysMs.toFixed(3)} ms |`);
  const sum = stages.reduce((a, s) => a + s.cpuMs, 0);
  return ['| stage (alone, in the bench process) | CPU per SMS | of it system |', '| --- | --- | --- |', ...lines, `| all of these | ${sum.toFixed(3)} ms | |`].join('\n');
}

export async function writeResults(file: string, info: RunInfo, rows: Row[], stages: Array<{ name: string; cpuMs: number; sysMs: number }>, explanations: string): Promise<void> {
  const text = [
    '# mail2sms benchmark: latest results',
    '',
    'Written by `npm run bench` (bench/run.ts); every ratio compares figures taken in the same run on the same machine.',
    '',
    describeRun(info),
    '',
    table(rows),
    '',
    '## Where the CPU goes (bench/stages.ts, same run)',
    '',
    stageTable(stages),
    '',
    explanations.trim(),
    '',
  ].join('\n');
  await writeFile(file, text);
}
