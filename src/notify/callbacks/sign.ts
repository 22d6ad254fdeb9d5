/**
 * The signature of a status callback: HMAC-SHA256, with the account's
 * secret, over "<timestamp>.<body>" (the timestamp in Unix seconds, as sent
 * in X-Mail2sms-Timestamp), hex in X-Mail2sms-Signature as "v1=<hex>". The
 * timestamp inside the signed text lets a receiver refuse a replayed push
 * (older than a few minutes); "v1=" leaves room for another scheme later.
 *
 * While the operator rotates the secret (statusCallbacks.previousSecret),
 * the header carries one signature per secret, the new one first, as a list
 * (RFC 9110 §5.6.1): "v1=<hex>, v1=<hex>", as Stripe's Stripe-Signature and
 * Standard Webhooks' webhook-signature carry one per secret. A receiver that
 * takes any entry made with its secret goes on working whichever of the two
 * it holds, and switches when it likes.
 */
import { createHmac } from 'node:crypto';

export const HEADER_SIGNATURE = 'X-Mail2sms-Signature';
export const HEADER_TIMESTAMP = 'X-Mail2sms-Timestamp';
export const HEADER_EVENT_ID = 'X-Mail2sms-Event-Id';

/** The header's value: one "v1=<hex>" per secret, in the order given. */
export function signature(secrets: readonly string[], timestamp: number, body: string): string {
  return secrets.map((secret) => `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`).join(', ');
}
