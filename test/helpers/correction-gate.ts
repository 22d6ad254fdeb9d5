import type { MessageStore, Transition } from '../../src/store/types.js';

/**
 * Holds the store write of SMS `id`'s late correction at a gate until
 * `open()`: a test can then show what the bridge does while the correction
 * is not durable yet (a receipt must not be acknowledged before it is).
 * `stored` hears each of that SMS's writes once it is on disk.
 */
export function gateCorrection(store: Pick<MessageStore, 'transition'>, id: string, stored: (status: string) => void): { held: () => boolean; open: () => void } {
  return gateWrite(store, id, (t) => t.event.late === 'correction', stored);
}

/** Holds the first of SMS `id`'s status writes that `which` picks (and those after it) until `open()`: a slow disk. */
export function gateWrite(store: Pick<MessageStore, 'transition'>, id: string, which: (t: Transition) => boolean, stored: (status: string) => void): { held: () => boolean; open: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let held = false;
  const transition = store.transition.bind(store);
  store.transition = async (i, t) => {
    if (i === id && which(t)) {
      held = true;
      await gate;
    }
    const done = await transition(i, t);
    if (i === id) stored(t.event.status);
    return done;
  };
  return { held: () => held, open };
}
