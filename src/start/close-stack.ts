/**
 * What the start has opened, in the order it opened it, to be closed again
 * in reverse order, once: by a start that fails at any phase (it closes
 * exactly what was opened before the failure) and by the bridge's stop.
 * Each part is pushed as soon as it is open, so no phase undoes the ones
 * before it by hand.
 */
export class CloseStack {
  private readonly steps: Array<{ what: string; close: () => Promise<void> }> = [];
  private closing?: Promise<void>;

  /**
   * `close` undoes `what`, which has just been opened. Returns that step, run
   * at most once: a later step may run it ahead of its turn, together with
   * its own (the dispatcher stops taking SMS when the SMTP server stops
   * taking mail, not after the notifier), and its turn then finds it done.
   */
  push(what: string, close: () => unknown): () => Promise<void> {
    let done: Promise<void> | undefined;
    const once = () => (done ??= Promise.resolve().then(close).then(() => undefined));
    this.steps.push({ what, close: once });
    return once;
  }

  /** Opens a part with `open` and pushes `close` for it once it is open (not when opening it failed). */
  async open<T>(what: string, open: () => Promise<T> | T, close: (part: T) => unknown): Promise<T> {
    const part = await open();
    this.push(what, () => close(part));
    return part;
  }

  /**
   * Closes every part, the last opened first, each one even when one before
   * it failed to close (a store left open would keep its lock); throws the
   * first failure, naming its part, once all are done. Called again, it
   * returns the same closing.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      let failed: Error | undefined;
      for (const step of [...this.steps].reverse()) {
        await step.close().catch((e: Error) => {
          failed ??= new Error(`closing ${step.what} failed: ${e.message}`, { cause: e });
        });
      }
      if (failed) throw failed;
    })();
    return this.closing;
  }
}
