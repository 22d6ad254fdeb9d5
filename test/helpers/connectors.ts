/** Connectors that tests can steer: a recording simulator that can be told to fail, to answer uncertainly or to report itself down. */
import type { ConnectorHealth, DeliveryReport, LookupResult, OutboundSms, SubmitResult } from '../../src/connectors/types.js';
import { RecordingSimulator } from './bridge.js';

export type Behaviour = 'ok' | 'temporary' | 'throttled' | 'uncertain' | 'down' | 'busy-number';

export class ScriptedSimulator extends RecordingSimulator {
  behaviour: Behaviour = 'ok';
  /** Send the delivery report before answering the submit (as SMSCs do when a receipt overtakes submit_sm_resp). */
  reportBeforeAnswer = false;
  /** Every submit call, whatever it answered (sent holds only those taken). */
  readonly calls: OutboundSms[] = [];
  /** Every lookup (reconcile after a restart). */
  readonly lookups: string[] = [];
  /** Our ids this connector took before a restart, with its message ids: what lookup() finds. */
  readonly takenBefore = new Map<string, string>();
  private readonly reportTo: Array<(r: DeliveryReport) => void> = [];

  constructor(name: string, opts: { deliveryDelayMs?: number; nextId?: () => string } = {}) {
    super({ name, deliveryDelayMs: opts.deliveryDelayMs ?? 20, failNumbersEndingWith: ['0000'], sentLog: '', ...(opts.nextId ? { nextId: opts.nextId } : {}) });
  }

  override async submit(sms: OutboundSms): Promise<SubmitResult> {
    this.calls.push(sms);
    switch (this.behaviour) {
      case 'temporary': return { ok: false, temporary: true, reason: `${this.name} is throttling (simulated)` };
      case 'throttled': return { ok: false, temporary: true, throttled: true, reason: `${this.name}: too many requests (simulated)` };
      case 'down': return { ok: false, temporary: true, reason: `${this.name} is not bound (simulated)` };
      case 'uncertain': return { ok: false, temporary: true, uncertain: true, reason: `no answer from ${this.name} within 10000 ms (simulated)` };
      case 'busy-number': return { ok: false, temporary: true, scope: 'sms', reason: `${this.name}: all concatenation references for ${sms.to} in use (simulated)` };
      default: {
        const res = await super.submit(sms);
        if (res.ok && this.reportBeforeAnswer) this.report(res.connectorMessageId, 'delivered');
        return res;
      }
    }
  }

  override async lookup(id: string): Promise<LookupResult> {
    this.lookups.push(id);
    const connectorMessageId = this.takenBefore.get(id);
    return connectorMessageId ? { found: true, connectorMessageId } : super.lookup(id);
  }

  override onReport(listener: (r: DeliveryReport) => void): void {
    this.reportTo.push(listener);
    super.onReport(listener);
  }

  /** Sends a delivery report now, as the aggregator would. */
  report(connectorMessageId: string, status: DeliveryReport['status']): void {
    for (const l of this.reportTo) l({ connectorMessageId, status, at: new Date() });
  }

  override health(): ConnectorHealth {
    return this.behaviour === 'down' ? { up: false, state: 'connecting', detail: 'simulated outage' } : super.health();
  }
}

/** An SMPP-like connector: after a restart it cannot tell whether it took an SMS (lookup answers unknown). */
export class UnsureSimulator extends ScriptedSimulator {
  override async lookup(id: string): Promise<LookupResult> {
    this.lookups.push(id);
    return { found: 'unknown' };
  }
}
