import { rm } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { suite } from './helpers/suite.js';
import * as assert from 'uvu/assert';
import { gcWithin, lateBy, TICK_MS, watchStalls, type GcPause } from '../src/stall-watch.js';
import { call } from './helpers/api.js';
import { startTestBridge, waitFor } from './helpers/bridge.js';

const S = suite('stall watch');

/** Keeps the event loop from running anything for `ms`: the condition the watcher is for, not a measurement. */
function blockLoop(ms: number, during: () => void = () => undefined): void {
  const until = Date.now() + ms;
  during();
  while (Date.now() < until);
}

S('lateBy :: a tick later than due by the threshold or more is a stall, of that length', () => {
  const cases: Array<[previous: number, tick: number, threshold: number, late: number | undefined]> = [
    [0, 100, 500, undefined], // on time
    [0, 599, 500, undefined], // 499 ms late
    [0, 600, 500, 500],
    [1000, 1800, 500, 700],
    [1000, 1250, 100, 150],
  ];
  for (const [previous, tick, threshold, late] of cases) assert.is(lateBy(previous, tick, threshold), late, `${previous} → ${tick} at ${threshold}`);
});

S('gcWithin :: the pauses\' time inside the window, and how many full collections touched it', () => {
  const pauses: GcPause[] = [
    { start: 50, ms: 100, major: true }, // 50 ms of it inside [100, 800]
    { start: 300, ms: 40, major: false },
    { start: 790, ms: 30, major: true }, // 10 ms inside
    { start: 900, ms: 5, major: true }, // after
    { start: 10, ms: 5, major: false }, // before
  ];
  assert.equal(gcWithin(pauses, 100, 800), { gcMs: 100, gcMajor: 2 });
  assert.equal(gcWithin([], 100, 800), { gcMs: 0, gcMajor: 0 });
});

/** The watcher on a clock and timer the test moves by hand. */
function fakeWatch(thresholdMs: number) {
  let t = 1000;
  let cpu = 0;
  let tick: (() => void) | undefined;
  let gc: ((p: GcPause) => void) | undefined;
  const stopped = { ticks: false, gc: false };
  const events: Array<Record<string, unknown>> = [];
  const stop = watchStalls(thresholdMs, (evt, data) => events.push({ evt, ...data }), {
    now: () => t,
    wallNow: () => Date.UTC(2026, 0, 1) + t,
    every: (ms, fn) => {
      assert.is(ms, TICK_MS);
      tick = fn;
      return () => (stopped.ticks = true);
    },
    onGc: (fn) => {
      gc = fn;
      return () => (stopped.gc = true);
    },
    cpuMs: () => cpu,
    heapUsed: () => 40 * 2 ** 20,
  });
  /** Moves the clocks on (`cpuMs` of it spent running) and runs the tick. */
  const after = (ms: number, cpuMs = 0) => {
    t += ms;
    cpu += cpuMs;
    tick!();
  };
  return { events, stop, stopped, after, gc: (p: GcPause) => gc!(p), at: () => t };
}

S('watchStalls :: on-time ticks log nothing; a late one is logged at the next tick, with the GC and CPU of its window', () => {
  const w = fakeWatch(500);
  w.after(100);
  w.after(130);
  assert.equal(w.events, []);
  const from = w.at();
  w.after(800, 650); // stalled 700 ms; 650 ms of CPU meanwhile
  assert.equal(w.events, [], 'waits for the GC pauses of the window to arrive');
  w.gc({ start: from + 10, ms: 420, major: true });
  w.gc({ start: from + 500, ms: 3, major: false });
  w.after(100);
  assert.equal(w.events, [{
    evt: 'event-loop-stalled', ms: 700, thresholdMs: 500, endedAt: new Date(Date.UTC(2026, 0, 1) + from + 800).toISOString(),
    cpuMs: 650, gcMs: 423, gcMajor: 1, heapUsedMb: 40,
  }]);
  w.after(100);
  assert.is(w.events.length, 1, 'once');
});

S('watchStalls :: stalls one after the other are each logged; stopping logs the one still waiting and ends the timer and GC observer', () => {
  const w = fakeWatch(300);
  w.after(500); // 400 late
  w.after(1100, 10); // 1000 late: the machine, not the process (10 ms of CPU)
  w.stop();
  assert.equal(w.events.map((e) => [e.ms, e.cpuMs, e.gcMs]), [[400, 0, 0], [1000, 10, 0]]);
  assert.equal(w.stopped, { ticks: true, gc: true });
});

S('watchStalls :: a real blocked loop with a full collection in it is logged with that collection', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const events: Array<Record<string, unknown>> = [];
  const stop = watchStalls(300, (evt, data) => events.push({ evt, ...data }));
  try {
    await new Promise((r) => setTimeout(r, 2 * TICK_MS)); // a first tick on time
    blockLoop(700, gc);
    const e = await waitFor('the stall logged', () => events[0]);
    assert.is(e.evt, 'event-loop-stalled');
    assert.ok((e.ms as number) >= 300, JSON.stringify(e));
    assert.ok((e.gcMajor as number) >= 1, JSON.stringify(e));
  } finally {
    stop();
  }
});

S('bridge :: a blocked loop is logged as event-loop-stalled and counted on /metrics; 0 does not watch', async () => {
  const watching = await startTestBridge({ log: { eventLoopStallMs: 300 } });
  const off = await startTestBridge({ log: { eventLoopStallMs: 0 } });
  try {
    await new Promise((r) => setTimeout(r, 2 * TICK_MS));
    blockLoop(700);
    const e = await waitFor('the stall logged', () => watching.events.find((x) => x.evt === 'event-loop-stalled'));
    assert.ok((e.ms as number) >= 300, JSON.stringify(e));
    const text = String((await call(watching, 'GET', '/metrics')).body);
    assert.match(text, /^mail2sms_event_loop_stalls_total [1-9]/m);
    assert.match(text, /^mail2sms_event_loop_stall_seconds_count [1-9]/m);
    await new Promise((r) => setTimeout(r, 2 * TICK_MS));
    assert.not.ok(off.events.some((x) => x.evt === 'event-loop-stalled'), 'eventLoopStallMs 0');
    assert.match(String((await call(off, 'GET', '/metrics')).body), /^mail2sms_event_loop_stalls_total 0$/m);
  } finally {
    for (const b of [watching, off]) {
      await b.stop();
      await rm(b.dir, { recursive: true, force: true });
    }
  }
});

S.run();
