import { resolve } from 'node:path';
import { parseCommand } from './args.js';
import type { MessageView } from '../api/views.js';
import { CannotStart } from '../cannot-start.js';
import type { Config } from '../config/types.js';
import { IncompleteBackup, readRestoreMarker, removeRestoreMarker, type RestoreMarker } from '../store/restore-marker.js';
import { adminContext } from './context.js';
import { listHeld, SHOWN } from './hold-list.js';
import { headLine } from './messages.js';
import { operatorApi, type Fetch } from './operator-api.js';
import type { CliIo } from './users.js';

export const HOLD_USAGE = `usage:
  mail2sms hold [--all]
  mail2sms hold mark <id>... sent|not-sent
  mail2sms hold mark <id> sent --carrier-id <smsc id>
  mail2sms hold release
A store restored from a backup holds every SMS accepted before the backup: the bridge the backup was taken of
may have sent them after it. hold shows since when, and (with the bridge running) the SMS still waiting from
before then (the first ${SHOWN} of each list; --all: every one); check them against the carrier's records or the
old bridge's log, cancel those that went already (mail2sms cancel <id>…), then release: the rest go out within a second.
New mail is sent as usual meanwhile.
SMS that were being handed to the carrier when the backup was taken are listed apart (uncertain since the
backup): nobody is told about them until the release, which asks their connector and, where it cannot tell,
settles them as its onUncertain says. mark settles them first, as the old bridge's log tells: sent (it went:
handed over, not sent again) or not-sent (it did not: sent at the release). Each is answered on its own.
A delivery report that names a held SMS by our id (Kannel, http with webhook.ourIdParam) settles it as sent by itself.
An SMPP receipt (it names only the SMSC's id, which went to the old bridge) settles one when its number, submit date
and text fit exactly one held SMS; one that fits several is listed with them: --carrier-id <its id> marks one sent
and links it to that receipt (or a later one), whose outcome is recorded.`;

/**
 * `mail2sms hold [--all | mark … | release]`: exit 0 done, 1 nothing held (release), a mark refused or a copy the bridge
 * will not start on, 2 usage, 3 no bridge (mark).
 */
export async function holdCommand(args: string[], config: Config, io: CliIo, fetchFn: Fetch = fetch): Promise<number> {
  const parsed = parseCommand(args, { all: { type: 'boolean', default: false }, 'carrier-id': { type: 'string' } }, HOLD_USAGE, io);
  if (!parsed) return 2;
  const [verb, ...rest] = parsed.positionals;
  const marking = verb === 'mark' && rest.length >= 2 && ['sent', 'not-sent'].includes(rest.at(-1)!);
  const carrierId = parsed.values['carrier-id'];
  // A carrier id names one SMS that went.
  const linkOk = carrierId === undefined || (marking && rest.length === 2 && rest[1] === 'sent' && /^\S+$/.test(carrierId));
  if ((verb !== undefined && !marking && !(verb === 'release' && !rest.length)) || !linkOk) {
    io.err(`${HOLD_USAGE}\n`);
    return 2;
  }
  const dir = resolve(config.store.dir);
  try {
    if (verb === 'release') return await release(dir, config, io);
    const marker = await readRestoreMarker(dir);
    if (marker && !marker.complete) throw new IncompleteBackup(dir, marker);
    if (marking) return await mark(marker, rest.slice(0, -1), rest.at(-1) as 'sent' | 'not-sent', config, io, fetchFn, carrierId);
    return await show(marker, config, io, parsed.values.all, fetchFn);
  } catch (e) {
    // An unfinished or unreadable backup is not held, it is refused: nothing here may make the bridge start on it.
    if (!(e instanceof CannotStart)) throw e;
    io.err(`mail2sms hold: ${e.message}\n`);
    return 1;
  }
}

async function show(marker: RestoreMarker | undefined, config: Config, io: CliIo, all: boolean, fetchFn: Fetch): Promise<number> {
  if (!marker) {
    io.err('nothing is held: this store was not restored from a backup, or the hold was released\n');
    return 0;
  }
  io.out(`held: SMS accepted before ${marker.finishedAt ?? '?'} (the backup of ${marker.source} on ${marker.host}) wait for mail2sms hold release\n`);
  await listHeld(marker, config, io, all, fetchFn);
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

/** The operator's word on SMS the backup caught being handed over, asked of the running bridge (which audits it). */
async function mark(held: RestoreMarker | undefined, ids: string[], verdict: 'sent' | 'not-sent', config: Config, io: CliIo, fetchFn: Fetch, carrierId?: string): Promise<number> {
  if (!held) {
    io.err('mail2sms hold mark: nothing is held: only while the hold after a restore lasts are there SMS to mark\n');
    return 1;
  }
  const bridge = await operatorApi(config, fetchFn, io.operator);
  if (!bridge) {
    io.err('mail2sms hold mark: no running bridge found; start it, with the same --config\n');
    return 3;
  }
  let code = 0;
  for (const id of ids) {
    const r = await bridge.api('POST', `/api/v1/messages/${encodeURIComponent(id)}/backup-verdict`, { verdict, ...(carrierId ? { carrierId } : {}) }).catch((e: Error) => e);
    if (r instanceof Error) {
      io.err(`mail2sms hold mark: the bridge at ${bridge.url} does not answer (${r.message}); is it running?\n`);
      return 3;
    }
    const linked = carrierId ? `; its receipts under the carrier's id ${carrierId} settle it` : '';
    if (r.status === 200) io.out(`${headLine(r.body as unknown as MessageView, config.options.timeZone)}  marked ${verdict === 'sent' ? `sent: not sent again${linked}` : 'not sent: sent at the release'}\n`);
    else {
      io.err(`mail2sms hold mark: ${String(r.body.detail ?? `the bridge answered ${r.status}`)}\n`);
      code = 1;
    }
  }
  return code;
}
