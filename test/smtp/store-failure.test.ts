import { syncBuiltinESMExports } from 'node:module';
import { createRequire } from 'node:module';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Journal } from '../../src/store/journal.js';
import { startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer } from '../helpers/smtp.js';

/**
 * When the journal cannot write, DATA gets a temporary failure and nothing
 * is queued; once the disk works again the next mail is accepted. Faults are
 * injected at the file-system layer the journal uses (its file handle, and
 * node:fs/promises for new segments), since a full or read-only disk cannot
 * be made here without mounting one.
 */
const S = suite<{ b: TestBridge }>('smtp store failure');
S.before.each(async (ctx) => {
  ctx.b = await startTestBridge();
});
S.after.each(async (ctx) => {
  await stopTestBridge(ctx.b).catch(() => undefined); // stopped already by the tests that read the journal
});

type Handle = { write(...a: unknown[]): Promise<{ bytesWritten: number }>; truncate(n: number): Promise<void>; close(): Promise<void> };
const journalOf = (b: TestBridge) => (b.store as unknown as { journal: { fh?: Handle; segment: number } }).journal;
const fsError = (code: string, syscall: string) => Object.assign(new Error(`${code}: simulated, ${syscall}`), { code, syscall });
const send = (b: TestBridge, text: string) =>
  mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345631@sms.localhost', subject: 'x', text })
    .then((i) => i.response, (e: { response?: string }) => String(e.response));

/** The SMS texts the journal on disk holds, read as a restart replays it (a corrupted line would throw). */
async function storedTexts(b: TestBridge): Promise<string[]> {
  await b.stop();
  const { records } = await new Journal({ dir: join(b.dir, 'journal'), segmentBytes: 1 << 20, onDurable: () => undefined }).replay();
  return records.flatMap((r) => (r.t === 'accept' ? (r.msgs as Array<{ text: string }>).map((m) => m.text) : []));
}

S('journal write fails :: 451 4.3.0, nothing sent; the next mail is accepted on a fresh segment', async ({ b }) => {
  // Close the journal's file underneath it: the next write fails like an I/O error would.
  await journalOf(b).fh!.close();
  const refused = await send(b, 'Erster Versuch');
  assert.match(refused, /^451 4\.3\.0 temporary problem storing the message, nothing was queued/);

  assert.match(await send(b, 'Zweiter Versuch'), /^250 2\.0\.0 queued as/);
  await waitFor('SMS of the second try', () => b.sim.sent.some((s) => s.text === 'Zweiter Versuch'));
  // The second try is the barrier: the first, had it been stored, was due before it and went out first.
  assert.not.ok(b.sim.sent.some((s) => s.text === 'Erster Versuch'));
});

S('disk full mid-write (half the batch on disk, then ENOSPC) :: 451 4.3.0, the half line cut off; 250 again when space is back; a restart replays clean', async ({ b }) => {
  assert.match(await send(b, 'Vorher'), /^250 /);
  const fh = journalOf(b).fh!;
  const write = fh.write.bind(fh);
  let full = true;
  let calls = 0;
  fh.write = async (buf: unknown, off: unknown, len: unknown, pos: unknown) => {
    if (!full) return write(buf, off, len, pos);
    // The first piece reaches the disk, then the disk is full.
    if (calls++ === 0) return write(buf, off, Math.floor((len as number) / 2), pos);
    throw fsError('ENOSPC', 'write');
  };
  assert.match(await send(b, 'Platte voll'), /^451 4\.3\.0 /);
  assert.match(await send(b, 'Immer noch voll'), /^451 4\.3\.0 /);
  full = false;
  assert.match(await send(b, 'Platz wieder da'), /^250 2\.0\.0 queued as/);
  await waitFor('SMS after recovery', () => b.sim.sent.some((s) => s.text === 'Platz wieder da'));
  assert.not.ok(b.sim.sent.some((s) => /voll/.test(s.text)), 'nothing refused was sent');
  const texts = await storedTexts(b);
  assert.ok(texts.includes('Vorher') && texts.includes('Platz wieder da'), texts.join(' | '));
  assert.not.ok(texts.some((t) => /voll/.test(t)), `a refused mail is in the store: ${texts.join(' | ')}`);
});

S('read-only file system (writes, the cut-off and new segments refused) :: 451 4.3.0 while it lasts; 250 once writable again', async ({ b }) => {
  const fsp = createRequire(import.meta.url)('node:fs/promises') as { open: (...a: unknown[]) => Promise<unknown> };
  const open = fsp.open;
  const fh = journalOf(b).fh!;
  const readOnly = fsError('EROFS', 'write');
  fh.write = async () => { throw readOnly; };
  fh.truncate = async () => { throw fsError('EROFS', 'ftruncate'); };
  fsp.open = async (...a: unknown[]) => { throw fsError('EROFS', `open ${String(a[0])}`); };
  syncBuiltinESMExports();
  try {
    assert.match(await send(b, 'Nur lesbar 1'), /^451 4\.3\.0 /);
    assert.is(journalOf(b).fh, undefined, 'the journal gave up the file it could not cut back');
    assert.match(await send(b, 'Nur lesbar 2'), /^451 4\.3\.0 /, 'a new segment cannot be opened either');
  } finally {
    fsp.open = open;
    syncBuiltinESMExports();
  }
  assert.match(await send(b, 'Wieder beschreibbar'), /^250 2\.0\.0 queued as/);
  await waitFor('SMS after recovery', () => b.sim.sent.some((s) => s.text === 'Wieder beschreibbar'));
  const texts = await storedTexts(b);
  assert.ok(texts.includes('Wieder beschreibbar'));
  assert.not.ok(texts.some((t) => t.startsWith('Nur lesbar')), texts.join(' | '));
});

S.run();
