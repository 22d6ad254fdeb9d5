/**
 * The SMS peer the bridge sends to during the benchmark, and the connector
 * config that points the bridge at it.
 *
 * - `simulator` (default): the bridge's built-in simulator connector: no
 *   network, it writes a sent log and reports delivery after its delay.
 * - `smpp`: the SMPP connector (src/connectors/smpp/) with its defaults
 *   (window 10, 8-bit concatenation references) against the SMSC simulator
 *   (src/connectors/smpp/smsc-sim-cli.ts) in its own process on a loopback
 *   port, answering at once and sending each receipt 500 ms after its
 *   submit_sm_resp, like the built-in simulator's delay. It runs --quiet:
 *   a JSON line per PDU would cost that process more CPU than the SMPP work,
 *   on the two cores the bridge uses too. Its CPU time is read from /proc
 *   (cpuMs), so the run can say what the peer itself took.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuMsOf, pollFor } from './bridge.js';

export type PeerKind = 'simulator' | 'smpp';

export interface Peer {
  kind: PeerKind;
  /** The bridge config's one entry of `connectors`. */
  connector: Record<string, unknown>;
  /** CPU time the peer's own process used so far (user + system, ms); undefined for the in-process simulator. */
  cpuMs?: () => Promise<{ sys: number; total: number }>;
  stop(): Promise<void>;
}

const SMSC_SIM = fileURLToPath(new URL('../src/connectors/smpp/smsc-sim-cli.ts', import.meta.url));

/** The connectors entry for the SMPP connector against the simulator (its default system_id and password). */
export function smppConnectorConfig(port: number): Record<string, unknown> {
  return { name: 'smpp', type: 'smpp', smpp: { host: '127.0.0.1', port, systemId: 'test', password: 'secret' } };
}

/** `nodeArgs`: extra node options for the SMSC simulator's process (--profile passes --cpu-prof: its CPU counts too). */
export async function startPeer(kind: PeerKind, nodeArgs: string[] = []): Promise<Peer> {
  if (kind === 'simulator') {
    return { kind, connector: { name: 'simulator', type: 'simulator' }, stop: async () => undefined };
  }
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', SMSC_SIM, '--port', '0', '--receipt-delay-ms', '500', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4096)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const port = await pollFor(async () => Number(/smpp:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]) || undefined, 20_000, 'the SMSC simulator');
    return { kind, connector: smppConnectorConfig(port), cpuMs: () => cpuMsOf(child.pid!), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
