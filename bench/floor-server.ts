/**
 * `node --import tsx bench/floor-server.ts <journal file>`: the issue's
 * calibration pipeline, measured in the same run as the bridge and Postfix:
 * smtp-server, mailparser and a group-committed, fdatasynced JSON-lines
 * append before the 250, and nothing else — no accounts, numbers, options,
 * limits, duplicates, logs, dispatch or confirmations. What accepting a mail
 * durably costs at its least on this machine, so the bridge's distance to
 * Postfix can be split into what acceptance itself costs and what the
 * product does on top of it. Prints {"port": N} when listening on loopback.
 */
import { open } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const file = process.argv[2];
if (!file) throw new Error('usage: floor-server.ts <journal file>');
const journal = await open(file, 'a');

/** Lines waiting for the next write; one write and one fdatasync per batch, as the bridge's journal commits. */
let waiting: Array<{ line: string; done: (err?: Error) => void }> = [];
let writing = false;

async function commit(): Promise<void> {
  if (writing || !waiting.length) return;
  writing = true;
  const batch = waiting;
  waiting = [];
  try {
    await journal.write(batch.map((w) => w.line).join(''));
    await journal.datasync();
    for (const w of batch) w.done();
  } catch (err) {
    for (const w of batch) w.done(err as Error);
  }
  writing = false;
  void commit();
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, session, callback) {
    simpleParser(stream).then((mail) => {
      const line = JSON.stringify({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), subject: mail.subject, text: mail.text }) + '\n';
      waiting.push({ line, done: (err) => callback(err ?? null) });
      void commit();
    }, (err: Error) => callback(err));
  },
});

server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.server.address() as AddressInfo).port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
