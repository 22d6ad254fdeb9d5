import { simpleParser } from 'mailparser';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { ComposerThread } from '../../src/notify/compose-thread.js';
import { compose, NOW, TEMPLATES, topLevelParts } from './mime.js';
import { historyTo, sampleSms } from './sample.js';

const C = suite<{ thread: ComposerThread }>('notify compose-thread');
C.before((ctx) => {
  ctx.thread = new ComposerThread(TEMPLATES);
});
C.after(async (ctx) => {
  await ctx.thread.close();
});

const input = { from: 'mail2sms <noreply@sms.localhost>', reportingMta: 'sms.localhost', now: NOW };
/** The raw mail without its random MIME boundaries, which differ on every build. */
const stable = (raw: Buffer) => {
  const text = raw.toString('latin1');
  const boundaries = [...text.matchAll(/boundary="?([^";\r\n]+)"?/gi)].map((m) => m[1]);
  return boundaries.reduce((t, b, i) => t.split(b).join(`BOUNDARY${i}`), text);
};

const CASES: Array<[string, ReturnType<typeof sampleSms>]> = [
  ['plain confirmation (Unicode text)', sampleSms({ text: 'Grüße 🎉\nZeile 2' })],
  ['RFC 3464 report', sampleSms({ status: 'failed', history: historyTo('failed', { reason: 'Absent subscriber' }), dsn: { notify: ['FAILURE'] } })],
];
for (const [what, sms] of CASES) {
  C(`thread :: ${what} :: the same mail as composed in-process`, async ({ thread }) => {
    const here = await compose(sms);
    const there = await thread.compose({ ...input, sms, status: sms.status });
    assert.equal({ ...there, raw: stable(there.raw) }, { ...here.out, raw: stable(here.out.raw) });
    assert.ok(Buffer.isBuffer(there.raw));
    assert.ok(topLevelParts(there.raw).length >= 1);
  });
}

C('thread :: acceptance confirmation of a waiting SMS :: the cancel Reply-To (a function here, a string across) is the same as in-process', async ({ thread }) => {
  const sms = sampleSms({ status: 'accepted', history: historyTo('accepted'), sendAt: '2026-11-24T08:00:00.000Z', notBefore: '2026-11-24T08:00:00.000Z' });
  const cancelAddress = (id: string) => `cancel+${id}.k3y@sms.localhost`;
  const here = await compose(sms, 'accepted', { cancelAddress });
  const there = await thread.compose({ ...input, sms, status: 'accepted', cancelAddress });
  assert.match(there.raw.toString('latin1'), /^Reply-To: cancel\+M1a2b3c\.1\.k3y@sms\.localhost/m);
  assert.equal({ ...there, raw: stable(there.raw) }, { ...here.out, raw: stable(here.out.raw) });
});

C('thread :: language de :: crosses to the thread and gives the German mail composed in-process', async ({ thread }) => {
  const sms = sampleSms();
  const here = await compose(sms, 'delivered', { language: 'de', timeZone: 'Europe/Berlin' });
  const there = await thread.compose({ ...input, sms, status: 'delivered', language: 'de', timeZone: 'Europe/Berlin' });
  assert.is(there.subject, 'SMS an +4915112345678 zugestellt: „Meeting“');
  assert.equal({ ...there, raw: stable(there.raw) }, { ...here.out, raw: stable(here.out.raw) });
});

C('thread with a file outbox :: deliver writes the mail composed in-process, durably, and says where', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-thread-'));
  const thread = new ComposerThread(TEMPLATES, { kind: 'file', dir });
  try {
    const sms = sampleSms();
    const here = await compose(sms);
    const sent = await Promise.all([thread.deliver({ ...input, sms, status: 'delivered' }), thread.deliver({ ...input, sms: { ...sms, id: 'M1a2b3c.2' }, status: 'delivered' })]);
    assert.equal(sent[0], { messageId: here.out.messageId, to: here.out.to, where: join(dir, 'M1a2b3c.1.delivered@sms.localhost.eml') });
    assert.is(stable(await readFile(sent[0].where)), stable(here.out.raw));
    assert.equal((await readdir(dir)).sort(), ['M1a2b3c.1.delivered@sms.localhost.eml', 'M1a2b3c.2.delivered@sms.localhost.eml']);
  } finally {
    await thread.close();
    await rm(dir, { recursive: true, force: true });
  }
});

C('thread without a transport :: deliver fails, compose works', async ({ thread }) => {
  const err = await thread.deliver({ ...input, sms: sampleSms(), status: 'delivered' }).then(() => undefined, (e: Error) => e);
  assert.match(err?.message ?? '', /no transport/);
});

C('thread died :: what it held fails (the notifier retries it), the next compose starts a new thread', async ({ thread }) => {
  const sms = sampleSms();
  await thread.compose({ ...input, sms, status: 'delivered' }); // thread running
  const held = thread.compose({ ...input, sms, status: 'delivered' });
  await (thread as unknown as { calls: { worker: { terminate(): Promise<number> } } }).calls.worker.terminate();
  const err = await held.then(() => undefined, (e: Error) => e);
  // It may have finished just before the thread went away; if not, it must fail, never hang.
  if (err) assert.match(err.message, /compose-thread-main thread exited/);
  const again = await thread.compose({ ...input, sms, status: 'delivered' });
  assert.is((await simpleParser(again.raw)).messageId, '<M1a2b3c.1.delivered@sms.localhost>');
});

C.run();
