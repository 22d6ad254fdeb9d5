import { configSchema } from './schema.js';
import { ERROR_DEFS } from '../smtp/errors.js';

interface Node {
  type?: string;
  default?: unknown;
  description?: string;
  enum?: readonly unknown[];
  properties?: Record<string, Node>;
  items?: Node;
  required?: readonly string[];
  minimum?: number;
  maximum?: number;
}

/** The default column: a key inside a list entry without a default is either required or inherits (its description says from where). */
function defaultOf(node: Node, required: boolean): string {
  // A | inside a table cell ends the cell even within backticks (GitHub), so it is escaped there too.
  if ('default' in node) return `\`${JSON.stringify(node.default).replace(/\|/g, '\\|')}\``;
  return required ? '(required)' : '—';
}

/** The README's configuration table, generated from the schema (test/config/reference.test.ts keeps them equal). */
export function configReference(): string {
  const rows: string[] = ['| key | default | meaning |', '| --- | --- | --- |'];
  const row = (key: string, node: Node, required: boolean) => {
    const allowed = node.enum ? ` One of: ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}.` : '';
    rows.push(`| \`${key}\` | ${defaultOf(node, required)} | ${(node.description ?? '').replace(/\|/g, '\\|')}${allowed} |`);
  };
  const walk = (node: Node, path: string) => {
    for (const [k, child] of Object.entries(node.properties ?? {})) {
      if (k === '$schema') continue;
      const key = path ? `${path}.${k}` : k;
      if (child.type === 'object' && child.properties) {
        walk(child, key);
      } else if (child.type === 'array' && child.items?.type === 'object') {
        // A list of named entries (accounts, connectors): the list itself, then each entry's keys as `list[].key`.
        row(key, child, false);
        walk(child.items, `${key}[]`);
      } else {
        row(key, child, (node.required ?? []).includes(k));
      }
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
