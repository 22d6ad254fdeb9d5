import * as assert from 'uvu/assert';
import type { Timers } from '../../src/connectors/smpp/socket.js';
import { waitFor } from './wait.js';

/**
 * Real timers, except that those of one length — a connector's response timeout, set long — also run out when
 * the test says so (expire). "Unanswered in time" then happens to the answer the test holds back, and never to
 * an answer that came but was slow on a loaded machine: with a 200 ms timeout, submits the simulator answered at
 * once failed as uncertain (connector-concurrency, under a full run beside others).
 */
export class TimeoutsOnCue implements Timers {
  private readonly running = new Map<NodeJS.Timeout, () => void>();

  constructor(private readonly ms: number) {}

  set(fn: () => void, ms: number): unknown {
    const handle = setTimeout(() => {
      this.running.delete(handle);
      fn();
    }, ms);
    if (ms === this.ms) this.running.set(handle, fn);
    return handle;
  }

  clear(handle: unknown): void {
    this.running.delete(handle as NodeJS.Timeout);
    clearTimeout(handle as NodeJS.Timeout);
  }

  /** Runs out every timeout of that length now running, as if its time were up; returns how many. */
  expire(): number {
    const due = [...this.running];
    this.running.clear();
    for (const [handle, fn] of due) {
      clearTimeout(handle);
      fn();
    }
    return due.length;
  }
}

/**
 * Waits until the SMSC (simulator) holds `n` submit_sm unanswered, then runs out their response timeouts: they are
 * the only requests awaiting an answer. For a connector whose responseTimeoutMs is the length `timers` was made with.
 */
export async function timeOutHeld(sim: { heldResponseCount: number }, timers: TimeoutsOnCue, n = 1): Promise<void> {
  await waitFor(`${n} submit_sm held by the SMSC`, () => sim.heldResponseCount === n);
  assert.is(timers.expire(), n, 'the held submit_sm are the requests awaiting an answer');
}
