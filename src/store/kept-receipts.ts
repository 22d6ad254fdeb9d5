/**
 * Delivery receipts kept while a restore's hold lasts (dispatch/restore-receipts.ts): SMPP receipts for ids
 * this bridge never gave out, which the bridge a backup was taken of may have. They are evidence of what that
 * bridge sent, so they are kept on disk — a receipt is acknowledged to the SMSC only once it is, and the SMSC
 * never sends it again — bounded in number (MAX_KEPT, the oldest go first) and time (keepHours).
 * One JSON file in the store directory, of one restore (its backup's end): a later restore starts afresh.
 *
 * The release ends the hold, not the receipts of an SMS they settled that is still waiting for others: a long SMS
 * settled by one part's receipt is decided by all its parts' (dispatch/receipt-match.ts outcomeOf), which come under
 * ids this bridge never gave out, also after the release. So the release keeps (keepOnly) the receipts of the SMS
 * still open, and the file lives on, `released`, until none is.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeliveryReport } from '../connectors/types.js';
import { replaceFile } from './durable.js';

export const KEPT_RECEIPTS = 'restore-receipts.json';
export const MAX_KEPT = 1000;

export interface KeptReceipt {
  connector: string;
  /** The SMSC's id, normalised (connectors/smpp/receipt.ts). */
  id: string;
  status: DeliveryReport['status'];
  reason?: string;
  /** When it came (ISO 8601). */
  at: string;
  /** The handset, E.164. */
  handset?: string;
  /** The receipt's `submit date:` (ISO 8601, to the minute). */
  submittedAt?: string;
  /** The `text:` excerpt, in each reading. */
  excerpt?: string[];
  /** The held SMS it was found to be about (settled by it). */
  sms?: string;
}

interface KeptFile {
  version: 1;
  /** The backup's end (RestoreMarker.finishedAt) of the restore this file is about. */
  restoredFrom: string;
  /** When a bridge first started on the restored store: the old bridge sent nothing after it (the latest it can have). */
  heldSince: string;
  receipts: KeptReceipt[];
  /** The hold was released: only receipts found to be an open SMS's are kept, and no new one that fits none. */
  released?: true;
}

export class KeptReceipts {
  private data?: KeptFile;
  private writes: Promise<unknown> = Promise.resolve();

  /** `max`: MAX_KEPT unless a test says. */
  constructor(private readonly o: { dir: string; now: () => Date; keepHours: number; max?: number }) {}

  private get file(): string {
    return join(this.o.dir, KEPT_RECEIPTS);
  }

  /**
   * Reads the file of the restore whose backup ended `restoredFrom`, or starts it (heldSince now). Undefined: no
   * hold; what a released one left is read, its receipts found to be an SMS's only (the release may have come while
   * the bridge was stopped), and nothing is kept when there are none.
   */
  async open(restoredFrom: string | undefined): Promise<void> {
    const text = await readFile(this.file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    // Evidence only: a file that cannot be read is started afresh (the receipts in it settle nothing then), never a refusal to start.
    const read = text === undefined ? undefined : parse(text);
    if (!restoredFrom) {
      if (read?.version !== 1) return;
      this.data = { ...read, released: true };
      return this.keepOnly(() => true);
    }
    // A released file of the same backup is of an earlier restore of it: this one's hold begins now.
    if (read?.version === 1 && read.restoredFrom === restoredFrom && !read.released) {
      this.data = read;
      return;
    }
    this.data = { version: 1, restoredFrom, heldSince: this.o.now().toISOString(), receipts: [] };
    await this.save();
  }

  /** When the hold began (the first start on the restored store); undefined when nothing is kept. */
  get heldSince(): string | undefined {
    return this.data?.heldSince;
  }

  /** Whether the hold was released, and only receipts of SMS still open are kept. */
  get released(): boolean {
    return this.data?.released === true;
  }

  get receipts(): readonly KeptReceipt[] {
    return this.data?.receipts ?? [];
  }

  /** Keeps `r` on disk (resolves once it is); false, and nothing written, for a repeat (same connector, id and status) or with no hold. */
  async keep(r: KeptReceipt): Promise<boolean> {
    const d = this.data;
    if (!d || d.receipts.some((k) => k.connector === r.connector && k.id === r.id && k.status === r.status)) return false;
    const oldest = new Date(this.o.now().getTime() - this.o.keepHours * 3600_000).toISOString();
    d.receipts = [...d.receipts.filter((k) => k.at >= oldest), r].slice(-(this.o.max ?? MAX_KEPT));
    try {
      await this.save();
    } catch (e) {
      // Not on disk: the receipt is refused and comes again, which must not find it here as a repeat.
      d.receipts = d.receipts.filter((k) => k !== r);
      throw e;
    }
    return true;
  }

  /** Whether `r` (its connector, id and status) is kept and was not found to be any SMS's. */
  unsettled(r: Pick<KeptReceipt, 'connector' | 'id' | 'status'>): boolean {
    return this.receipts.some((k) => k.connector === r.connector && k.id === r.id && k.status === r.status && k.sms === undefined);
  }

  /** Records that the receipts of `connector` with `ids` are about SMS `sms`. */
  async assign(connector: string, ids: string[], sms: string): Promise<void> {
    const d = this.data;
    if (!d) return;
    for (const k of d.receipts) if (k.connector === connector && ids.includes(k.id)) k.sms = sms;
    await this.save();
  }

  /**
   * The hold was released (or nothing kept is needed any more): only the receipts found to be an SMS's for which
   * `open` says yes stay; none left, the file is removed.
   */
  async keepOnly(open: (sms: string) => boolean): Promise<void> {
    const d = this.data;
    if (!d) return;
    d.released = true;
    d.receipts = d.receipts.filter((k) => k.sms !== undefined && open(k.sms));
    if (!d.receipts.length) return this.forget();
    await this.save();
  }

  /** Nothing is kept any more. */
  async forget(): Promise<void> {
    this.data = undefined;
    await (this.writes = this.writes.then(() => rm(this.file, { force: true }), () => rm(this.file, { force: true })));
  }

  /** One write after another, each of the whole list as it is then. */
  private save(): Promise<void> {
    const writeNow = () => this.data && replaceFile(this.file, `${JSON.stringify(this.data)}\n`);
    const write = this.writes.then(writeNow, writeNow);
    this.writes = write.catch(() => undefined);
    return write.then(() => undefined);
  }
}

function parse(text: string): KeptFile | undefined {
  try {
    return JSON.parse(text) as KeptFile;
  } catch {
    return undefined;
  }
}
