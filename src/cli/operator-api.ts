import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { OPERATOR_HEADER } from '../api/auth.js';
import { operatorFile, type OperatorFile } from '../api/operator-file.js';
import type { Config } from '../config/types.js';
import { operatorName } from './context.js';

export type Fetch = typeof fetch;

/** A request to the running bridge's API as the local operator: status and JSON body (empty when it sent none). */
export type OperatorApi = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;

/**
 * The running bridge's API, reached with the token it keeps in
 * <store.dir>/api.json (the store has one writer, the bridge: commands that
 * read or change messages ask it). Undefined when no bridge wrote the file.
 * `operator` (CliIo.operator) is sent as OPERATOR_HEADER: the bridge names
 * the person in what it records ("alice (as mail2sms)"), as the commands
 * that write the audit log themselves do, instead of "the operator".
 */
export async function operatorApi(config: Config, fetchFn: Fetch = fetch, operator?: string): Promise<{ api: OperatorApi; url: string; file: string } | undefined> {
  const file = operatorFile(resolve(config.store.dir));
  const found = await readFile(file, 'utf8').then((t) => JSON.parse(t) as OperatorFile, () => undefined);
  if (!found) return undefined;
  const api: OperatorApi = async (method, path, json) => {
    const headers: Record<string, string> = { authorization: `Bearer ${found.token}`, [OPERATOR_HEADER]: operatorName(operator) };
    if (json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetchFn(found.url + path, { method, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: res.status, body };
  };
  return { api, url: found.url, file };
}
