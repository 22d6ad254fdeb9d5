import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One mail the relay took, as it came: the envelope, MAIL FROM's parameters (BODY=…), the bytes, and how the session was set up. */
export interface RelayMail {
  /** MAIL FROM's address; '' for the null sender <>. */
  from: string;
  to: string[];
  args: Record<string, unknown>;
  data: Buffer;
  /** The mail came over TLS (STARTTLS). */
  secure: boolean;
  /** Who logged in (AUTH), if anyone. */
  user?: string;
}

export interface TestRelay {
  port: number;
  received: RelayMail[];
  /** While true, MAIL FROM gets 451 (a relay that is busy for a while). */
  refusing: boolean;
  close(): Promise<void>;
}

export interface RelayOptions {
  /** false: 8BITMIME is not offered in the EHLO. */
  offers8bit?: boolean;
  /** Mail only after AUTH with these credentials; a wrong password gets 535. */
  auth?: { user: string; pass: string };
  /** STARTTLS offered with this key and certificate (PEM), and AUTH only after it; without, no STARTTLS and AUTH over plain text. */
  tls?: { key: string; cert: string };
}

/**
 * A real SMTP relay for the bridge's confirmations on 127.0.0.1, on a port of
 * its own choosing, keeping every mail it took. It answers what a relay
 * answers: smtp-server's own replies to AUTH before STARTTLS, MAIL FROM
 * before AUTH, and so on.
 */
export async function testRelay(o: RelayOptions = {}): Promise<TestRelay> {
  const relay: TestRelay = { port: 0, received: [], refusing: false, close: () => new Promise<void>((done) => server.close(() => done())) };
  const server = new SMTPServer({
    logger: false, disableReverseLookup: true, hide8BITMIME: o.offers8bit === false,
    authOptional: !o.auth, allowInsecureAuth: !o.tls,
    ...(o.tls ? { key: o.tls.key, cert: o.tls.cert } : { disabledCommands: ['STARTTLS'] }),
    onAuth(auth, _session, cb) {
      const ok = o.auth && auth.username === o.auth.user && auth.password === o.auth.pass;
      cb(ok ? null : Object.assign(new Error('Invalid username or password'), { responseCode: 535 }), ok ? { user: auth.username } : undefined);
    },
    onMailFrom(_address, _session, cb) {
      cb(relay.refusing ? Object.assign(new Error('relay busy, try again later'), { responseCode: 451 }) : undefined);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        relay.received.push({
          from: from ? from.address : '', to: session.envelope.rcptTo.map((r) => r.address), args: (from && from.args) || {},
          data: Buffer.concat(chunks), secure: session.secure, user: typeof session.user === 'string' ? session.user : undefined,
        });
        cb();
      });
    },
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  relay.port = (server.server.address() as AddressInfo).port;
  return relay;
}
