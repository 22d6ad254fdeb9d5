/**
 * Charts for the dashboard as inline SVG, built on the server from numbers:
 * no script, nothing to load, readable without JavaScript and allowed by a
 * strict Content-Security-Policy (presentation attributes, no style attributes).
 */
import { esc } from './portal-wording/html.js';

export interface VolumeDay {
  day: string;
  delivered: number;
  failed: number;
  pending: number;
}

/** The words and day format of the charts, in the page's language (portal-wording). */
export interface ChartWords {
  volume: string;
  rate: string;
  part: Record<'delivered' | 'failed' | 'pending', string>;
  /** A day in a tooltip ("2026-11-30", "30.11.2026") and on the axis ("11-30", "30.11."). */
  day(day: string): string;
  dayShort(day: string): string;
  /** A figure on the axis and in a tooltip, a rate as a percentage. */
  num(n: number): string;
  pct(r: number): string;
}

export const ENGLISH_CHARTS: ChartWords = {
  volume: 'SMS per day: delivered, failed, not final yet', rate: 'Delivery rate per day',
  part: { delivered: 'delivered', failed: 'failed', pending: 'not final yet' },
  day: (d) => d, dayShort: (d) => d.slice(5), num: String, pct: (r) => `${(r * 100).toFixed(1)} %`,
};

const W = 720;
const H = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 34 };
const COLORS = { delivered: '#2e7d32', failed: '#c62828', pending: '#9e9e9e', rate: '#1565c0', grid: '#e0e0e0', text: '#555' };

const n = (x: number) => Math.round(x * 10) / 10;

/** A round step for about 4 grid lines up to max. */
function niceStep(max: number): number {
  if (max <= 4) return 1;
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw)!;
}

function frame(title: string, body: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}" class="chart"><title>${esc(title)}</title>${body.join('')}</svg>`;
}

function xLabels(days: string[], x: (i: number) => number, words: ChartWords): string[] {
  const every = Math.ceil(days.length / 10);
  return days.flatMap((d, i) => (i % every === 0 || i === days.length - 1
    ? [`<text x="${n(x(i))}" y="${H - PAD.bottom + 16}" font-size="11" text-anchor="middle" fill="${COLORS.text}">${esc(words.dayShort(d))}</text>`]
    : []));
}

/** Stacked bars per day: delivered, failed (or expired/rejected), not final yet. */
export function volumeChart(days: VolumeDay[], words: ChartWords = ENGLISH_CHARTS): string {
  const totals = days.map((d) => d.delivered + d.failed + d.pending);
  const step = niceStep(Math.max(1, ...totals));
  const top = Math.max(step, Math.ceil(Math.max(1, ...totals) / step) * step);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(2, slot * 0.7);
  const x = (i: number) => PAD.left + slot * i + slot / 2;
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const body: string[] = [];
  for (let v = 0; v <= top; v += step) {
    body.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${n(y(v))}" y2="${n(y(v))}" stroke="${COLORS.grid}"/>`,
      `<text x="${PAD.left - 6}" y="${n(y(v)) + 4}" font-size="11" text-anchor="end" fill="${COLORS.text}">${words.num(v)}</text>`);
  }
  days.forEach((d, i) => {
    let base = 0;
    for (const part of ['delivered', 'failed', 'pending'] as const) {
      const v = d[part];
      if (!v) continue;
      body.push(`<rect x="${n(x(i) - barW / 2)}" y="${n(y(base + v))}" width="${n(barW)}" height="${n(y(base) - y(base + v))}" fill="${COLORS[part]}"><title>${esc(words.day(d.day))}: ${words.num(v)} ${esc(words.part[part])}</title></rect>`);
      base += v;
    }
  });
  body.push(...xLabels(days.map((d) => d.day), x, words));
  return frame(words.volume, body);
}

/** Delivery rate per day (delivered of all final), as a line; days without final messages leave a gap. */
export function rateChart(days: Array<{ day: string; deliveryRate: number | null }>, words: ChartWords = ENGLISH_CHARTS): string {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, days.length);
  const x = (i: number) => PAD.left + slot * i + slot / 2;
  const y = (r: number) => PAD.top + plotH - r * plotH;
  const body: string[] = [];
  for (const r of [0, 0.25, 0.5, 0.75, 1]) {
    body.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${n(y(r))}" y2="${n(y(r))}" stroke="${COLORS.grid}"/>`,
      `<text x="${PAD.left - 6}" y="${n(y(r)) + 4}" font-size="11" text-anchor="end" fill="${COLORS.text}">${r * 100}%</text>`);
  }
  const runs: string[][] = [[]];
  days.forEach((d, i) => {
    if (d.deliveryRate === null) return void (runs.at(-1)!.length && runs.push([]));
    runs.at(-1)!.push(`${n(x(i))},${n(y(d.deliveryRate))}`);
    body.push(`<circle cx="${n(x(i))}" cy="${n(y(d.deliveryRate))}" r="3" fill="${COLORS.rate}"><title>${esc(words.day(d.day))}: ${esc(words.pct(d.deliveryRate))} ${esc(words.part.delivered)}</title></circle>`);
  });
  for (const run of runs) if (run.length > 1) body.push(`<polyline points="${run.join(' ')}" fill="none" stroke="${COLORS.rate}" stroke-width="2"/>`);
  body.push(...xLabels(days.map((d) => d.day), x, words));
  return frame(words.rate, body);
}
