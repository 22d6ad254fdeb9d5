import { Writable } from 'node:stream';
import { createLogger, type LogFn } from '../../src/log.js';

/** A real logger at `level` (the bridge's own, pino), and the JSON lines it wrote, as an operator's log collector reads them. */
export function logLines(level = 'info'): { lines: Array<Record<string, any>>; log: LogFn } {
  const lines: Array<Record<string, any>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, log: createLogger(level, sink).log };
}
