import { pino, type Logger } from 'pino';

/** Structured event logger: one JSON line per event, `evt` plus stable keys (msgId, to, code, connector...). */
export type LogFn = (evt: string, data: Record<string, unknown>) => void;

const LEVEL_OF: Record<string, 'debug' | 'info' | 'warn' | 'error'> = {
  'rcpt-refused': 'info',
  'mail-refused': 'info',
  'confirmation-retry': 'warn',
  'sms-retry': 'warn',
  'sms-possible-duplicate': 'warn',
  'sms-message-id-reused': 'warn',
  'breaker-open': 'warn',
  'connector-gone': 'warn',
  'data-error': 'error',
  'store-write-failed': 'error',
  'store-compact-failed': 'error',
  'dispatch-error': 'error',
  'report-failed': 'error',
  'confirmation-error': 'error',
  'confirmation-thread-failed': 'error',
  'smtp-error': 'error',
  'smtp-handler-error': 'error',
  'smpp-unbound': 'warn',
  'callback-failed': 'warn',
  // Every attempt of a push to a receiver that is down: thousands in minutes. The outage itself is callback-endpoint-failing.
  'callback-retry': 'debug',
  'callback-endpoint-failing': 'warn',
  'smpp-bind-failed': 'warn',
  'smpp-link-dead': 'warn',
  'smpp-stuck': 'warn',
  'smpp-throttled': 'warn',
  // Each PDU or request refused as too many; the episode is smpp-throttled / http-throttled and connector-throttling-ended.
  'connector-throttled': 'debug',
  'smpp-submit-failed': 'warn',
  'smpp-late-response': 'warn',
  'smpp-late-accepted': 'warn',
  'smpp-late-refused': 'warn',
  'smpp-late-unrecorded': 'error',
  'sms-late-answer': 'warn',
  'sms-sent-twice': 'warn',
  'smpp-receipt-ambiguous': 'warn',
  'smpp-receipt-dropped': 'warn',
  'smpp-bad-deliver': 'warn',
  'smpp-protocol-error': 'error',
  'http-no-message-id': 'warn',
  'http-connector-refused': 'error',
  'http-throttled': 'warn',
  'report-unmatched': 'warn',
  'tls-self-signed': 'warn',
  'tls-reload-failed': 'error',
  'auth-failed': 'warn',
  'auth-locked': 'warn',
  'login-failed': 'warn',
  'login-locked': 'warn',
  'auth-error': 'error',
  'connection-refused': 'warn',
  'session-timeout': 'warn',
  'smtp-too-many-errors': 'warn',
  'confirmation-suppressed': 'warn',
  'brake-engaged': 'error',
  'dispatch-held': 'error',
  'api-exposed': 'warn',
  'archive-line-skipped': 'warn',
  'brake-save-failed': 'error',
  'brake-known-write-failed': 'error',
  'audit-write-failed': 'error',
  'event-loop-stalled': 'warn',
  'account-settings-ignored': 'warn',
};

/**
 * The log's sink: the lines of one turn of the event loop go out in one
 * synchronous write at its end (setImmediate), not one write(2) each — an
 * accepted, dispatched and confirmed SMS logs four or five lines, and each
 * write cost ~4.5 us more than its share of a joined one. Still synchronous
 * (never a write in flight on another thread), so `flush()` before the
 * process exits leaves nothing behind; main.ts calls it on 'exit', which
 * Node also emits after an uncaught exception. A kill -9 loses at most the
 * lines of the turn it interrupts.
 */
export class TurnBatchedLines {
  private lines: string[] = [];
  private scheduled = false;

  constructor(private readonly sink: { write(text: string): unknown }) {}

  write(line: string): boolean {
    this.lines.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    return true;
  }

  readonly flush = (): void => {
    this.scheduled = false;
    if (!this.lines.length) return;
    const text = this.lines.join('');
    this.lines = [];
    this.sink.write(text);
  };
}

export interface Logging {
  logger: Logger;
  log: LogFn;
  /** Writes out what is still held; synchronous. */
  flush(): void;
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logging {
  // sonic-boom in sync mode does the writing (partial writes, EAGAIN on a full pipe); the batcher only joins lines.
  const lines = destination ? undefined : new TurnBatchedLines(pino.destination({ dest: 1, sync: true }));
  const logger = pino({ level, base: undefined }, destination ?? (lines as unknown as NodeJS.WritableStream));
  const log: LogFn = (evt, data) => logger[LEVEL_OF[evt] ?? 'info']({ evt, ...data });
  return { logger, log, flush: () => lines?.flush() };
}
