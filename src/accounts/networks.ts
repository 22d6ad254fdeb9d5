import { BlockList, isIP } from 'node:net';

/**
 * Trusted networks: which account an unauthenticated connection belongs
 * to, by its source address. Pure over the list it is built from.
 */

export interface ParsedNetwork {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** "10.1.2.0/24", "::1/128" or a bare address (a /32 or /128) → its parts, or a sentence saying what is wrong. */
export function parseNetwork(text: string): ParsedNetwork | string {
  const [address, prefixText, ...rest] = text.trim().split('/');
  const version = isIP(address);
  if (!version || rest.length) return `"${text}" is not an IP address or CIDR range (like 10.1.2.0/24 or ::1/128)`;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max) return `"${text}": the prefix length must be 0 to ${max}`;
  return { address, prefix, family };
}

/** "::ffff:10.0.0.1" (an IPv4 client on a dual-stack socket) is the IPv4 address 10.0.0.1. */
export function plainAddress(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1] : ip;
}

/** Distinct client addresses whose answer is kept; past it the memo starts afresh (a scan from many addresses cannot grow it). */
const MEMO_LIMIT = 4096;

export class NetworkMap<T> {
  private readonly entries: Array<{ list: BlockList; value: T; prefix: number }> = [];
  // The answer per client address: BlockList.check builds a SocketAddress per range tried, and the same
  // address is looked up at the greeting, at connect and at every MAIL FROM of its session.
  private memo = new Map<string, T | undefined>();

  /** Networks must have been checked with parseNetwork; a more specific range wins over a wider one. */
  add(network: string, value: T): void {
    const n = parseNetwork(network);
    if (typeof n === 'string') throw new Error(n);
    const list = new BlockList();
    list.addSubnet(n.address, n.prefix, n.family);
    this.entries.push({ list, value, prefix: n.family === 'ipv4' ? n.prefix + 96 : n.prefix });
    this.entries.sort((a, b) => b.prefix - a.prefix);
    this.memo = new Map();
  }

  lookup(ip: string | undefined): T | undefined {
    if (!ip) return undefined;
    if (this.memo.has(ip)) return this.memo.get(ip);
    const address = plainAddress(ip);
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    const value = this.entries.find((e) => e.list.check(address, family))?.value;
    if (this.memo.size >= MEMO_LIMIT) this.memo = new Map();
    this.memo.set(ip, value);
    return value;
  }
}
