/**
 * How long a test waits for a condition before it fails. A wait is not a
 * timing assertion: the condition is expected to hold, and only a broken
 * bridge never gets there. 5 s was too short on the shared 2-core machines
 * with a full run beside other engineers' ones (the unicode-cause
 * confirmation, the 16-bit UDH acceptance confirmation timed out while
 * correct); a test that needs longer says so.
 */
export const WAIT_MS = 20_000;

/** Polls until `check` returns a truthy value and returns it; throws after timeoutMs, naming `what` was awaited. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = WAIT_MS): Promise<NonNullable<T>> {
  const started = Date.now();
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what} (${timeoutMs / 1000} s)`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
