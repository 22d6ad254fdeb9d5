/** Builders for SmsMessage fixtures in the notify tests (test/helpers belongs to another unit). */
import type { SmsMessage, SmsStatus, StatusEvent } from '../../src/store/types.js';

export const T = {
  accepted: '2026-11-23T14:05:09.000Z',
  submitting: '2026-11-23T14:05:10.000Z',
  submitted: '2026-11-23T14:05:11.000Z',
  final: '2026-11-23T14:06:42.000Z',
} as const;

/** History up to `status` along the usual path accepted → submitting → submitted → final. */
export function historyTo(status: SmsStatus, final: Partial<StatusEvent> = {}): StatusEvent[] {
  const events: StatusEvent[] = [{ status: 'accepted', at: T.accepted }];
  if (status === 'accepted') return events;
  if (status === 'rejected') return [...events, { status, at: T.final, ...final }];
  events.push({ status: 'submitting', at: T.submitting, connector: 'sim' });
  if (status === 'submitting') return events;
  events.push({ status: 'submitted', at: T.submitted, connector: 'sim', connectorMessageId: 'SIM-777' });
  if (status === 'submitted') return events;
  return [...events, { status, at: T.final, connector: 'sim', ...final }];
}

export function sampleSms(overrides: Partial<SmsMessage> = {}, mail: Partial<SmsMessage['mail']> = {}): SmsMessage {
  const status = overrides.status ?? 'delivered';
  return {
    id: 'M1a2b3c.1',
    mailId: 'M1a2b3c',
    account: 'acme',
    to: '+4915112345678',
    text: 'Meeting moved to 3pm.\nPlease confirm.',
    encoding: 'GSM7',
    segments: 1,
    notify: 'final',
    status,
    history: historyTo(status),
    attempts: 1,
    notBefore: T.accepted,
    confirmations: [],
    ...overrides,
    mail: {
      messageId: '<orig-1@client.example>',
      references: ['<root-0@client.example>'],
      subject: 'Meeting',
      from: 'Clerk <clerk@client.example>',
      envelopeFrom: 'clerk@client.example',
      rcptTo: '+4915112345678@sms.localhost',
      receivedAt: T.accepted,
      ...mail,
    },
  };
}
