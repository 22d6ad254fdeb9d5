import { resolve } from 'node:path';
import type { MessageView } from '../api/views.js';
import type { Config } from '../config/types.js';
import { CannotStart } from '../cannot-start.js';
import { IncompleteBackup, readRestoreMarker, removeRestoreMarker, type RestoreMarker } from '../store/restore-marker.js';
import { adminContext } from './context.js';
import { headLine } from './messages.js';
import { operatorApi, type Fetch } from './operator-api.js';
import type { CliIo } from './users.js';

export const HOLD_USAGE = `usage:
  mail2sms hold
  mail2sms hold release
A store restored from a backup holds every SMS accepted before the backup: the bridge the backup was taken of
may have sent them after it. hold shows since when, and (with the bridge running) the SMS still waiting from
before then; check them against the carrier's records or the old bridge's log, cancel those that went already
(mail2sms cancel <id>…), then release: the rest go out within a second. New mail is sent as usual meanwhile.
SMS that were being handed to the carrier when the backup was taken are listed apart (uncertain since the
backup): nobody is told about them until the release, which asks their connector and, where it cannot tell,
settles them as its onUncertain says.`;

/** `mail2sms hold [release]`: exit 0 done, 1 nothing held (release) or a copy the bridge will not start on, 2 usage. */
export async function holdCommand(args: string[], config: Config, io: CliIo, fetchFn: Fetch = fetch): Promise<number> {
  const [verb, ...rest] = args;
  if (rest.length || (verb !== undefined && verb !== 'release')) {
    io.err(`${HOLD_USAGE}\n`);
    return 2;
  }
  const dir = resolve(config.store.dir);
  try {
    if (verb === 'release') return await release(dir, config, io);
    const marker = await readRestoreMarker(dir);
    if (marker && !marker.complete) throw new IncompleteBackup(dir, marker);
    return await show(marker, config, io, fetchFn);
  } catch (e) {
    // An unfinished or unreadable backup is not held, it is refused: nothing here may make the bridge start on it.
    if (!(e instanceof CannotStart)) throw e;
    io.err(`mail2sms hold: ${e.message}\n`);
    return 1;
  }
}

async function show(marker: RestoreMarker | undefined, config: Config, io: CliIo, fetchFn: Fetch): Promise<number> {
  if (!marker) {
    io.err('nothing is held: this store was not restored from a backup, or the hold was released\n');
    return 0;
  }
  io.out(`held: SMS accepted before ${marker.finishedAt ?? '?'} (the backup of ${marker.source} on ${marker.host}) wait for mail2sms hold release\n`);
  await listWaiting(marker, config, io, fetchFn);
  return 0;
}

async function release(dir: string, config: Config, io: CliIo): Promise<number> {
  const was = await removeRestoreMarker(dir);
  if (!was) {
    io.err('mail2sms hold: nothing is held\n');
    return 1;
  }
  await (await adminContext(config, io.operator)).audit('restore-hold-released', { restoredFrom: was.finishedAt, source: was.source });
  io.out(`released: the SMS held since the restore from the backup of ${was.finishedAt ?? '?'} go out within a second\n`);
  return 0;
}

/** The SMS from before the backup still waiting, one a line (on stdout), through the running bridge's API. */
async function listWaiting(marker: RestoreMarker, config: Config, io: CliIo, fetchFn: Fetch): Promise<void> {
  const bridge = await operatorApi(config, fetchFn, io.operator);
  const list = (status: string) => bridge?.api('GET', `/api/v1/messages?status=${status}&until=${encodeURIComponent(marker.finishedAt ?? '')}&limit=500`).catch(() => undefined);
  const [queued, handing] = [await list('accepted'), await list('submitting')];
  if (queued?.status !== 200 || handing?.status !== 200) {
    io.err('the bridge is not running: start it to see the waiting SMS (they are held until released)\n');
    return;
  }
  const items = queued.body.items as MessageView[];
  for (const m of items) io.out(`${headLine(m, config.options.timeZone)}\n`);
  const more = queued.body.next ? ' (the first 500; the portal\'s Messages page lists them all: status accepted)' : '';
  io.err(`${items.length} SMS from before the backup waiting${more}\n`);
  listUncertain(handing.body.items as MessageView[], config, io);
}

/**
 * SMS the backup caught while they were being handed over: the old bridge
 * got the carrier's answer, not the copy. They are settled only at the release.
 */
function listUncertain(items: MessageView[], config: Config, io: CliIo): void {
  if (!items.length) return;
  io.out('uncertain since the backup (being handed to the carrier when it was taken; the old bridge\'s log says whether it went: sms-submitted with the msgId):\n');
  for (const m of items) {
    const name = [...m.timeline].reverse().find((e) => e.status === 'submitting')?.connector;
    const rule = config.connectors.find((c) => c.name === name)?.onUncertain ?? 'fail';
    const then = rule === 'resend' ? 'sent again (onUncertain resend)' : 'failed as not confirmed, not sent again (onUncertain fail)';
    io.out(`${headLine(m, config.options.timeZone)}  at release: asked of ${name ?? 'its connector'}; if it cannot tell, ${then}\n`);
  }
  io.err(`${items.length} SMS uncertain since the backup: settled at the release, the sender hears of them only then\n`);
}
