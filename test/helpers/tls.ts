import { rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate, type PemPair } from '../../src/smtp/self-signed.js';

let shared: Promise<PemPair & { certFile: string; keyFile: string }> | undefined;

/**
 * One certificate for every test bridge of this test run, written once to a
 * temp dir (removed at exit): a new RSA key per bridge would add seconds.
 * Tests of the self-signed path itself set smtp.tls.cert and key to "".
 */
export function testCertificate(): Promise<PemPair & { certFile: string; keyFile: string }> {
  shared ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mail2sms-tls-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const pair = await selfSignedCertificate('mail2sms.localhost', new Date());
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    await writeFile(certFile, pair.cert);
    await writeFile(keyFile, pair.key, { mode: 0o600 });
    return { ...pair, certFile, keyFile };
  })();
  return shared;
}
