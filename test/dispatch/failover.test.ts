import { readFile, rm } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { Config, ConnectorConfig } from '../../src/config/types.js';
import { startTestBridge, waitFor, type DeepPartial, type TestBridge } from '../helpers/bridge.js';
import { ScriptedSimulator } from '../helpers/connectors.js';
import { seeded } from '../helpers/random.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

/**
 * Several connectors behind one bridge, over real sockets: nodemailer →
 * SMTP → store → router → two in-process simulators that the tests make
 * fail, answer uncertainly or report themselves down.
 */
const F = suite('dispatch failover through the bridge');

interface Two {
  b: TestBridge;
  first: ScriptedSimulator;
  second: ScriptedSimulator;
}

const twoSims = (extra: Partial<Record<'first' | 'second', object>> = {}) => [
  { name: 'first', type: 'simulator', breaker: { failures: 3, coolDownSeconds: 1 }, ...extra.first },
  { name: 'second', type: 'simulator', ...extra.second },
] as Array<DeepPartial<ConnectorConfig>>;

interface TwoOptions {
  random?: () => number;
  ids?: () => () => string;
  now?: () => Date;
  /** The simulators' own report delay. */
  deliveryDelayMs?: number;
}

async function withTwo(overrides: DeepPartial<Config>, fn: (t: Two) => Promise<void>, opts: TwoOptions = {}): Promise<void> {
  const sim = (name: string) => new ScriptedSimulator(name, { deliveryDelayMs: opts.deliveryDelayMs, ...(opts.ids ? { nextId: opts.ids() } : {}) });
  const first = sim('first');
  const second = sim('second');
  const b = await startTestBridge({ connectors: twoSims(), dispatch: { retry: { baseSeconds: 0.2, jitter: 0 } }, ...overrides }, undefined,
    { connectors: { first, second }, random: opts.random ?? seeded(7), now: opts.now });
  try {
    await fn({ b, first, second });
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
}

/** One mail to `numbers`; returns the SMS ids in recipient order. */
async function mailTo(b: TestBridge, numbers: string[], text = 'Ihre Rechnung ist fällig.'): Promise<string[]> {
  const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', subject: 'x', text, envelope: { from: 'clerk@acme.test', to: numbers.map((n) => `${n}@sms.localhost`) } });
  const mailId = queuedAs(info.response);
  return numbers.map((_, i) => `${mailId}.${i + 1}`);
}

/** Distinct German mobile numbers; none ends in 0000 (the simulators report those undeliverable). */
const numbers = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `+49151123${String(from + i).padStart(5, '0')}`);

/** The confirmation-sent lines that cover SMS `id` at `stage`: one line per mail, naming each SMS of a mail for several (msgIds, stages). */
const sentFor = (b: TestBridge, id: string, stage: string) => b.events.filter((e) => e.evt === 'confirmation-sent' && (Array.isArray(e.msgIds)
  ? (e.msgIds as string[]).some((x, i) => x === id && (e.stages as string[])[i] === stage)
  : e.msgId === id && e.stage === stage));

/** Each SMS's confirmation of `stage`: id → the mail it went in (the SMS of one mail share one, src/notify/gather.ts). */
async function confirmations(b: TestBridge, ids: string[], stage: string): Promise<Map<string, string>> {
  await waitFor(`${ids.length} ${stage} confirmations`, () => ids.every((id) => sentFor(b, id, stage).length));
  return new Map(await Promise.all(ids.map(async (id) => [id, await readFile(String(sentFor(b, id, stage)[0].where), 'utf8')] as const)));
}

/** Nothing lost, nothing twice: every id taken exactly once by the simulators together, each confirmed once. */
async function assertEachOnce(b: TestBridge, ids: string[], sims: ScriptedSimulator[]): Promise<void> {
  const confs = await confirmations(b, ids, 'delivered');
  const taken = sims.flatMap((s) => s.sent.map((x) => x.id)).filter((id) => ids.includes(id));
  assert.equal([...taken].sort(), [...ids].sort(), 'each SMS taken exactly once');
  for (const id of ids) {
    assert.is(sentFor(b, id, 'delivered').length, 1, `one confirmation for ${id}`);
    assert.match(confs.get(id)!, id, `its mail names ${id}`);
  }
}

