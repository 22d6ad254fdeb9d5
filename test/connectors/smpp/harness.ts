/**
 * An SmscSimulator on 127.0.0.1 port 0 and an SmppConnector bound to it,
 * for the connector's loopback tests. Short timings so reconnects and
 * timeouts happen within a test; nothing is asserted about durations.
 */
import { SmscSimulator, type SimOptions } from '../../../src/connectors/smpp/smsc-simulator.js';
import { SmppConnector, type SmppConnectorDeps } from '../../../src/connectors/smpp/connector.js';
import { SMPP_DEFAULTS, type SmppConnectorOptions } from '../../../src/connectors/smpp/config.js';
import type { DeliveryReport, OutboundSms } from '../../../src/connectors/types.js';

export const CREDENTIALS = { systemId: 'bridge', password: 'pw1' };

export interface LoggedEvent {
  evt: string;
  [key: string]: unknown;
}

export interface Harness {
  sim: SmscSimulator;
  port: number;
  connector: SmppConnector;
  reports: DeliveryReport[];
  events: LoggedEvent[];
  simEvents: LoggedEvent[];
}

export function connectorOptions(port: number, extra: Partial<SmppConnectorOptions> = {}): SmppConnectorOptions {
  return {
    ...SMPP_DEFAULTS, name: 'smsc1', host: '127.0.0.1', port, ...CREDENTIALS,
    responseTimeoutMs: 1000, reconnectSeconds: [0.02, 0.05], throttlePauseMs: 20, retryInPlaceSeconds: 5,
    ...extra,
  };
}

export async function withSmpp(
  setup: { sim?: Partial<SimOptions>; connector?: Partial<SmppConnectorOptions>; deps?: SmppConnectorDeps },
  body: (h: Harness) => Promise<void>,
): Promise<void> {
  const simEvents: LoggedEvent[] = [];
  const sim = new SmscSimulator({ ...CREDENTIALS, log: (e) => simEvents.push(e), ...setup.sim });
  const { port } = await sim.start();
  const events: LoggedEvent[] = [];
  const connector = new SmppConnector(connectorOptions(port, setup.connector), {
    log: (evt, data) => events.push({ evt, ...data }), ...setup.deps,
  });
  const reports: DeliveryReport[] = [];
  connector.onReport((r) => reports.push(r));
  try {
    await connector.start();
    connector.resume([]); // as the dispatcher does at start: nothing submitted before
    await body({ sim, port, connector, reports, events, simEvents });
  } finally {
    await connector.stop();
    await sim.stop();
  }
}

let counter = 0;
export function sms(text: string, extra: Partial<OutboundSms> = {}): OutboundSms {
  counter++;
  return { id: `T${counter}.1`, to: '+4915100000001', text, encoding: 'GSM7', segments: 1, ...extra };
}

export { waitFor } from '../../helpers/wait.js';

/** 300 characters, 33 of them € [ ] from the extension table (2 septets each): 333 septets, so 3 parts where 300 basic characters make 2. */
export const LONG_GSM = ('Rechnung [42]: 100 € offen. '.repeat(11) + 'Bitte zahlen.').slice(0, 300);
