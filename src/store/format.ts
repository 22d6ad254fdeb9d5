import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CannotStart } from '../cannot-start.js';
import { replaceFile } from './durable.js';

/**
 * Which on-disk format the store directory holds, so that a mail2sms older
 * than the one that wrote it refuses to start instead of misreading it: the
 * journal's records carry no version, and an older reader would take a
 * record type it does not know for a status change (memory.ts). A version
 * that changes what the journal, state.json or the archive mean raises
 * STORE_FORMAT; one that only adds optional fields keeps it.
 */
export const STORE_FORMAT = 1;
export const FORMAT_FILE = 'store-format.json';

interface FormatFile {
  format: number;
  /** The mail2sms that first wrote this format here ("mail2sms 1.4.0"), for the operator's message. */
  writtenBy?: string;
}

/** A store (or one of its files) written by a newer mail2sms: starting on it could lose or resend messages. */
export class StoreTooNew extends CannotStart {
  override name = 'StoreTooNew';
  constructor(what: string, found: number, by?: string) {
    super(`${what} has store format ${found}${by ? `, written by ${by}` : ''}; this mail2sms reads format ${STORE_FORMAT} and stops rather than misread it. `
      + 'Start the newer version again, or restore the backup taken before the upgrade (see "Upgrading" in README.md)');
  }
}

/**
 * Refuses a store of a newer format; marks one without a format file (new,
 * or written before there was one: format 1) with ours. Called under the
 * store's lock, before anything else is read.
 */
export async function checkStoreFormat(dir: string, software = 'mail2sms'): Promise<void> {
  const file = join(dir, FORMAT_FILE);
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (text === undefined) {
    await replaceFile(file, JSON.stringify({ format: STORE_FORMAT, writtenBy: software } satisfies FormatFile) + '\n', 0o644);
    return;
  }
  let data: FormatFile;
  try {
    data = JSON.parse(text) as FormatFile;
    if (!Number.isInteger(data.format) || data.format < 1) throw new Error('no format number');
  } catch (e) {
    throw new Error(`${file} cannot be read (${(e as Error).message}); it says which mail2sms may open this store: fix it, or put {"format": ${STORE_FORMAT}} in it if this store was written by this version`);
  }
  if (data.format > STORE_FORMAT) throw new StoreTooNew(`the store directory ${dir}`, data.format, data.writtenBy);
}
