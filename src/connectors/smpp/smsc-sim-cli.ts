/**
 * The SMSC simulator on its own, for trying the bridge by hand:
 *
 *   node --import tsx src/connectors/smpp/smsc-sim-cli.ts --port 2775 \
 *     [--system-id test] [--password secret] [--id-format hex|decimal] \
 *     [--receipt-delay-ms 500] [--undeliv 4915100000001,...] \
 *     [--response-delay-ms 20] [--receipt-before-response] [--max-per-second 50] [--first-id N] [--quiet]
 *
 * Listens on 127.0.0.1 only, logs one JSON line per event (with --quiet
 * only connections, binds and problems, not every submit and receipt: the
 * benchmark's peer, whose log lines would cost more CPU than the SMPP work
 * on the machine's shared cores), keeps no records, and stops on
 * SIGINT/SIGTERM by closing every connection (no process.exit: the event
 * loop empties and node ends by itself).
 */
import { parseArgs } from 'node:util';
import { SmscSimulator, type IdFormat } from './smsc-simulator.js';

const USAGE = 'usage: smsc-sim-cli [--port N] [--system-id ID] [--password PW] [--id-format hex|decimal] [--receipt-delay-ms N] [--undeliv N1,N2]'
  + ' [--response-delay-ms N] [--receipt-before-response] [--max-per-second N] [--first-id N] [--quiet]';

/** The per-PDU events --quiet leaves out. */
const PER_PDU = new Set(['submit', 'receipt', 'receipt-answered']);

/** A non-negative number from a flag, or an error naming it. */
function amount(flag: string, value: string): number {
  const n = Number(value);
  if (value === '' || !Number.isFinite(n) || n < 0) throw new Error(`bad --${flag} ${value}`);
  return n;
}

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '2775' },
      'system-id': { type: 'string', default: 'test' },
      password: { type: 'string', default: 'secret' },
      'id-format': { type: 'string', default: 'hex' },
      'receipt-delay-ms': { type: 'string', default: '0' },
      undeliv: { type: 'string', default: '' },
      'response-delay-ms': { type: 'string', default: '0' },
      'receipt-before-response': { type: 'boolean', default: false },
      'max-per-second': { type: 'string' },
      'first-id': { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  const idFormat = values['id-format'];
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port ${values.port}`);
  if (idFormat !== 'hex' && idFormat !== 'decimal') throw new Error(`bad --id-format ${idFormat}`);
  const maxPerSecond = values['max-per-second'];
  // Ids from the clock by default: a restarted simulator does not hand out ids an earlier run gave to SMS still awaiting receipts.
  const firstId = values['first-id'] === undefined ? (Math.floor(Date.now() / 1000) * 1000) % 2 ** 32 : amount('first-id', values['first-id']);
  return {
    quiet: values.quiet,
    port,
    systemId: values['system-id'],
    password: values.password,
    firstId,
    behaviour: {
      idFormat: idFormat as IdFormat,
      receiptDelayMs: amount('receipt-delay-ms', values['receipt-delay-ms']),
      undelivNumbers: values.undeliv.split(',').filter((n) => n !== ''),
      responseDelayMs: amount('response-delay-ms', values['response-delay-ms']),
      receiptBeforeResponse: values['receipt-before-response'],
      ...(maxPerSecond === undefined ? {} : { maxPerSecond: amount('max-per-second', maxPerSecond) }),
    },
  };
}

async function main(): Promise<void> {
  let opts: ReturnType<typeof options>;
  try {
    opts = options(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { quiet, ...simOpts } = opts;
  const sim = new SmscSimulator({
    ...simOpts, keepRecords: false,
    log: (entry) => void (quiet && PER_PDU.has(entry.evt) ? undefined : console.log(JSON.stringify(entry))),
  });
  const { port } = await sim.start();
  console.log(`smsc-sim listening on smpp://127.0.0.1:${port} (system_id ${opts.systemId})`);
  const shutdown = (signal: string): void => {
    console.log(`smsc-sim: ${signal}, stopping`);
    void sim.stop();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

await main();
