/**
 * One attempt to hand an SMS over: its candidate connectors in order until
 * one settles it. A temporary failure moves on to the next at once; an
 * acceptance, a refusal, or an uncertain result under policy `fail`
 * settles it. Every try is preceded by a durable `submitting` event that
 * names the connector, and its outcome feeds the connector's breaker.
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
}

/** settled: the SMS has its next status; otherwise the reason of the last failure, for the retry. */
export type AttemptOutcome = { settled: true } | { settled: false; reason: string };

export async function attempt(d: AttemptDeps, m: SmsMessage, attempts: number, candidates: string[]): Promise<AttemptOutcome> {
  let last = '';
  let possibleDuplicate: string | undefined;
  for (const name of candidates) {
    const grant = d.pool.acquire(name);
    if (!grant.allowed) {
      last ||= `${name}: breaker half-open, its probe is under way`;
      continue;
    }
    try {
      await d.record.submitting(m, name, attempts, last || undefined);
    } catch (e) {
      d.pool.release(name, grant.probe);
      throw e;
    }
    const res = await submit(d.pool, name, m);
    if (!res.ok && res.scope === 'sms') d.pool.release(name, grant.probe); // says nothing about the connector
    else if (res.ok || !res.temporary) d.pool.answered(name, grant.probe, res.ok);
    else d.pool.failed(name, grant.probe, res.reason);
    if (res.ok) {
      await d.record.submitted(m, name, res.connectorMessageId, possibleDuplicate && `possibly duplicated: ${possibleDuplicate} may also have taken it`, res.sender);
      return { settled: true };
    }
    if (!res.temporary) {
      await d.record.finish(m, res.final ?? 'failed', res.reason, name);
      return { settled: true };
    }
    last = `${name}: ${res.reason}`;
    if (!res.uncertain) continue;
    if (d.pool.onUncertain(name) === 'fail') {
      await d.record.uncertain(m, name, res.reason);
      return { settled: true };
    }
    possibleDuplicate = name;
    last += `; possibly duplicated: ${name} may have taken it, sending again (onUncertain resend)`;
    d.log('sms-possible-duplicate', { msgId: m.id, to: m.to, connector: name, reason: res.reason });
  }
  return { settled: false, reason: last };
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