F('failover :: the first connector fails temporarily :: every SMS goes to the second in the same attempt, its breaker opens, each confirmed once', async () => {
  await withTwo({ connectors: twoSims({ first: { breaker: { failures: 3, coolDownSeconds: 600 } } }) }, async ({ b, first, second }) => {
    first.behaviour = 'temporary';
    const burst = await mailTo(b, numbers(30));
    await assertEachOnce(b, burst, [first, second]);
    assert.is(first.sent.length, 0);
    const open = b.events.find((e) => e.evt === 'breaker-open');
    assert.equal(open && [open.connector, open.reason], ['first', 'first is throttling (simulated)']);
    assert.is(b.connectorStatus()[0].breaker.phase, 'open');
    // SMS already on their way when it opened still tried the first; once open, none does
    const triedBefore = first.calls.length;
    const later = await mailTo(b, numbers(10, 100));
    await assertEachOnce(b, later, [first, second]);
    assert.is(first.calls.length, triedBefore, 'an open breaker keeps traffic away');
    const tried = burst.find((id) => first.calls.some((c) => c.id === id))!;
    // two submitting events in one attempt, each naming its connector, the second saying why
    const m = b.store.get(tried)!;
    assert.ok(m, 'finished records stay live until the journal is compacted');
    const steps = m.history.map((h) => [h.status, h.connector ?? '']);
    assert.equal(steps, [['accepted', ''], ['submitting', 'first'], ['submitting', 'second'], ['submitted', 'second'], ['delivered', 'second']]);
    assert.is(m.history[2].reason, 'first: first is throttling (simulated)');
    assert.is(m.attempts, 1);
  });
});

F('failover :: the first connector recovers :: after the cool-down one SMS probes it and the breaker closes', async () => {
  await withTwo({}, async ({ b, first, second }) => {
    first.behaviour = 'temporary';
    await assertEachOnce(b, await mailTo(b, numbers(5)), [first, second]);
    await waitFor('breaker open', () => b.events.some((e) => e.evt === 'breaker-open'));
    first.behaviour = 'ok';
    const ids: string[] = [];
    await waitFor('breaker closed by a probe', async () => {
      if (b.events.some((e) => e.evt === 'breaker-closed' && e.connector === 'first')) return true;
      // One SMS at a time, each once the one before was handed over: the breaker lets the first one after its cool-down probe.
      const [id] = await mailTo(b, numbers(1, 100 + ids.length));
      ids.push(id);
      await waitFor(`${id} handed over`, () => first.sent.some((s) => s.id === id) || second.sent.some((s) => s.id === id));
      return false;
    }, 15000);
    assert.ok(b.events.some((e) => e.evt === 'breaker-probe' && e.connector === 'first'));
    await assertEachOnce(b, ids, [first, second]);
    assert.ok(first.sent.length >= 1, 'the probe went to the first connector');
  });
});

F('failover :: the first connector reports itself down :: it is not even tried, everything goes to the second', async () => {
  await withTwo({}, async ({ b, first, second }) => {
    first.behaviour = 'down';
    const ids = await mailTo(b, numbers(10));
    await assertEachOnce(b, ids, [first, second]);
    assert.is(first.calls.length, 0);
    assert.is(b.connectorStatus()[0].health.up, false);
  });
});

F('uncertain :: policy fail (default) :: the SMS fails as not confirmed, the mail says so in a clerk\'s words, never sent again', async () => {
  await withTwo({}, async ({ b, first, second }) => {
    first.behaviour = 'uncertain';
    const [id] = await mailTo(b, numbers(1, 200));
    const confs = await confirmations(b, [id], 'failed');
    const mail = await simpleParser([...confs.values()][0]);
    assert.match(mail.subject ?? '', /not confirmed/);
    assert.match(mail.text ?? '', /did not confirm in time whether it took the SMS/);
    assert.not.match(mail.text ?? '', /within 10000 ms/);
    assert.is(second.calls.length, 0);
    assert.is(first.calls.length, 1);
  });
});

F('uncertain :: policy resend :: the next connector takes it, logged and recorded as possibly duplicated', async () => {
  await withTwo({ connectors: twoSims({ first: { onUncertain: 'resend' } }) }, async ({ b, first, second }) => {
    first.behaviour = 'uncertain';
    const [id] = await mailTo(b, numbers(1, 300));
    await assertEachOnce(b, [id], [second]);
    const dup = b.events.find((e) => e.evt === 'sms-possible-duplicate');
    assert.equal(dup && [dup.msgId, dup.connector], [id, 'first']);
    const submitted = b.events.find((e) => e.evt === 'sms-submitted' && e.msgId === id);
    assert.is(submitted?.connector, 'second');
  });
});

