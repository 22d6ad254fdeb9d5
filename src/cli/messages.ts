import { resolve } from 'node:path';
import { parseCommand } from './args.js';
import { operatorFile } from '../api/operator-file.js';
import type { MessageView } from '../api/views.js';
import type { Config } from '../config/types.js';
import { eventReason, quietHoldEnd, retryReasonIn } from '../notify/hold-words.js';
import { formatTime } from '../notify/times.js';
import { operatorApi, type Fetch, type OperatorApi } from './operator-api.js';
import type { CliIo } from './users.js';

export const MESSAGES_USAGE = `usage:
  mail2sms status <id | mail id | reference> [--json]
  mail2sms cancel <id | mail id>...
cancel takes several ids (after a restore: each SMS the old bridge sent); each is answered on its own.
Both talk to the running bridge through its API (the store has one writer: the bridge),
as the local operator, with the token the bridge keeps in <store.dir>/api.json.`;

/** `mail2sms status …` and `mail2sms cancel …`: exit code 0 done, 1 not found or refused (cancel: any of them), 2 usage, 3 no bridge running. */
export async function messagesCommand(verb: 'status' | 'cancel', args: string[], config: Config, io: CliIo, fetchFn: Fetch = fetch): Promise<number> {
  const parsed = parseCommand(args, { json: { type: 'boolean', default: false } }, MESSAGES_USAGE, io);
  if (!parsed) return 2;
  const [what, extra] = parsed.positionals;
  if (!what || (extra && verb === 'status')) {
    io.err(`${MESSAGES_USAGE}\n`);
    return 2;
  }
  const bridge = await operatorApi(config, fetchFn, io.operator);
  if (!bridge) {
    io.err(`mail2sms ${verb}: no running bridge found (${operatorFile(resolve(config.store.dir))} is missing); start it, with the same --config\n`);
    return 3;
  }
  const { api } = bridge;
  let code = 0;
  const shown: MessageView[] = [];
  try {
    for (const one of verb === 'cancel' ? parsed.positionals : [what]) {
      const found = verb === 'cancel' ? await cancel(api, one) : await lookup(api, one);
      if ('items' in found) shown.push(...(found.items as MessageView[]));
      if ('detail' in found) {
        io.err(`mail2sms ${verb}: ${String(found.detail ?? `the bridge answered ${found.status}`)}\n`);
        code = 1;
      }
    }
  } catch (e) {
    io.err(`mail2sms ${verb}: the bridge at ${bridge.url} does not answer (${(e as Error).message}); is it running?\n`);
    code = 3;
  }
  // Also after a lost connection: the ids cancelled before it must be named (review 6 L9).
  if (shown.length) io.out(parsed.values.json ? JSON.stringify(shown, null, 2) + '\n' : shown.map((m) => describe(m, config.options.timeZone)).join('\n'));
  return code;
}

type Found = { status: number; items: unknown[] } | { status: number; detail: unknown } | { status: number; items: unknown[]; detail: unknown };

/**
 * An SMS by its id, or a mail's id (what the clerk's 250 named): the bridge cancels each of its SMS that still can be
 * (api/cancel-mail.ts) and names the others. By id only, not as `lookup` finds: a reference equal to it cancels nothing.
 */
async function cancel(api: OperatorApi, id: string): Promise<Found> {
  const r = await api('POST', `/api/v1/messages/${encodeURIComponent(id)}/cancel`);
  const results = r.body.results as Array<{ outcome: string; detail: string | null; message: MessageView }> | undefined;
  if (!results) return r.status === 200 ? { status: 200, items: [r.body] } : { status: r.status, detail: r.body.detail };
  const items = results.filter((x) => x.detail === null).map((x) => x.message);
  const refused = results.flatMap((x) => (x.detail === null ? [] : [x.detail]));
  return refused.length ? { status: r.status, items, detail: refused.join('; ') } : { status: r.status, items };
}

/** By id first; else everything with that mail id or reference. */
async function lookup(api: OperatorApi, what: string): Promise<Found> {
  const one = await api('GET', `/api/v1/messages/${encodeURIComponent(what)}`);
  if (one.status === 200) return { status: 200, items: [one.body] };
  if (one.status !== 404) return { status: one.status, detail: one.body.detail };
  for (const key of ['id', 'reference']) {
    const r = await api('GET', `/api/v1/messages?${key}=${encodeURIComponent(what)}&limit=500`);
    if (r.status !== 200) return { status: r.status, detail: r.body.detail };
    const items = r.body.items as unknown[];
    if (items.length) return { status: 200, items };
  }
  return { status: 404, detail: `no message with the id or reference "${what}"` };
}

/** One line of an SMS: id, number, status, reference, send time while it waits, and a quiet-hours hold with its end. */
export function headLine(m: MessageView, timeZone: string): string {
  const quiet = quietHeldUntil(m);
  return `${m.id}  ${m.to}  ${m.status}${m.reference ? `  reference ${m.reference}` : ''}${m.sendAt && !m.final ? `  scheduled for ${formatTime(m.sendAt, timeZone)}` : ''}`
    + (quiet ? `  held for quiet hours until ${formatTime(quiet, timeZone)}` : '');
}

/**
 * Until when quiet hours hold `m`: its last status is a quiet-hours hold (`accepted` with `until`), so a bare
 * "accepted" would read as if it were simply next in the queue.
 */
export function quietHeldUntil(m: Pick<MessageView, 'status' | 'timeline'>): string | undefined {
  if (m.status !== 'accepted') return undefined;
  return quietHoldEnd(m.timeline.filter((e) => e.status !== 'reply').at(-1));
}

function describe(m: MessageView, timeZone: string): string {
  const head = headLine(m, timeZone);
  const lines = m.timeline.map((e) => {
    // The API words a quiet-hours hold and a retry's next attempt in UTC ("… = 07:00:00 UTC your time"); beside times
    // in the operator's zone they are worded again in that zone, as the portal does.
    const reason = 'quiet' in e && e.quiet && e.status !== 'reply' ? eventReason({ status: e.status, at: e.at, quiet: e.quiet, until: e.until }, undefined, timeZone)
      : 'retryAt' in e && e.retryAt && e.reason ? retryReasonIn(e.reason, e.retryAt, timeZone) : e.reason;
    return `  ${formatTime(e.at, timeZone)}  ${e.status}${e.connector ? ` (${e.connector})` : ''}${reason ? `: ${reason}` : ''}`;
  });
  return [head, ...lines].join('\n') + '\n';
}
