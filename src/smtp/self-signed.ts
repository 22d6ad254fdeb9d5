import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

/**
 * A self-signed certificate for the first start without one. node-forge
 * builds and signs the X.509 structure (one dependency without dependencies
 * of its own, no global polyfills, nothing needed from the OS, so `npm ci &&
 * npm start` works on any machine); the RSA key itself is made by node:crypto,
 * natively and fast, since forge's own key generation is pure JavaScript.
 */
export interface PemPair {
  key: string;
  cert: string;
}

const DAY_MS = 86_400_000;

export async function selfSignedCertificate(hostname: string, now: Date, days = 825): Promise<PemPair> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // Random and positive, with a non-zero first octet (DER drops leading zeros), as RFC 5280 asks of serial numbers.
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x40;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - DAY_MS);
  cert.validity.notAfter = new Date(now.getTime() + days * DAY_MS);
  const name = [{ name: 'commonName', value: hostname }, { name: 'organizationName', value: 'mail2sms (self-signed)' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: hostname }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { key: privateKey, cert: forge.pki.certificateToPem(cert) };
}
