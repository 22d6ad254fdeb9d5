import { configSchema } from './schema.js';
import { ERROR_DEFS } from '../smtp/errors.js';

interface Node {
  type?: string;
  default?: unknown;
  description?: string;
  enum?: readonly unknown[];
  properties?: Record<string, Node>;
  required?: readonly string[];
  items?: Node;
  oneOf?: readonly Node[];
  minimum?: number;
  maximum?: number;
}

/**
 * Every key of the schema with its path, in schema order: objects are walked
 * into, lists of objects as the list itself then `list[].key`, and the
 * branches of a list whose entries differ by type (connectors: oneOf by
 * `type`) after the keys they share, each key once.
 */
export function schemaKeys(root: Node = configSchema as unknown as Node): Array<{ key: string; node: Node; required: boolean }> {
  const out: Array<{ key: string; node: Node; required: boolean }> = [];
  const seen = new Set<string>();
  const walk = (node: Node, path: string) => {
    for (const [k, child] of Object.entries(node.properties ?? {})) {
      const key = path ? `${path}.${k}` : k;
      if (k === '$schema' || seen.has(key)) continue;
      seen.add(key);
      if (child.type === 'object' && child.properties) {
        walk(child, key);
        continue;
      }
      out.push({ key, node: child, required: node.required?.includes(k) ?? false });
      const items = child.type === 'array' ? child.items : undefined;
      if (items?.type !== 'object') continue;
      walk(items, `${key}[]`);
      for (const branch of items.oneOf ?? []) walk(branch, `${key}[]`);
    }
  };
  walk(root, '');
  return out;
}

/** The default column: a key inside a list entry without a default is either required or inherits (its description says from where). */
function defaultOf(node: Node, required: boolean): string {
  // A | inside a table cell ends the cell even within backticks (GitHub), so it is escaped there too.
  if ('default' in node) return `\`${JSON.stringify(node.default).replace(/\|/g, '\\|')}\``;
  return required ? '(required)' : '—';
}

/** The README's configuration table, generated from the schema (test/config/config.test.ts keeps them equal). */
export function configReference(): string {
  const rows: string[] = ['| key | default | meaning |', '| --- | --- | --- |'];
  for (const { key, node, required } of schemaKeys()) {
    const allowed = node.enum ? ` One of: ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}.` : '';
    rows.push(`| \`${key}\` | ${defaultOf(node, required)} | ${(node.description ?? '').replace(/\|/g, '\\|')}${allowed} |`);
  }
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
