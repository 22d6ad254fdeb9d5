/**
 * Handing a delivery report to the connector's listeners (the dispatcher).
 * A listener may return a promise: it settles once the report is stored,
 * and resolves to false when it could not be stored. Connectors whose
 * aggregator sends a report again when it is refused (SMPP's deliver_sm,
 * HTTP webhooks) acknowledge only after this resolves, and refuse the
 * report when it rejects.
 */
import type { DeliveryReport } from './types.js';

export async function handOver(listeners: ReadonlyArray<(r: DeliveryReport) => void>, r: DeliveryReport): Promise<void> {
  const results = await Promise.allSettled(listeners.map((l) => (l as (r: DeliveryReport) => unknown)(r)));
  if (results.some((x) => x.status === 'rejected' || x.value === false)) throw new Error('the report could not be stored');
}
