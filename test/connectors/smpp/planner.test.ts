import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { PlanOptions } from '../../../src/connectors/smpp/plan.js';
import { RefsExhausted, SubmitPlanner } from '../../../src/connectors/smpp/planner.js';
import type { Timers } from '../../../src/connectors/smpp/socket.js';
import type { OutboundSms } from '../../../src/connectors/types.js';
import { LONG_GSM } from './harness.js';

const test = suite('smpp planner :: a long SMS to a number whose references are all in use');

const opts: PlanOptions = { gsmDataCoding: 0, longMessages: 'udh8', registeredDelivery: 1, serviceType: '', defaultSender: '', flashGsmDataCoding: '0xF0', validity: 'none', expressPriorityFlag: 1 };
const long = (n: number): OutboundSms => ({ id: `M${n}`, to: '+4915100000001', text: LONG_GSM, encoding: 'GSM7', segments: 3 });

/** A planner on a hand-driven clock; a wait's timer runs out on the next turn, so a wait nobody serves ends at once. */
function setup(waitMs: number) {
  let t = Date.parse('2026-03-01T10:00:00Z');
  const timers: Timers = { set: (fn) => setImmediate(fn), clear: (h) => clearImmediate(h as NodeJS.Immediate) };
  const planner = new SubmitPlanner(opts, waitMs, { timers, random: () => 0, now: () => new Date(t) });
  return { planner, advance: (ms: number) => (t += ms) };
}

async function fill(planner: SubmitPlanner) {
  const plans = [];
  for (let i = 0; i < 256; i++) plans.push(await planner.plan(long(i)));
  return plans;
}

test('receipts outstanding for less than waitMs :: it waits, and gets the reference the next receipt frees', async () => {
  const { planner, advance } = setup(30_000);
  const plans = await fill(planner);
  advance(29_000);
  const waiting = planner.plan(long(999));
  planner.release(long(5), plans[5]!);
  const plan = await waiting;
  assert.is(plan.ref, plans[5]!.ref);
  assert.is(plan.pdus.length, 3);
});

test('the oldest outstanding for waitMs already (a handset that is off) :: RefsExhausted at once, nothing taken', async () => {
  const { planner, advance } = setup(30_000);
  const plans = await fill(planner);
  advance(30_000);
  try {
    await planner.plan(long(999));
    assert.unreachable('should not plan');
  } catch (e) {
    assert.instance(e, RefsExhausted);
    assert.match((e as Error).message, /the oldest for 30 s/);
  }
  // nothing was queued: a released reference is free again, not handed to a waiter that gave up
  planner.release(long(0), plans[0]!);
  const again = await planner.plan(long(1000));
  assert.is(again.ref, plans[0]!.ref);
});

test.run();
