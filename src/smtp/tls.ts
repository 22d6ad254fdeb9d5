import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { replaceFile } from '../store/durable.js';
import { selfSignedCertificate, type PemPair } from './self-signed.js';

/** What the TLS listeners use: the PEM pair and where it came from. */
export interface TlsMaterial extends PemPair {
  selfSigned: boolean;
  /** The certificate file, for logs. */
  file: string;
  fingerprint: string;
  validTo: string;
}

export interface TlsSource {
  /** Configured certificate and key files; both empty: the self-signed pair in `selfSignedDir`. */
  cert: string;
  key: string;
  selfSignedDir: string;
  hostname: string;
  now: () => Date;
}

/** A self-signed certificate this close to its end is replaced at start. */
const RENEW_BEFORE_MS = 30 * 86_400_000;

/**
 * Reads the configured certificate and key, checking that they belong
 * together (a mismatch would only show at the first client's handshake), or
 * the self-signed pair, generated on first use and kept so that clients that
 * pinned it keep working after a restart.
 */
export async function loadTls(src: TlsSource): Promise<TlsMaterial> {
  if (src.cert || src.key) {
    if (!src.cert || !src.key) throw new Error('smtp.tls.cert and smtp.tls.key must be given together');
    const [cert, key] = await Promise.all([readFile(resolve(src.cert), 'utf8'), readFile(resolve(src.key), 'utf8')]);
    return describe({ cert, key }, false, resolve(src.cert), resolve(src.key));
  }
  const certFile = join(src.selfSignedDir, 'self-signed.crt');
  const keyFile = join(src.selfSignedDir, 'self-signed.key');
  const existing = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]).catch(() => undefined);
  // A pair cut in half by a crash while it was written (key and certificate differ) is simply made again.
  const usable = existing ? tryDescribe({ cert: existing[0], key: existing[1] }, certFile, keyFile) : undefined;
  if (usable && Date.parse(usable.validTo) - src.now().getTime() > RENEW_BEFORE_MS) return usable;
  const pair = await selfSignedCertificate(src.hostname, src.now());
  await mkdir(src.selfSignedDir, { recursive: true, mode: 0o700 });
  await replaceFile(keyFile, pair.key, 0o600);
  await replaceFile(certFile, pair.cert, 0o644);
  return describe(pair, true, certFile, keyFile);
}

function tryDescribe(pair: PemPair, file: string, keyFile: string): TlsMaterial | undefined {
  try {
    return describe(pair, true, file, keyFile);
  } catch {
    return undefined;
  }
}

function describe(pair: PemPair, selfSigned: boolean, file: string, keyFile: string): TlsMaterial {
  // OpenSSL's own words ("error:0480006C:PEM routines::no start line") name neither the file nor what it should hold.
  const x = readPem(() => new X509Certificate(pair.cert), `the certificate ${file} cannot be read`, 'a PEM certificate (-----BEGIN CERTIFICATE-----)');
  const key = readPem(() => createPrivateKey(pair.key), `the key of the certificate ${file} cannot be read`, 'an unencrypted PEM private key', `smtp.tls.key ${keyFile}: `);
  if (!x.checkPrivateKey(key)) {
    throw new Error(`the key ${keyFile} (smtp.tls.key) does not belong to the certificate ${file} (smtp.tls.cert): give the key the certificate was issued for (certbot: privkey.pem beside fullchain.pem)`);
  }
  return { ...pair, selfSigned, file, fingerprint: x.fingerprint256, validTo: new Date(x.validTo).toISOString() };
}

function readPem<T>(read: () => T, what: string, want: string, source = ''): T {
  try {
    return read();
  } catch (e) {
    throw new Error(`${what} (${source}${(e as Error).message}): it must be ${want}`);
  }
}
