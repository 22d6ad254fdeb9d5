import { pino, type Logger } from 'pino';

/** Structured event logger: one JSON line per event, `evt` plus stable keys (msgId, to, code, connector...). */
export type LogFn = (evt: string, data: Record<string, unknown>) => void;

const LEVEL_OF: Record<string, 'info' | 'warn' | 'error'> = {
  'rcpt-refused': 'info',
  'mail-refused': 'info',
  'confirmation-retry': 'warn',
  'sms-retry': 'warn',
  'sms-possible-duplicate': 'warn',
  'breaker-open': 'warn',
  'connector-gone': 'warn',
  'data-error': 'error',
  'store-write-failed': 'error',
  'store-compact-failed': 'error',
  'dispatch-error': 'error',
  'report-failed': 'error',
  'confirmation-error': 'error',
  'smtp-error': 'error',
  'smpp-unbound': 'warn',
  'smpp-bind-failed': 'warn',
  'smpp-link-dead': 'warn',
  'smpp-stuck': 'warn',
  'smpp-throttled': 'warn',
  'smpp-submit-failed': 'warn',
  'smpp-late-response': 'warn',
  'smpp-receipt-ambiguous': 'warn',
  'smpp-receipt-dropped': 'warn',
  'smpp-bad-deliver': 'warn',
  'smpp-protocol-error': 'error',
  'tls-self-signed': 'warn',
  'tls-reload-failed': 'error',
  'auth-failed': 'warn',
  'auth-locked': 'warn',
  'auth-error': 'error',
  'connection-refused': 'warn',
  'session-timeout': 'warn',
  'confirmation-suppressed': 'warn',
  'brake-engaged': 'error',
  'brake-save-failed': 'error',
  'brake-known-write-failed': 'error',
  'audit-write-failed': 'error',
};

export function createLogger(level: string, destination?: NodeJS.WritableStream): { logger: Logger; log: LogFn } {
  // Synchronous writes: the last lines before process.exit (stopping, stopped, a fatal error) must not be lost.
  const logger = pino({ level, base: undefined }, destination ?? pino.destination({ dest: 1, sync: true }));
  const log: LogFn = (evt, data) => logger[LEVEL_OF[evt] ?? 'info']({ evt, ...data });
  return { logger, log };
}
