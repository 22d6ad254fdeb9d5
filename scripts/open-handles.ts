/**
 * What keeps a test run alive, in words: the servers, sockets, child
 * processes and intervals still open and referenced, each with where in
 * src/ or test/ it was opened when that is known. Node lists the handles
 * (process._getActiveHandles, undocumented but stable since Node 0.x) and
 * the kinds of all resources (getActiveResourcesInfo); where a server or an
 * interval came from is recorded as it is made: servers are few and
 * intervals fewer, so only those two are wrapped, not every timer.
 */
import net from 'node:net';

interface RefHandle {
  _handle?: { hasRef?: () => boolean } | null;
  hasRef?: () => boolean;
}

export interface HandleTracker {
  /** One line per thing still keeping the process alive. */
  describe(): string[];
}

export function trackHandles(): HandleTracker {
  const made = new WeakMap<object, string>();
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (this: net.Server, ...a: unknown[]) {
    made.set(this, origin());
    return (listen as (...x: unknown[]) => net.Server).apply(this, a);
  } as typeof listen;
  const intervals = new Map<NodeJS.Timeout, string>();
  const setInterval = globalThis.setInterval;
  const clearInterval = globalThis.clearInterval;
  globalThis.setInterval = ((...a: Parameters<typeof setInterval>) => {
    const t = setInterval(...a);
    intervals.set(t, origin());
    return t;
  }) as typeof setInterval;
  globalThis.clearInterval = ((t?: NodeJS.Timeout | string | number) => {
    if (t && typeof t === 'object') intervals.delete(t);
    clearInterval(t);
  }) as typeof clearInterval;
  return {
    describe: () => {
      const live = intervalLines(intervals);
      return [...handleLines(made), ...live, ...otherKinds(live.length)];
    },
  };
}

function handleLines(made: WeakMap<object, string>): string[] {
  const std: unknown[] = [process.stdin, process.stdout, process.stderr];
  const handles = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles();
  return handles.filter((h) => !std.includes(h) && referenced(h as RefHandle)).map((h) => {
    const where = made.get(h) ? `, opened ${made.get(h)}` : '';
    if (h instanceof net.Server) return `a server listening on ${address(h.address())}${where}`;
    if (h instanceof net.Socket) return `a socket ${address(h.address())} → ${h.remoteAddress ?? '?'}:${h.remotePort ?? '?'}`;
    const child = h as { spawnargs?: string[]; pid?: number };
    if (child.spawnargs) return `a child process, pid ${child.pid}: ${child.spawnargs.join(' ')}`;
    return `a ${h.constructor.name}`;
  });
}

function intervalLines(intervals: Map<NodeJS.Timeout, string>): string[] {
  const live = [...intervals].filter(([t]) => t.hasRef() && !(t as unknown as { _destroyed: boolean })._destroyed);
  return live.map(([, where]) => `an interval set ${where}`);
}

/** Resource kinds not named above (timeouts not yet run, file system requests), counted. */
function otherKinds(intervals: number): string[] {
  const named = new Set(['TCPServerWrap', 'TCPSocketWrap', 'TTYWrap', 'PipeWrap', 'ProcessWrap']);
  const counts = new Map<string, number>([['Timeout', -intervals]]);
  for (const k of process.getActiveResourcesInfo()) if (!named.has(k)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 0).map(([k, n]) => `${n} × ${k}`);
}

function referenced(h: RefHandle): boolean {
  if (typeof h.hasRef === 'function') return h.hasRef();
  return h._handle?.hasRef?.() ?? true;
}

function address(a: ReturnType<net.Server['address']> | object | null): string {
  if (!a) return '(closed)';
  if (typeof a === 'string') return a;
  const { address: host, port } = a as net.AddressInfo;
  return `${host}:${port}`;
}

/** The first frames of the caller's stack in the project (not node_modules, not this file). */
function origin(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40; // a server is listened on deep inside smtp-server or fastify
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const frames = stack.split('\n').slice(1).map((l) => l.trim());
  const ours = frames.filter((l) => /\/(src|test|bench|scripts)\//.test(l) && !/node_modules|scripts\/(open-handles|run-tests)\./.test(l));
  return ours.slice(0, 3).join(' ← ').replaceAll(`${process.cwd()}/`, '') || 'somewhere outside the project';
}
