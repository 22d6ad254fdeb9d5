import { configSchema } from './schema.js';
import { ERROR_DEFS } from '../smtp/errors.js';

interface Node {
  type?: string;
  default?: unknown;
  description?: string;
  enum?: readonly unknown[];
  properties?: Record<string, Node>;
  minimum?: number;
  maximum?: number;
}

/** The README's configuration table, generated from the schema (test/config/reference.test.ts keeps them equal). */
export function configReference(): string {
  const rows: string[] = ['| key | default | meaning |', '| --- | --- | --- |'];
  const walk = (node: Node, path: string) => {
    for (const [k, child] of Object.entries(node.properties ?? {})) {
      if (k === '$schema') continue;
      const key = path ? `${path}.${k}` : k;
      if (child.type === 'object') {
        walk(child, key);
        continue;
      }
      const allowed = child.enum ? ` One of: ${child.enum.map((v) => `\`${String(v)}\``).join(', ')}.` : '';
      rows.push(`| \`${key}\` | \`${JSON.stringify(child.default)}\` | ${(child.description ?? '').replace(/\|/g, '\\|')}${allowed} |`);
    }
  };
  walk(configSchema as unknown as Node, '');
  return rows.join('\n');
}

/** The README's table of SMTP refusals, generated from the error registry. */
export function errorReference(): string {
  const rows = ['| reply | when |', '| --- | --- |'];
  for (const d of Object.values(ERROR_DEFS)) rows.push(`| \`${d.code} ${d.enhanced}\` | ${d.when} |`);
  return rows.join('\n');
}

/** README text with its generated blocks (`<!-- config:start -->` … and `<!-- errors:start -->` …) brought up to date. */
export function withGeneratedBlocks(readme: string): string {
  const put = (text: string, name: string, body: string) =>
    text.replace(new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`), (_m, a: string, b: string) => `${a}${body}\n${b}`);
  return put(put(readme, 'config', configReference()), 'errors', errorReference());
}