F('reports :: two connectors hand out the same message id :: each report reaches its own SMS', async () => {
  const routes = [
    { name: 'mobile-151', match: { prefixes: ['+49151'] }, connectors: ['first'] },
    { name: 'mobile-160', match: { prefixes: ['+49160'] }, connectors: ['second'] },
  ];
  const sameIds = () => {
    let n = 0;
    return () => `ID-${++n}`;
  };
  await withTwo({ routes }, async ({ b, first, second }) => {
    const ids = await mailTo(b, ['+4915112345001', '+4916012345002']);
    await assertEachOnce(b, ids, [first, second]);
    assert.equal([first.sent[0].id, second.sent[0].id], ids);
    const finals = b.events.filter((e) => e.evt === 'sms-final').map((e) => [e.msgId, e.status, e.connector]);
    assert.equal(finals.sort(), [[ids[0], 'delivered', 'first'], [ids[1], 'delivered', 'second']]);
  }, { ids: sameIds });
});

F('reports :: a report that overtakes its submit answer, on the second connector :: kept until the answer is recorded, delivered once', async () => {
  await withTwo({}, async ({ b, first, second }) => {
    first.behaviour = 'temporary';
    second.reportBeforeAnswer = true;
    const ids = await mailTo(b, numbers(3, 600));
    await assertEachOnce(b, ids, [first, second]);
    for (const id of ids) {
      const finals = b.events.filter((e) => e.evt === 'sms-final' && e.msgId === id);
      assert.equal(finals.map((e) => [e.status, e.connector]), [['delivered', 'second']]);
    }
  }, { deliveryDelayMs: 3600_000 }); // the simulators' own reports would come far too late: only the early ones count
});

F('no route :: no rule matches and the default route is disabled :: failed with the reason, and a failure confirmation', async () => {
  const overrides = { routes: [{ name: 'uk', match: { prefixes: ['+44'] }, connectors: ['first'] }], defaultRoute: { enabled: false } };
  await withTwo(overrides, async ({ b, first, second }) => {
    const [id] = await mailTo(b, ['+4915112345003']);
    const confs = await confirmations(b, [id], 'failed');
    const text = (await simpleParser([...confs.values()][0])).text ?? '';
    assert.match(text, /no route for \+4915112345003: no routing rule matches \(country DE/);
    assert.is(first.calls.length + second.calls.length, 0);
  });
});

F('retries :: every connector fails temporarily :: exponential waits, then failed with the last reason after maxAgeHours', async () => {
  let t = Date.now();
  const retry = { baseSeconds: 60, factor: 3, maxSeconds: 3600, jitter: 0 };
  await withTwo({ dispatch: { retry, maxAgeHours: 1 } }, async ({ b, first, second }) => {
    first.behaviour = 'temporary';
    second.behaviour = 'temporary';
    const [id] = await mailTo(b, numbers(1, 500));
    const waits = async (n: number) => (await waitFor(`${n} retries`, () => {
      const r = b.events.filter((e) => e.evt === 'sms-retry' && e.msgId === id);
      return r.length >= n ? r : undefined;
    })).map((e) => e.wait);
    assert.equal(await waits(1), [60]);
    t += 60_000;
    assert.equal(await waits(2), [60, 180]);
    t += 2 * 3600_000;
    const confs = await confirmations(b, [id], 'failed');
    const text = (await simpleParser([...confs.values()][0])).text ?? '';
    assert.match(text, /gave up after 3 attempts in 1 h: second: second is throttling \(simulated\)/);
    assert.equal([first.calls.length, second.calls.length], [3, 3], 'each attempt tried both, in order');
  }, { now: () => new Date(t) });
});

F('weighted :: 3 : 1 with a seeded random :: the split roughly follows the weights, each SMS once', async () => {
  const routes = [{ name: 'split', match: {}, connectors: ['first', 'second'], strategy: 'weighted' as const, weights: { first: 3, second: 1 } }];
  await withTwo({ routes }, async ({ b, first, second }) => {
    const ids = await mailTo(b, numbers(80, 400));
    await assertEachOnce(b, ids, [first, second]);
    const share = first.sent.length / ids.length;
    assert.ok(share > 0.6 && share < 0.9, `first took ${first.sent.length} of ${ids.length}`);
  }, { random: seeded(2026) });
});

F('failover :: the first connector cannot take these SMS now for a reason of their own (scope sms) :: each goes to the second at once, the first\'s breaker stays closed', async () => {
  await withTwo({ connectors: twoSims({ first: { breaker: { failures: 3, coolDownSeconds: 600 } } }) }, async ({ b, first, second }) => {
    first.behaviour = 'busy-number';
    const ids = await mailTo(b, numbers(10, 600));
    await assertEachOnce(b, ids, [first, second]);
    assert.is(first.calls.length, 10, 'every SMS tried the first: it is not avoided');
    assert.not.ok(b.events.some((e) => e.evt === 'breaker-open'), 'a full number is not a broken connector');
    assert.equal(b.connectorStatus()[0].breaker, { phase: 'closed', failures: 0 });
  });
});

F.run();
