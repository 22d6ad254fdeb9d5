/**
 * Runs Postfix's smtp-source, the standard SMTP load generator, and times it
 * from start to exit. It aborts at the first reply that is not the expected
 * one (no -A), so an exit code 0 means every mail got 250.
 */
import { execFile } from 'node:child_process';

export interface SourceCase {
  /** Parallel sessions (-s). */
  sessions: number;
  /** Keep the connection for the next mail (-d); otherwise a new connection per mail. */
  keep: boolean;
  messages: number;
}

export interface SourceResult { messages: number; seconds: number; perSecond: number }

export function sourceArgs(c: SourceCase, file: string, from: string, to: string, port: number): string[] {
  return [...(c.keep ? ['-d'] : []), '-s', String(c.sessions), '-m', String(c.messages), '-F', file, '-f', from, '-t', to, '-M', 'loadgen.bench.test', `127.0.0.1:${port}`];
}

export function runSmtpSource(c: SourceCase, file: string, from: string, to: string, port: number): Promise<SourceResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile('smtp-source', sourceArgs(c, file, from, to, port), { timeout: 600_000 }, (err, _out, stderr) => {
      const seconds = (performance.now() - t0) / 1000;
      if (err) return reject(new Error(`smtp-source failed on port ${port}: ${stderr || err.message}`));
      resolve({ messages: c.messages, seconds, perSecond: c.messages / seconds });
    });
  });
}
