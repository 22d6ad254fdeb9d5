import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestBridge } from './bridge.js';

/** The lines of a test bridge's audit log so far (every day's file), as an auditor reads them. */
export async function auditLines(b: TestBridge): Promise<Array<Record<string, unknown>>> {
  const dir = join(b.dir, 'audit');
  const files = await readdir(dir).catch(() => [] as string[]);
  const text = (await Promise.all(files.sort().map((f) => readFile(join(dir, f), 'utf8')))).join('');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}
