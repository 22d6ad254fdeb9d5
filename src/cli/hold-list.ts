import type { MessageView } from '../api/views.js';
import type { Config } from '../config/types.js';
import type { RestoreMarker } from '../store/restore-marker.js';
import { headLine } from './messages.js';
import { operatorApi, type Fetch, type OperatorApi } from './operator-api.js';
import type { CliIo } from './users.js';

/** Lines per section unless --all: a terminal, or cron's mail, should not get 100,000 of them. */
export const SHOWN = 500;

/** The SMS from before the backup still waiting, and those it caught being handed over, through the running bridge's API. */
export async function listHeld(marker: RestoreMarker, config: Config, io: CliIo, all: boolean, fetchFn: Fetch): Promise<void> {
  const bridge = await operatorApi(config, fetchFn, io.operator);
  const until = `until=${encodeURIComponent(marker.finishedAt ?? '')}`;
  const waiting = bridge && await everyPage(bridge.api, `status=accepted&${until}`);
  const caught = bridge && await everyPage(bridge.api, `backup=uncertain&${until}`);
  if (!waiting || !caught) {
    io.err('the bridge is not running: start it to see the waiting SMS (they are held until released)\n');
    return;
  }
  // One the operator marked not sent is listed with the others the backup caught.
  const queued = waiting.filter((m) => !verdictOf(m));
  section(queued.map((m) => headLine(m, config.options.timeZone)), io, all);
  io.err(`${queued.length} SMS from before the backup waiting\n`);
  listUncertain(caught, config, io, all);
  await listReceipts(bridge.api, io, all);
}

interface OpenReceiptView {
  connector: string;
  id: string;
  status: string;
  reason?: string;
  handset?: string;
  submittedAt?: string;
  excerpt?: string[];
  candidates: string[];
}

/**
 * SMPP receipts kept since the restore that fit more than one held SMS (by number, submit date and text): the
 * bridge settled none of them. The operator picks, from the old bridge's log (the SMSC's id is in its
 * sms-submitted line), and links it: mail2sms hold mark <id> sent --carrier-id <receipt id>.
 */
async function listReceipts(api: OperatorApi, io: CliIo, all: boolean): Promise<void> {
  const r = await api('GET', '/api/v1/backup-receipts').catch(() => undefined);
  const items = r?.status === 200 ? (r.body.items as OpenReceiptView[]).filter((k) => k.candidates.length > 1) : [];
  if (!items.length) return;
  io.out('delivery receipts that fit more than one held SMS (none settled; the old bridge\'s log names the SMSC id of each SMS it sent: '
    + 'mail2sms hold mark <id> sent --carrier-id <receipt id> settles the one it was):\n');
  section(items.map((k) => {
    const text = k.excerpt?.[0] ? ` text "${k.excerpt[0]}"` : '';
    return `receipt ${k.id} from ${k.connector} (${k.status}${k.reason ? `: ${k.reason}` : ''}) for ${k.handset ?? '?'}, submitted ${k.submittedAt ?? '?'}${text}: fits ${k.candidates.join(', ')}`;
  }), io, all);
  io.err(`${items.length} delivery receipts fit more than one held SMS\n`);
}

/** Every page of a search (newest first); undefined when the bridge does not answer. */
async function everyPage(api: OperatorApi, query: string): Promise<MessageView[] | undefined> {
  const items: MessageView[] = [];
  let cursor: string | undefined;
  do {
    const r = await api('GET', `/api/v1/messages?${query}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).catch(() => undefined);
    if (r?.status !== 200) return undefined;
    items.push(...(r.body.items as MessageView[]));
    cursor = typeof r.body.next === 'string' ? r.body.next : undefined;
  } while (cursor);
  return items;
}

/** The lines, at most SHOWN unless `all`; what is left out is counted, never cut silently. */
function section(lines: string[], io: CliIo, all: boolean): void {
  const shown = all ? lines : lines.slice(0, SHOWN);
  for (const l of shown) io.out(`${l}\n`);
  if (shown.length < lines.length) io.out(`… and ${lines.length - shown.length} more (mail2sms hold --all lists them all)\n`);
}

/**
 * SMS the backup caught while they were being handed over: the old bridge
 * got the carrier's answer, not the copy. Settled by the operator's word
 * (mail2sms hold mark) or, without it, at the release.
 */
function listUncertain(items: MessageView[], config: Config, io: CliIo, all: boolean): void {
  if (!items.length) return;
  io.out('uncertain since the backup (being handed to the carrier when it was taken; the old bridge\'s log says whether it went: sms-submitted with the msgId; '
    + 'mail2sms hold mark <id>… sent|not-sent settles them before the release):\n');
  section(items.map((m) => `${headLine(m, config.options.timeZone)}  ${uncertainState(m, config)}`), io, all);
  const open = items.filter((m) => m.status === 'submitting').length;
  io.err(`${items.length} SMS uncertain since the backup, ${open} not marked: those are settled at the release, the sender hears of them only then\n`);
}

function uncertainState(m: MessageView, config: Config): string {
  const verdict = verdictOf(m);
  if (verdict?.backup === 'sent') return `marked sent by ${verdict.by ?? '?'}: settled as handed over, not sent again`;
  if (verdict?.backup === 'not-sent') return `marked not sent by ${verdict.by ?? '?'}: ${m.status === 'accepted' ? 'sent at the release' : 'sent again'}`;
  if (m.status !== 'submitting') return 'settled at the release';
  const name = [...m.timeline].reverse().find((e) => e.status === 'submitting')?.connector;
  const rule = config.connectors.find((c) => c.name === name)?.onUncertain ?? 'fail';
  const then = rule === 'resend' ? 'sent again (onUncertain resend)' : 'failed as not confirmed, not sent again (onUncertain fail)';
  return `at release: asked of ${name ?? 'its connector'}; if it cannot tell, ${then}`;
}

function verdictOf(m: MessageView): { backup?: string; by?: string } | undefined {
  return (m.timeline as Array<{ backup?: string; by?: string }>).find((e) => e.backup === 'sent' || e.backup === 'not-sent');
}
