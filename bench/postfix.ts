/**
 * A throwaway Postfix instance, the reference: its own main.cf, master.cf,
 * queue and data directories under a temp dir, smtpd on a loopback port only,
 * accepting mail for the SMS domain into its queue and keeping it there
 * (HOLD: nothing is delivered, so like the bridge's acceptance figure it
 * measures receiving and durably queueing). It logs to a file, as a real one
 * logs every message. Needs root (Postfix's master and its postfix user).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostfixInstance {
  port: number;
  /** The process started (`postfix start-fg`): its tree holds master, smtpd, cleanup and the rest. */
  pid: number;
  dir: string;
  /** Messages in its hold queue now. */
  queued(): Promise<number>;
  stop(): Promise<void>;
}

const SERVICES = `
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
proxymap  unix  - - n - - proxymap
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
showq     unix  n - n - - showq
`;

export async function startPostfix(port: number, domain: string): Promise<PostfixInstance> {
  if (userInfo().uid !== 0) throw new Error('Postfix needs root to run its master; run the benchmark as root');
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-bench-postfix-'));
  await chmod(dir, 0o755);
  const etc = join(dir, 'etc');
  const data = join(dir, 'data');
  await mkdir(etc);
  await mkdir(data);
  await mkdir(join(dir, 'queue'));
  const { stdout } = await run('id', ['-u', 'postfix']);
  await chown(data, Number(stdout.trim()), 0);
  await writeFile(join(etc, 'main.cf'), [
    'compatibility_level = 3.6',
    `queue_directory = ${dir}/queue`,
    `data_directory = ${data}`,
    'mail_owner = postfix',
    'setgid_group = postdrop',
    'myhostname = postfix.bench.test',
    `mydestination = ${domain}`,
    'local_recipient_maps =',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'mynetworks = 127.0.0.0/8',
    'smtpd_recipient_restrictions = permit_mynetworks, reject',
    // Queue it, never deliver it: the reference for "accepted into the queue".
    'smtpd_end_of_data_restrictions = check_client_access static:HOLD',
    'default_process_limit = 250',
    `maillog_file_prefixes = ${dir}`,
    `maillog_file = ${dir}/maillog`,
    'biff = no',
  ].join('\n') + '\n');
  await writeFile(join(etc, 'master.cf'), `127.0.0.1:${port} inet n - n - - smtpd\n${SERVICES}`);
  let master: ChildProcess | undefined;
  try {
    await run('postfix', ['-c', etc, 'check']);
    master = spawn('postfix', ['-c', etc, 'start-fg'], { stdio: 'ignore' });
    await waitForPort(port, 10_000);
  } catch (e) {
    // Postfix writes its reasons to its log file, not to the terminal.
    const log = await readFile(join(dir, 'maillog'), 'utf8').catch(() => '');
    master?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`Postfix did not start: ${(e as Error).message}\n${log.slice(-1500)}`);
  }
  const exited = new Promise<void>((r) => master!.once('exit', () => r()));
  return {
    port,
    pid: master!.pid!,
    dir,
    async queued() {
      return countFiles(join(dir, 'queue', 'hold'));
    },
    async stop() {
      await run('postfix', ['-c', etc, 'stop']).catch(() => master!.kill('SIGTERM'));
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) n += e.isDirectory() ? await countFiles(join(dir, e.name)) : 1;
  return n;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`Postfix did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
