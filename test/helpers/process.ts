import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface BridgeProcess {
  child: ChildProcess;
  port: number;
  lines: Array<Record<string, unknown>>;
  stderr: string[];
  exited: Promise<number | null>;
}

/** Runs src/main.ts as its own process (so it can be killed for real) and waits for its `started` line. */
export async function spawnBridge(configPath: string, timeoutMs = 20000, nodeArgs: string[] = []): Promise<BridgeProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', MAIN, '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  let buf = '';
  const started = new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`bridge did not start: ${stderr.join('')}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          const o = JSON.parse(line) as Record<string, unknown>;
          lines.push(o);
          if (o.evt === 'started') {
            clearTimeout(t);
            resolve(Number(String(o.smtp).split(':').pop()));
          }
        } catch {
          stderr.push(line);
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
    void exited.then((code) => reject(new Error(`bridge exited with ${code}: ${stderr.join('')}`)));
  });
  return { child, port: await started, lines, stderr, exited };
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
export function runCli(args: string[], input = ''): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin!.end(input);
  });
}

const SMSC_CLI = fileURLToPath(new URL('../../src/connectors/smpp/smsc-sim-cli.ts', import.meta.url));

export interface SmscProcess {
  child: ChildProcess;
  port: number;
  /** Its JSON log lines so far (`submit`, `receipt`, `bound`…), in order. */
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** Runs the SMSC simulator CLI as its own process (so it can be killed for real) on a free port; resolves once it listens. */
export async function spawnSmsc(args: string[], timeoutMs = 20000): Promise<SmscProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SMSC_CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  let buf = '';
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`smsc-sim did not start: ${stderr.join('')}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.startsWith('{')) continue; // the sentence for people
        const o = JSON.parse(line) as Record<string, unknown>;
        lines.push(o);
        if (o.evt === 'listening') {
          clearTimeout(t);
          resolve(Number(o.port));
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
    void exited.then((code) => reject(new Error(`smsc-sim exited with ${code}: ${stderr.join('')}`)));
  });
  return { child, port, lines, exited };
}
