/**
 * The benchmark's mail: what an ERP sends for a payment reminder, one
 * recipient, a text of about 300 bytes (two GSM-7 segments), no Message-ID in
 * the smtp-source file (it sends the same file every time and the bridge
 * would rightly drop repeats), a unique one from the Node load generator.
 */
export const FROM = 'erp@acme.test';
export const TO = '+4915112345678@sms.localhost';

/** The i-th of 100,000 German mobile numbers, for runs that reach many customers. */
export const customerAddress = (i: number): string => `+49151${20_000_000 + (i % 100_000)}@sms.localhost`;

export const TEXT =
  'Sehr geehrte Kundin, sehr geehrter Kunde, unsere Rechnung 2026-1234 vom 01.11. ueber 149,90 EUR ist seit dem 15.11. faellig. ' +
  'Bitte ueberweisen Sie den Betrag bis zum 30.11. auf das bekannte Konto. Haben Sie bereits gezahlt, betrachten Sie diese Nachricht ' +
  'als gegenstandslos. Ihr Team Buchhaltung';

const HEADERS = [`From: Buchhaltung <${FROM}>`, `To: <${TO}>`, 'Subject: Zahlungserinnerung', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8'];

/** For `smtp-source -F`: LF line ends (it appends CRLF to each line). */
export function sourceFile(): string {
  return [...HEADERS, '', TEXT, ''].join('\n');
}

/** For the load generator: CRLF, unique Message-ID, optional extra headers (e.g. X-SMS-Send-At). */
export function mailBody(i: number, run: string, extra: string[] = []): Buffer {
  const date = new Date().toUTCString().replace('GMT', '+0000');
  return Buffer.from([...HEADERS, `Date: ${date}`, `Message-ID: <${run}.${i}@erp.acme.test>`, ...extra, '', TEXT, ''].join('\r\n'), 'utf8');
}
