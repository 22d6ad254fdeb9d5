import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer } from '../helpers/smtp.js';

/** When the journal cannot write, DATA gets a temporary failure and nothing is queued; the next write recovers. */
const S = suite<{ b: TestBridge }>('smtp store failure');
S.before(async (ctx) => {
  ctx.b = await startTestBridge();
});
S.after(async (ctx) => {
  await ctx.b.stop();
});

S('journal write fails :: 451 4.3.0, nothing sent; the next mail is accepted on a fresh segment', async ({ b }) => {
  // Close the journal's file underneath it: the next write fails like an I/O error would.
  const journal = (b.store as unknown as { journal: { fh: { close(): Promise<void> } } }).journal;
  await journal.fh.close();
  const send = (text: string) => mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345631@sms.localhost', subject: 'x', text });
  const err = await send('Erster Versuch').then(() => undefined, (e: { response?: string }) => e);
  assert.ok(err, 'must not be accepted');
  assert.match(String(err!.response), /^451 4\.3\.0 temporary problem storing the message, nothing was queued/);
  await new Promise((r) => setTimeout(r, 100));
  assert.not.ok(b.sim.sent.some((s) => s.text === 'Erster Versuch'));

  const ok = await send('Zweiter Versuch');
  assert.match(ok.response, /^250 2\.0\.0 queued as/);
  await waitFor('SMS of the second try', () => b.sim.sent.some((s) => s.text === 'Zweiter Versuch'));
});

S.run();
