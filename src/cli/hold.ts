import { resolve } from 'node:path';
import type { MessageView } from '../api/views.js';
import type { Config } from '../config/types.js';
import { readRestoreMarker, removeRestoreMarker, type RestoreMarker } from '../store/restore-marker.js';
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
(mail2sms cancel <id>), then release: the rest go out within a second. New mail is sent as usual meanwhile.`;

/** `mail2sms hold [release]`: exit 0 done, 1 nothing held (release), 2 usage. */
export async function holdCommand(args: string[], config: Config, io: CliIo, fetchFn: Fetch = fetch): Promise<number> {
  const [verb, ...rest] = args;
  if (rest.length || (verb !== undefined && verb !== 'release')) {
    io.err(`${HOLD_USAGE}\n`);
    return 2;
  }
  const dir = resolve(config.store.dir);
  if (verb === 'release') return release(dir, config, io);
  const marker = await readRestoreMarker(dir);
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
  await (await adminContext(config)).audit('restore-hold-released', { restoredFrom: was.finishedAt, source: was.source });
  io.out(`released: the SMS held since the restore from the backup of ${was.finishedAt ?? '?'} go out within a second\n`);
  return 0;
}

/** The SMS from before the backup still waiting, one a line (on stdout), through the running bridge's API. */
async function listWaiting(marker: RestoreMarker, config: Config, io: CliIo, fetchFn: Fetch): Promise<void> {
  const bridge = await operatorApi(config, fetchFn);
  const query = `/api/v1/messages?status=accepted&until=${encodeURIComponent(marker.finishedAt ?? '')}&limit=500`;
  const found = await bridge?.api('GET', query).catch(() => undefined);
  if (!found || found.status !== 200) {
    io.err('the bridge is not running: start it to see the waiting SMS (they are held until released)\n');
    return;
  }
  const items = found.body.items as MessageView[];
  for (const m of items) io.out(`${headLine(m, config.options.timeZone)}\n`);
  const more = found.body.next ? ' (the first 500; the portal\'s Messages page lists them all: status accepted)' : '';
  io.err(`${items.length} SMS from before the backup waiting${more}\n`);
}
