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

/** Keys documented in a table of their own next to their topic (README "SMPP connector settings"), by prefix. */
const OWN_TABLES: Record<string, { prefix: string; pointer: string }> = {
  smpp: { prefix: 'connectors[].smpp.', pointer: 'Settings of type smpp: see [SMPP connector settings](#smpp-connector-settings).' },
};

/** The README's configuration table, generated from the schema (test/config/config.test.ts keeps them equal); keys with a table of their own get one row pointing to it. */
export function configReference(): string {
  const rows: string[] = [];
  const pointed = new Set<string>();
  for (const k of schemaKeys()) {
    const own = Object.values(OWN_TABLES).find((t) => k.key.startsWith(t.prefix));
    if (!own) {
      rows.push(...keyRows([k], ''));
    } else if (!pointed.has(own.prefix)) {
      rows.push(`| \`${own.prefix}*\` | | ${own.pointer} |`);
      pointed.add(own.prefix);
    }
  }
  return ['| key | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The table of one group of keys (see OWN_TABLES), keys shown below their prefix's parent (`smpp.windowSize`). */
export function ownReference(name: keyof typeof OWN_TABLES): string {
  const { prefix } = OWN_TABLES[name]!;
  const parent = prefix.slice(0, prefix.slice(0, -1).lastIndexOf('.') + 1);
  const rows = keyRows(schemaKeys().filter(({ key }) => key.startsWith(prefix)), parent);
  return ['| key | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

function keyRows(keys: ReturnType<typeof schemaKeys>, strip: string): string[] {
  return keys.map(({ key, node, required }) => {
    const allowed = node.enum ? ` One of: ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}.` : '';
    return `| \`${key.slice(strip.length)}\` | ${defaultOf(node, required)} | ${(node.description ?? '').replace(/\|/g, '\\|')}${allowed} |`;
  });
}

/** The README's table of SMTP refusals, generated from the error registry. */
export function errorReference(): string {
  // The name is what the REST API and the metrics call a refusal (`title`, `recipients[].name`, `reason`): programs match on it.
  const rows = ['| reply | name | when |', '| --- | --- | --- |'];
  for (const [name, d] of Object.entries(ERROR_DEFS)) rows.push(`| \`${d.code} ${d.enhanced}\` | \`${name}\` | ${d.when} |`);
  return rows.join('\n');
}

/** README text with its generated blocks (`<!-- config:start -->` …, `<!-- errors:start -->` …, `<!-- smpp:start -->` …) brought up to date. */
export function withGeneratedBlocks(readme: string): string {
  const put = (text: string, name: string, body: string) =>
    text.replace(new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`), (_m, a: string, b: string) => `${a}${body}\n${b}`);
  return put(put(put(readme, 'config', configReference()), 'errors', errorReference()), 'smpp', ownReference('smpp'));
}
