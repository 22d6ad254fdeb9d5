import { suite as uvuSuite, type Callback, type Test } from 'uvu';

/**
 * uvu's `suite`, with a setup that fails out loud. uvu 0.5.6 swallows an
 * error thrown by a `before` hook: the suite prints "(0 / N)", no error, and
 * the run still exits 0 (lukeed/uvu#60, #80, #142, #191; the fix, PR #196,
 * was never merged). Here such an error fails every test of the suite, the
 * first with the error and its stack, so the count shows them failed and the
 * run exits 1. The `after` hooks still run to undo what the setup did make;
 * what they throw then (a bridge that never started cannot be stopped) is
 * printed, not thrown, as uvu would end the whole run on it. An `after` hook
 * that throws after a good setup is printed and makes the run exit 1.
 */
export function suite<T = Record<string, unknown>>(name: string, context?: T): Test<T> {
  const inner = uvuSuite<T>(name, context);
  let setup: { error: unknown } | undefined;
  let reported = false;
  const guard = (fn: Callback<T>): Callback<T> => async (ctx) => {
    if (!setup) return fn(ctx);
    if (reported) throw bare(`setup of suite "${name}" failed (the error is with its first test)`);
    reported = true;
    throw setupFailure(name, setup.error);
  };
  const test = ((title: string, fn: Callback<T>) => inner(title, guard(fn))) as Test<T>;
  test.only = (title, fn) => inner.only(title, guard(fn));
  test.skip = (title, fn) => inner.skip(title, fn);
  test.run = () => inner.run();
  test.before = Object.assign((fn: Callback<T>) => inner.before(async (ctx) => {
    if (setup) return;
    try {
      await fn(ctx);
    } catch (error) {
      setup = { error };
    }
  }), { each: (fn: Callback<T>) => inner.before.each(fn) });
  test.after = Object.assign((fn: Callback<T>) => inner.after(async (ctx) => {
    try {
      await fn(ctx);
    } catch (e) {
      process.stdout.write(`\n  FAIL  after hook of suite "${name}": ${e instanceof Error ? e.stack : String(e)}\n`);
      if (!setup) markRunFailed();
    }
  }), { each: (fn: Callback<T>) => inner.after.each(fn) });
  return test;
}

/** The hook's error as uvu prints a test's: the message, then where it was thrown. */
function setupFailure(name: string, error: unknown): Error {
  const message = `setup of suite "${name}" failed: ${error instanceof Error ? error.message : String(error)}`;
  const frames = error instanceof Error ? (error.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)) : [];
  return bare(message, frames);
}

/** An error whose stack is `frames` (uvu prints no stack for none). */
function bare(message: string, frames: string[] = []): Error {
  const e = new Error(message);
  e.stack = [`Error: ${message}`, ...frames].join('\n');
  return e;
}

let exitHooked = false;
/** uvu sets the exit code when its run ends; this sets it again, later, on the way out. */
function markRunFailed(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    process.exitCode = 1;
  });
}
