import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { Account } from '../../src/accounts/types.js';
import { buildConfig } from '../../src/config/load.js';
import type { SmsBatch } from '../../src/mail/to-sms.js';
import { admit } from '../../src/policy/admit.js';
import type { Brake } from '../../src/policy/brake.js';
import { OptOutList } from '../../src/policy/optout.js';
import { Policy } from '../../src/policy/policy.js';
import { SmtpError } from '../../src/smtp/errors.js';
import type { JournalStore } from '../../src/store/journal-store.js';
import { openStore, sms, T0 } from '../helpers/store.js';

const ACME: Account = { name: 'acme', description: '', networks: [], addresses: [], timeZone: 'Europe/Berlin', defaultCountry: 'DE', notify: 'final', language: 'en', maxSegments: 6, allowedSenderIds: [], duplicateDetection: false, duplicateWindowMinutes: 60, signaturePatterns: [] };
const mobile = (n: number) => ({ e164: `+4915100000${String(n).padStart(3, '0')}`, country: 'DE', type: 'MOBILE' as const });
const brake = { pausedReason: () => undefined, accepted: () => undefined, outcome: () => undefined, sweep: () => undefined } as unknown as Brake;

/** The store and the policy as the bridge wires them (security.ts), on a clock the test moves; `restart` closes both and opens them again. */
async function gateway(dir: string, limits: object) {
  const clock = { now: T0 };
  const config = buildConfig({ limits }, 'test');
  let n = 0;
  const g = {
    clock,
    store: undefined as unknown as JournalStore,
    policy: undefined as unknown as Policy,
    async start() {
      g.store = await openStore(dir, clock);
      g.policy = new Policy({ limits: config.limits, accounts: [], store: g.store, optout: new OptOutList(config.optout), brake, now: () => clock.now });
    },
    async restart() {
      await g.store.close();
      await g.start();
    },
    /** One mail with one SMS to `to`, through RCPT's check and DATA's admit: the refusal, or undefined when it was stored. */
    async send(to: number): Promise<SmtpError | undefined> {
      const refused = g.policy.recipient(ACME, mobile(to), 0);
      if (refused) return refused;
      const m = sms(`M${++n}.1`, { account: 'acme', to: mobile(to).e164, mail: { envelopeFrom: 'erp@acme.test', rcptTo: `${mobile(to).e164}@sms.localhost`, receivedAt: clock.now.toISOString() } });
      const batch: SmsBatch = { messages: [m], dedupKeys: [undefined], contentKeys: [undefined], markDuplicate: (x) => x };
      const out = await admit({ policy: g.policy, store: g.store, log: () => undefined }, ACME, batch, {});
      return out instanceof SmtpError ? out : undefined;
    },
  };
  await g.start();
  return g;
}

const minutes = (min: number) => new Date(T0.getTime() + min * 60_000);
const reply = (e: SmtpError | undefined) => (e ? `${e.responseCode} ${e.message}` : 'stored');

const R = suite<{ dir: string }>('policy limits across a restart');

R.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-limits-'));
});

R.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

R('per number :: a number at its hourly cap is refused after a restart (journal, then snapshot) as before it, and goes again after the hour', async ({ dir }) => {
  const g = await gateway(dir, { perNumberPerHour: 2, messagesPerMinute: 0 });
  try {
    assert.is(await g.send(1), undefined);
    g.clock.now = minutes(10);
    assert.is(await g.send(1), undefined);
    const before = reply(await g.send(1));
    assert.is(before, '451 4.7.1 +4915100000001 already got 2 SMS from this account within the last hour; try again later');
    await g.restart(); // from the journal (this start compacts: the next one reads the snapshot)
    assert.is(reply(await g.send(1)), before, 'after a restart');
    assert.is(reply(g.policy.reserve(ACME, [{ to: mobile(1).e164, segments: 1 }]) as SmtpError), before, 'DATA too');
    assert.is(await g.send(2), undefined, 'another number goes');
    await g.restart();
    assert.match(await readFile(join(dir, 'state.json'), 'utf8'), '"recent":[', 'the snapshot holds them');
    await g.restart();
    g.clock.now = minutes(59);
    assert.is(reply(await g.send(1)), before, 'after a restart from the snapshot, still within the hour');
    g.clock.now = minutes(60.01); // the first left the hour; the second has not
    assert.is(await g.send(1), undefined, 'one more after the hour');
    assert.is(reply(await g.send(1)), before);
  } finally {
    await g.store.close();
  }
});

R('rate :: an account that used its minute is refused after a restart as before it; the bucket refills as it would have', async ({ dir }) => {
  const g = await gateway(dir, { messagesPerMinute: 3, perNumberPerHour: 0 });
  try {
    for (const to of [1, 2, 3]) assert.is(await g.send(to), undefined);
    const before = reply(await g.send(4));
    assert.is(before, '451 4.7.1 the SMS account "acme" may hand in 3 SMS per minute; please try again in a moment');
    await g.restart();
    assert.is(reply(await g.send(4)), before, 'after a restart');
    await g.restart(); // from the snapshot
    assert.is(reply(await g.send(4)), before, 'after a restart from the snapshot');
    g.clock.now = new Date(T0.getTime() + 20_000); // one token (60 s / 3) has come back
    assert.is(await g.send(4), undefined);
    assert.is(reply(await g.send(5)), before);
    await g.restart();
    assert.is(reply(await g.send(5)), before, 'the one taken after the first restart counts too');
    g.clock.now = minutes(5);
    for (const to of [5, 6, 7]) assert.is(await g.send(to), undefined, 'a full minute later, a full bucket');
  } finally {
    await g.store.close();
  }
});

R.run();
