import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { operatorFile, type OperatorFile } from '../api/server.js';
import type { Config } from '../config/types.js';

export type Fetch = typeof fetch;

/** A request to the running bridge's API as the local operator: status and JSON body (empty when it sent none). */
export type OperatorApi = (method: string, path: string) => Promise<{ status: number; body: Record<string, unknown> }>;

/**
 * The running bridge's API, reached with the token it keeps in
 * <store.dir>/api.json (the store has one writer, the bridge: commands that
 * read or change messages ask it). Undefined when no bridge wrote the file.
 */
export async function operatorApi(config: Config, fetchFn: Fetch = fetch): Promise<{ api: OperatorApi; url: string; file: string } | undefined> {
  const file = operatorFile(resolve(config.store.dir));
  const found = await readFile(file, 'utf8').then((t) => JSON.parse(t) as OperatorFile, () => undefined);
  if (!found) return undefined;
  const api: OperatorApi = async (method, path) => {
    const res = await fetchFn(found.url + path, { method, headers: { authorization: `Bearer ${found.token}` } });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: res.status, body };
  };
  return { api, url: found.url, file };
}
