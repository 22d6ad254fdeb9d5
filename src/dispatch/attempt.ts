/**
 * One attempt to hand an SMS over: its candidate connectors in order until
 * one settles it. A temporary failure moves on to the next at once
 * (sms-failover), unless a delivery report for the SMS came from that
 * connector meanwhile (it took the SMS); an acceptance, a refusal, or an
 * uncertain result under policy `fail` settles it. Every try is preceded
 * by a durable `submitting` event that names the connector, and its
 * outcome feeds the connector's breaker (a failure of the connector's own,
 * such as credentials refused, opens it at once); every failed try is
 * logged as sms-submit-failed with its kind, for the metrics.
 */
import type { SubmitResult } from '../connectors/types.js';
import type { LogFn } from '../log.js';
import type { SmsMessage } from '../store/types.js';
import type { ConnectorPool } from './connector-pool.js';
import type { Recorder } from './record.js';

export interface AttemptDeps {
  pool: ConnectorPool;
  record: Recorder;
  log: LogFn;
  /**
   * The connector's id for SMS `id` from a delivery report that came while
   * the submit was under way (report-book.ts namedEarly), or undefined: a
   * report proves the connector took it, whatever became of the answer.
   */
  reportedTaken?: (connector: string, id: string) => string | undefined;
}

/** How a try failed, for the log and mail2sms_connector_submit_failures_total. */
export type FailureKind = 'uncertain' | 'connector' | 'temporary' | 'refused';

export function failureKind(res: Extract<SubmitResult, { ok: false }>): FailureKind {
  if (res.uncertain) return 'uncertain';
  if (res.scope === 'connector') return 'connector';
  return res.temporary ? 'temporary' : 'refused';
}

/**
 * settled: the SMS has its next status; otherwise the reason of the last failure, for the retry, and whether it was
 * the connector's own (credentials refused, down, its breaker open): one that says nothing about the SMS or its number;
 * `throttled`: the last connector asked us to slow down. `forConnector`: no connector turned it away for a reason
 * of the SMS's own (scope sms) or asked us to slow down: it waits only for one that works (connector-waits.ts).
 */
export type AttemptOutcome = { settled: true } | { settled: false; reason: string; connectorFault: boolean; throttled?: true; forConnector: boolean };

export async function attempt(d: AttemptDeps, m: SmsMessage, attempts: number, candidates: string[]): Promise<AttemptOutcome> {
  let last = '';
  let failedOn: string | undefined;
  let possibleDuplicate: string | undefined;
  let connectorFault = true;
  let throttled: true | undefined;
  let forConnector = true;
  for (const name of candidates) {
    const grant = d.pool.acquire(name);
    if (!grant.allowed) {
      last ||= `${name}: breaker half-open, its probe is under way`;
      continue;
    }
    if (failedOn) d.log('sms-failover', { msgId: m.id, from: failedOn, connector: name, reason: last });
    try {
      await d.record.submitting(m, name, attempts, last || undefined);
    } catch (e) {
      d.pool.release(name, grant.probe);
      throw e;
    }
    const res = provenTaken(d, name, m, await submit(d.pool, name, m));
    if (!res.ok && res.scope === 'sms') d.pool.release(name, grant.probe); // says nothing about the connector
    else if (res.ok || !res.temporary) d.pool.answered(name, grant.probe, res.ok);
    else d.pool.failed(name, grant.probe, res.reason, res.scope === 'connector');
    if (res.ok) {
      const notes = [res.note, possibleDuplicate && `possibly duplicated: ${possibleDuplicate} may also have taken it`].filter(Boolean).join('; ');
      await d.record.submitted(m, name, res.connectorMessageId, notes || undefined, res.sender);
      return { settled: true };
    }
    d.log('sms-submit-failed', { msgId: m.id, connector: name, kind: failureKind(res), reason: res.reason });
    failedOn = name;
    if (!res.temporary) {
      await d.record.finish(m, res.final ?? 'failed', res.reason, name);
      return { settled: true };
    }
    last = `${name}: ${res.reason}`;
    throttled = res.throttled;
    connectorFault = failureKind(res) === 'connector';
    if (res.throttled || res.scope === 'sms') forConnector = false;
    if (!res.uncertain) continue;
    if (d.pool.onUncertain(name) === 'fail') {
      await d.record.uncertain(m, name, res.reason, res.answerable, { lateReports: d.pool.get(name)?.lateReports });
      return { settled: true };
    }
    possibleDuplicate = name;
    last += `; possibly duplicated: ${name} may have taken it, sending again (onUncertain resend)`;
    d.log('sms-possible-duplicate', { msgId: m.id, to: m.to, connector: name, reason: res.reason });
  }
  return { settled: false, reason: last, connectorFault, forConnector, ...(throttled ? { throttled } : {}) };
}

/**
 * A submit that failed for now (its answer lost, or a 500 from an aggregator
 * that stored the SMS first) while a delivery report for it came meanwhile:
 * the report names the SMS, so the connector took it, and sending it
 * elsewhere would send it twice.
 */
function provenTaken(d: AttemptDeps, name: string, m: SmsMessage, res: SubmitResult): SubmitResult {
  const id = !res.ok && res.temporary ? d.reportedTaken?.(name, m.id) : undefined;
  return id ? { ok: true, connectorMessageId: id, note: `${res.ok ? '' : res.reason}, but a delivery report of ${name} for it shows that it took the SMS` } : res;
}

async function submit(pool: ConnectorPool, name: string, m: SmsMessage): Promise<SubmitResult> {
  try {
    return await pool.get(name)!.submit({ id: m.id, to: m.to, text: m.text, encoding: m.encoding, segments: m.segments, sender: m.sender, flash: m.flash, priority: m.priority, expiresAt: m.expiresAt });
  } catch (e) {
    return { ok: false, temporary: true, reason: `connector error: ${(e as Error).message}` };
  }
}

/**
 * For the sender, who must decide whether to send again: no protocol words
 * (those are in the event's `detail` and the log), and what to do.
 */
export const UNCERTAIN_REASON = 'the carrier did not confirm in time whether it took the SMS. It was not sent again, so that it cannot arrive twice: please check with the recipient before you send it again';
