import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const SMSC_CLI = fileURLToPath(new URL('../../src/connectors/smpp/smsc-sim-cli.ts', import.meta.url));

export interface BridgeProcess {
  child: ChildProcess;
  port: number;
  lines: Array<Record<string, unknown>>;
  stderr: string[];
  exited: Promise<number | null>;
}

/**
 * How long a spawned process may take to start before it counts as hung.
 * A start is waited for by what the process writes (its `started` or
 * `listening` line, or its exit), so this only ends a hang: 20 s, as it was,
 * ran out on a busy machine (a bridge that compiles its TypeScript with tsx
 * took longer at load 10 under nice), failing the fuzz suite's setup and
 * the kill -9 test.
 */
const HANG_MS = 120_000;

/**
 * Runs src/main.ts as its own process (so it can be killed for real) and waits for its `started` line. `env`: variables set
 * for it beside the test's own environment (a secret the config names, NODE_EXTRA_CA_CERTS for a relay's test certificate).
 */
export async function spawnBridge(configPath: string, timeoutMs = HANG_MS, nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<BridgeProcess> {
  const p = await spawnNode(MAIN, ['--config', configPath], 'bridge', (o) => (o.evt === 'started' ? Number(String(o.smtp).split(':').pop()) : undefined), timeoutMs, nodeArgs, env);
  return { child: p.child, port: p.ready, lines: p.lines, stderr: p.stderr, exited: p.exited };
}

/**
 * Runs the bridge on a config or store it must refuse and resolves, once the
 * process has exited, with the error its exit gave ("bridge exited with
 * <code>: <stderr>"): it waits for that exit however slow the machine is, and
 * fails if the bridge starts instead.
 */
export async function refusedStart(configPath: string, hangMs = HANG_MS): Promise<string> {
  let p: BridgeProcess;
  try {
    p = await spawnBridge(configPath, hangMs);
  } catch (e) {
    return (e as Error).message;
  }
  p.child.kill('SIGKILL');
  await p.exited;
  throw new Error(`the bridge started with ${configPath}, which it should have refused`);
}

/**
 * Runs a TypeScript entry point as its own process, collecting its JSON
 * log lines (others go with stderr); resolves once `ready` reads a value
 * from one of them, or rejects when the process ends or takes too long.
 * `nodeArgs` go to node itself (e.g. a heap limit).
 */
async function spawnNode(script: string, args: string[], what: string, ready: (line: Record<string, unknown>) => number | undefined, timeoutMs: number, nodeArgs: string[] = [], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  let buf = '';
  const value = new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL'); // a process that took too long is not left running
      reject(new Error(`${what} did not start within ${timeoutMs} ms: ${stderr.join('')}`));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          const o = JSON.parse(line) as Record<string, unknown>;
          lines.push(o);
          const v = ready(o);
          if (v !== undefined) {
            clearTimeout(t);
            resolve(v);
          }
        } catch {
          stderr.push(line);
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
    void exited.then((code) => reject(new Error(`${what} exited with ${code}: ${stderr.join('')}`)));
  });
  return { child, ready: await value, lines, stderr, exited };
}

/** A port that was free a moment ago (for a bridge that must come back on the same port after a restart). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/** Runs `mail2sms <args>` (a CLI command) as its own process, with `input` on standard input. */
/** `env`: variables set (a string) or removed (undefined) for this run, beside the test's own environment; `nodeArgs`: node's own options. */
export function runCli(args: string[], input = '', env: Record<string, string | undefined> = {}, nodeArgs: string[] = []): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin!.end(input);
  });
}

export interface SmscProcess {
  child: ChildProcess;
  port: number;
  /** Its JSON log lines so far (`submit`, `receipt`, `bound`…), in order. */
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** Runs the SMSC simulator CLI as its own process (so it can be killed for real) on a free port; resolves once it listens. */
export async function spawnSmsc(args: string[], timeoutMs = HANG_MS): Promise<SmscProcess> {
  const p = await spawnNode(SMSC_CLI, ['--port', '0', ...args], 'smsc-sim', (o) => (o.evt === 'listening' ? Number(o.port) : undefined), timeoutMs);
  return { child: p.child, port: p.ready, lines: p.lines, exited: p.exited };
}
