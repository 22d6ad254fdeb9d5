/**
 * The SMS peer the bridge sends to during the benchmark, and the connector
 * config that points the bridge at it.
 *
 * - `simulator` (default): the bridge's built-in simulator connector: no
 *   network, it writes a sent log and reports delivery after its delay.
 * - `smpp`: the hook for the SMPP connector (src/connectors/smpp/, not yet a
 *   selectable type in `connectors`). It starts the real SMSC simulator
 *   (src/connectors/smpp/smsc-sim-cli.ts) on a loopback port and points the
 *   bridge at it with the keys of src/connectors/smpp/config.ts. Until
 *   `"type": "smpp"` is in the connectors schema the bridge refuses that
 *   config at start and the benchmark stops with its message, instead of
 *   measuring something else.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pollFor } from './bridge.js';

export type PeerKind = 'simulator' | 'smpp';

export interface Peer {
  kind: PeerKind;
  /** The bridge config's one entry of `connectors`. */
  connector: Record<string, unknown>;
  stop(): Promise<void>;
}

const SMSC_SIM = fileURLToPath(new URL('../src/connectors/smpp/smsc-sim-cli.ts', import.meta.url));

/** The connectors entry for the SMPP connector against the simulator (its default system_id and password). */
export function smppConnectorConfig(port: number): Record<string, unknown> {
  return { name: 'smpp', type: 'smpp', smpp: { host: '127.0.0.1', port, systemId: 'test', password: 'secret' } };
}

export async function startPeer(kind: PeerKind): Promise<Peer> {
  if (kind === 'simulator') {
    return { kind, connector: { name: 'simulator', type: 'simulator' }, stop: async () => undefined };
  }
  const child = spawn(process.execPath, ['--import', 'tsx', SMSC_SIM, '--port', '0', '--receipt-delay-ms', '500'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4096)));
  const stop = async () => {
    child.kill('SIGTERM');
  };
  try {
    const port = await pollFor(async () => Number(/smpp:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]) || undefined, 20_000, 'the SMSC simulator');
    return { kind, connector: smppConnectorConfig(port), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
