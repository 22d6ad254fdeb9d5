/**
 * The signature of a status callback: HMAC-SHA256, with the account's
 * secret, over "<timestamp>.<body>" (the timestamp in Unix seconds, as sent
 * in X-Mail2sms-Timestamp), hex in X-Mail2sms-Signature as "v1=<hex>". The
 * timestamp inside the signed text lets a receiver refuse a replayed push
 * (older than a few minutes); "v1=" leaves room for another scheme later.
 */
import { createHmac } from 'node:crypto';

export const HEADER_SIGNATURE = 'X-Mail2sms-Signature';
export const HEADER_TIMESTAMP = 'X-Mail2sms-Timestamp';
export const HEADER_EVENT_ID = 'X-Mail2sms-Event-Id';

export function signature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

