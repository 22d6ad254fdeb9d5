/**
 * The inbound side of the HTTP connector: a small node:http listener that
 * takes delivery reports (GET query, POST form or POST JSON), checks the
 * shared secret and turns them into DeliveryReports — and, on their own
 * path, replies from handsets (InboundSms).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryReport, InboundSms } from '../types.js';
import type { HttpWebhookOptions } from './options.js';
import { jsonPath } from './request.js';

/** Reports are a handful of fields; anything bigger is not a report. */
const MAX_BODY = 64 * 1024;

export type FieldReader = (name: string) => string | undefined;
export type ParsedReport = { ok: true; report: DeliveryReport } | { ok: false; error: string };

/** Hashing both sides first gives equal-length buffers, so neither the secret's content nor its length leaks through timing. */
export function secretMatches(given: string | undefined, secret: string): boolean {
  if (given === undefined || secret === '') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

/** Body first (where aggregators put report fields), then the query (where our dlr_url put its own). */
export function fieldReader(query: URLSearchParams, body: URLSearchParams | unknown): FieldReader {
  return (name) => {
    let v: unknown = body instanceof URLSearchParams ? body.get(name) : jsonPath(body, name);
    if (v === null || v === undefined) v = query.get(name);
    return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  };
}

export function parseReport(hook: HttpWebhookOptions, read: FieldReader, at: Date): ParsedReport {
  const id = read(hook.idParam);
  if (!id) return { ok: false, error: `missing ${hook.idParam}` };
  const raw = read(hook.statusParam);
  const status = raw !== undefined && Object.hasOwn(hook.statusMap, raw) ? hook.statusMap[raw] : undefined;
  if (!status) return { ok: false, error: `unknown ${hook.statusParam} ${JSON.stringify(raw ?? null)}` };
  const reason = hook.reasonParam ? read(hook.reasonParam) : undefined;
  const ourId = hook.ourIdParam ? read(hook.ourIdParam) : undefined;
  return { ok: true, report: { connectorMessageId: id, status, at, ...(reason ? { reason } : {}), ...(ourId ? { ourId } : {}) } };
}

/** A reply from a handset: who sent it (as the aggregator writes the number), to what, and the text. */
export function parseInbound(mo: NonNullable<HttpWebhookOptions['mo']>, read: FieldReader, at: Date): { ok: true; sms: InboundSms } | { ok: false; error: string } {
  const from = read(mo.fromParam)?.trim();
  if (!from) return { ok: false, error: `missing ${mo.fromParam}` };
  const text = read(mo.textParam);
  if (text === undefined) return { ok: false, error: `missing ${mo.textParam}` };
  return { ok: true, sms: { from, to: read(mo.toParam)?.trim() ?? '', text, at } };
}

export class HttpFailure extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<URLSearchParams | unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpFailure(413, 'body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!/json/i.test(req.headers['content-type'] ?? '')) return new URLSearchParams(text);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpFailure(400, 'body is not JSON');
  }
}

export class WebhookServer {
  private server?: Server;

  constructor(
    private readonly hook: HttpWebhookOptions,
    private readonly emit: (r: DeliveryReport) => Promise<void>,
    private readonly now: () => Date,
    private readonly emitInbound: (m: InboundSms) => Promise<void> = async () => undefined,
  ) {}

  /** Starts listening; returns the local URL of the webhook path (the real port when 0 was asked for). */
  async listen(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.hook.listen.port, this.hook.listen.host, () => resolve());
    });
    const { address, port } = server.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    return `http://${host}:${port}${this.hook.path}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const got = await this.accept(req);
      // answered once what came is stored; a listener that fails answers 500, so the aggregator retries rather than it being lost
      await ('report' in got ? this.emit(got.report) : this.emitInbound(got.sms));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    } catch (e) {
      const status = e instanceof HttpFailure ? e.status : 500;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(e instanceof HttpFailure ? e.message : 'internal error');
    }
  }

  private async accept(req: IncomingMessage): Promise<{ report: DeliveryReport } | { sms: InboundSms }> {
    const url = new URL(req.url ?? '/', 'http://webhook.invalid');
    const mo = this.hook.mo && url.pathname === this.hook.mo.path ? this.hook.mo : undefined;
    if (!mo && url.pathname !== this.hook.path) throw new HttpFailure(404, 'not found');
    if (req.method !== 'GET' && req.method !== 'POST') throw new HttpFailure(405, 'method not allowed');
    const header = req.headers['x-webhook-secret'];
    const given = url.searchParams.get('secret') ?? (typeof header === 'string' ? header : undefined);
    // the secret is checked before the body is read, so strangers cannot make us buffer anything
    if (!secretMatches(given, this.hook.secret)) throw new HttpFailure(403, 'forbidden');
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    const read = fieldReader(url.searchParams, body);
    if (mo) {
      const parsed = parseInbound(mo, read, this.now());
      if (!parsed.ok) throw new HttpFailure(400, parsed.error);
      return { sms: parsed.sms };
    }
    const parsed = parseReport(this.hook, read, this.now());
    if (!parsed.ok) throw new HttpFailure(400, parsed.error);
    return { report: parsed.report };
  }
}
