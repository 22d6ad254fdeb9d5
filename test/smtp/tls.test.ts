import { stat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildConfig, ConfigError } from '../../src/config/load.js';
import { selfSignedCertificate } from '../../src/smtp/self-signed.js';
import { startTestBridge, waitFor } from '../helpers/bridge.js';
import { spawnBridge } from '../helpers/process.js';

/** The fingerprint a fresh TLS client sees on a port with implicit TLS. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(s.getPeerX509Certificate()!.fingerprint256);
      s.destroy();
    });
    s.once('error', reject);
  });
}

async function writePair(dir: string): Promise<{ cert: string; key: string; fingerprint: string }> {
  const pair = await selfSignedCertificate('mail2sms.localhost', new Date());
  await writeFile(join(dir, 'cert.pem'), pair.cert);
  await writeFile(join(dir, 'key.pem'), pair.key, { mode: 0o600 });
  const { X509Certificate } = await import('node:crypto');
  return { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem'), fingerprint: new X509Certificate(pair.cert).fingerprint256 };
}

const T = suite('smtp tls');

T('self-signed :: made on the first start with a warning, key private, the same one after a restart; nodemailer verifies it', async () => {
  const b = await startTestBridge({ smtp: { tls: { cert: '', key: '' } } });
  let again: Awaited<ReturnType<typeof startTestBridge>> | undefined;
  try {
    assert.ok(b.tls?.selfSigned);
    assert.is(b.tls!.file, join(b.dir, 'tls', 'self-signed.crt'));
    assert.is((await stat(join(b.dir, 'tls', 'self-signed.key'))).mode & 0o777, 0o600);
    const warning = b.events.find((e) => e.evt === 'tls-self-signed');
    assert.match(String(warning?.warning), /configure smtp\.tls\.cert/);
    const ca = await readFile(b.tls!.file, 'utf8');
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: b.port, requireTLS: true, tls: { ca, servername: 'mail2sms.localhost' } });
    const info = await t.sendMail({ from: 'clerk@acme.test', to: '+4915112345611@sms.localhost', subject: 'x', text: 'Selbst signiert.' });
    assert.match(info.response, /^250 2\.0\.0 queued as/);
    await b.stop();
    again = await startTestBridge({ smtp: { tls: { cert: '', key: '' } } }, b.dir);
    assert.is(again.tls!.fingerprint, b.tls!.fingerprint, 'reused, so clients that pinned it keep working');
  } finally {
    await (again ?? b).stop().catch(() => undefined);
    await rm(b.dir, { recursive: true, force: true });
  }
});

T('reload :: a renewed certificate is served to the next client; unreadable files keep the old one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-tls-reload-'));
  const first = await writePair(dir);
  const b = await startTestBridge({ smtp: { tls: { implicit: true, port: 0, cert: first.cert, key: first.key } } });
  try {
    assert.is(await servedFingerprint(b.smtps!.port), first.fingerprint);
    const second = await writePair(dir);
    await b.reload();
    assert.is(await servedFingerprint(b.smtps!.port), second.fingerprint);
    assert.ok(b.events.some((e) => e.evt === 'tls-reloaded' && e.fingerprint === second.fingerprint));
    await writeFile(join(dir, 'key.pem'), 'not a key');
    await b.reload();
    assert.ok(b.events.some((e) => e.evt === 'tls-reload-failed'));
    assert.is(await servedFingerprint(b.smtps!.port), second.fingerprint);
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  }
});

T('SIGHUP :: the running process re-reads the certificate without a restart', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-tls-hup-'));
  const first = await writePair(dir);
  const config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify({ smtp: { port: 0, tls: { implicit: true, port: 0, cert: first.cert, key: first.key } }, api: { port: 0 }, store: { dir: join(dir, 'data') } }));
  const p = await spawnBridge(config);
  try {
    const smtps = Number(String(p.lines.find((l) => l.evt === 'started')!.smtps).split(':').pop());
    assert.is(await servedFingerprint(smtps), first.fingerprint);
    const second = await writePair(dir);
    p.child.kill('SIGHUP');
    await waitFor('tls-reloaded', () => p.lines.find((l) => l.evt === 'tls-reloaded'));
    assert.is(await servedFingerprint(smtps), second.fingerprint);
  } finally {
    p.child.kill('SIGTERM');
    await p.exited;
    await rm(dir, { recursive: true, force: true });
  }
});

T('config :: a certificate without its key is refused with the other problems', () => {
  try {
    buildConfig({ smtp: { tls: { cert: 'x.pem' }, auth: { plaintextNetworks: ['10.0.0.0/33'] } } }, 'bad.json');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as ConfigError).message, /smtp\.tls: cert and key must be given together/);
    assert.match((e as ConfigError).message, /smtp\.auth\.plaintextNetworks\[0\]: "10\.0\.0\.0\/33": the prefix length must be 0 to 32/);
  }
});

T.run();
