import { randomBytes } from 'node:crypto';

/**
 * Random bytes from the system's CSPRNG, drawn `size` bytes at a time and
 * handed out in slices. A randomBytes call of its own per mail id cost
 * ~13 µs on the event loop (a new Buffer and a trip into OpenSSL each:
 * 1.5-2 % of its samples in the bench); one draw of 4 KiB serves hundreds.
 * A slice is a view of the pool: read it at once (hex, copy), do not keep it.
 */
export function randomPool(size = 4096, source: (n: number) => Buffer = randomBytes): (n: number) => Buffer {
  let pool: Buffer = Buffer.alloc(0);
  let used = 0;
  return (n) => {
    if (n > size) return source(n);
    if (used + n > pool.length) [pool, used] = [source(size), 0];
    used += n;
    return pool.subarray(used - n, used);
  };
}
