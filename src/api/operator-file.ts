import { join } from 'node:path';

// Apart from server.ts: the CLI's status, cancel and hold read it, and importing the server loaded fastify for them.

/**
 * Where the running bridge's API is and the local operator's token, for the
 * CLI (mail2sms status, cancel): `<store.dir>/api.json`, mode 0600. Whoever
 * may read the store may act as admin from the command line; the token
 * changes at every start.
 */
export const operatorFile = (storeDir: string) => join(storeDir, 'api.json');

export interface OperatorFile {
  url: string;
  token: string;
  pid: number;
}
