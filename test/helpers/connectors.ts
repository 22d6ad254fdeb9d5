/** Connectors that tests can steer: a recording simulator that can be told to fail, to answer uncertainly or to report itself down. */
import type { ConnectorHealth, OutboundSms, SubmitResult } from '../../src/connectors/types.js';
import { RecordingSimulator } from './bridge.js';

export type Behaviour = 'ok' | 'temporary' | 'uncertain' | 'down';

export class ScriptedSimulator extends RecordingSimulator {
  behaviour: Behaviour = 'ok';
  /** Every submit call, whatever it answered (sent holds only those taken). */
  readonly calls: OutboundSms[] = [];

  constructor(name: string, opts: { deliveryDelayMs?: number; nextId?: () => string } = {}) {
    super({ name, deliveryDelayMs: opts.deliveryDelayMs ?? 20, failNumbersEndingWith: ['0000'], sentLog: '', ...(opts.nextId ? { nextId: opts.nextId } : {}) });
  }

  override async submit(sms: OutboundSms): Promise<SubmitResult> {
    this.calls.push(sms);
    switch (this.behaviour) {
      case 'temporary': return { ok: false, temporary: true, reason: `${this.name} is throttling (simulated)` };
      case 'down': return { ok: false, temporary: true, reason: `${this.name} is not bound (simulated)` };
      case 'uncertain': return { ok: false, temporary: true, uncertain: true, reason: `no answer from ${this.name} within 10000 ms (simulated)` };
      default: return super.submit(sms);
    }
  }

  override health(): ConnectorHealth {
    return this.behaviour === 'down' ? { up: false, state: 'connecting', detail: 'simulated outage' } : super.health();
  }
}
