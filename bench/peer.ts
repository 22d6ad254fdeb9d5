/**
 * The SMS peer the bridge sends to during the benchmark, and the connector
 * config that points the bridge at it.
 *
 * - `simulator` (default): the bridge's built-in simulator connector: no
 *   network, it writes a sent log and reports delivery after its delay.
 * - `smpp`: HOOK for when the SMPP connector is wired (another branch). It
 *   starts the real SMSC simulator (src/connectors/smpp/smsc-sim-cli.ts) on a
 *   loopback port; `smppConnectorConfig` must then return the connector
 *   section in the SMPP connector's schema. Until that exists the bridge
 *   would refuse the config, so the benchmark stops with a clear message
 *   instead of measuring something else.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pollFor } from './bridge.js';

export type PeerKind = 'simulator' | 'smpp';

export interface Peer {
  kind: PeerKind;
  /** The `connector` section of the bridge config. */
  connector: Record<string, unknown>;
  stop(): Promise<void>;
}

const SMSC_SIM = fileURLToPath(new URL('../src/connectors/smpp/smsc-sim-cli.ts', import.meta.url));

/** The connector section for the SMPP connector, once it exists; throws until then. */
export function smppConnectorConfig(port: number): Record<string, unknown> {
  throw new Error(`the SMPP connector is not wired into the bridge yet: fill in bench/peer.ts smppConnectorConfig() (SMSC simulator is on 127.0.0.1:${port})`);
}

export async function startPeer(kind: PeerKind): Promise<Peer> {
  if (kind === 'simulator') {
    return { kind, connector: { type: 'simulator' }, stop: async () => undefined };
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
