/** A recording HTTP peer on 127.0.0.1 port 0 that plays the aggregator in the HTTP connector tests. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

/** hang: never answer (the client's timeout must fire); reset: drop the connection once the request was read (the answer is lost). */
export type Reply = { status: number; body?: string; type?: string; headers?: Record<string, string> } | 'hang' | 'reset';

export interface Loopback {
  /** e.g. `http://127.0.0.1:40123` */
  base: string;
  requests: Recorded[];
  /** How the next requests are answered; tests set it per case. */
  reply: (r: Recorded) => Reply | Promise<Reply>;
  close(): Promise<void>;
}

/**
 * A base URL where nothing listens: port 2 on loopback (1 is on fetch's list of ports it refuses), outside the range the kernel hands out for port 0, so no
 * server of a test running beside this one can take it (a closed port 0 server's port could be reused: http-faults F6
 * once met another test's server there under load).
 */
export const NOBODY_LISTENS = 'http://127.0.0.1:2';

export async function startLoopback(): Promise<Loopback> {
  const peer: Loopback = { base: '', requests: [], reply: () => ({ status: 200, body: '' }), close: async () => {} };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const rec: Recorded = { method: req.method ?? '', url: new URL(req.url ?? '/', peer.base), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    peer.requests.push(rec);
    const reply = await peer.reply(rec);
    if (reply === 'hang') return; // never answer: the client's timeout must fire
    if (reply === 'reset') return void req.socket.destroy();
    res.writeHead(reply.status, { 'content-type': reply.type ?? 'text/plain', ...reply.headers }).end(reply.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peer.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return peer;
}

/**
 * An http connector named `rest` to a JSON aggregator on `base` that names our
 * id in its delivery reports (webhook.ourIdParam `ref`, put on the dlr URL),
 * with `statusMap` for its report states: the late-report and restore tests'.
 */
export function ourIdRestConnector(base: string, secret: string, statusMap: Record<string, string>) {
  return {
    name: 'rest', type: 'http',
    http: {
      url: `${base}/v1/messages`,
      body: { type: 'json', fields: { to: '{{to}}', text: '{{text}}', callback: '{{dlr_url}}' } },
      response: { messageIdFrom: { type: 'json', path: 'messages.0.id' } },
      webhook: {
        enabled: true, listen: { port: 0 }, secret, dlrUrlQuery: { ref: '{{id}}' },
        idParam: 'message.id', statusParam: 'message.status', ourIdParam: 'ref', statusMap,
      },
    },
  };
}
