/**
 * IPv4 arithmetic for ranges, gateways and netmasks. Pure functions over 32-bit unsigned
 * numbers; every parser returns `undefined` for malformed input instead of throwing.
 */

/** Parses dotted-quad notation strictly (four decimal octets, no leading zeros beyond "0"). */
export function parseIp(s: string): number | undefined {
  const parts = s.trim().split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export const isIp = (s: string) => parseIp(s) !== undefined;

/** Prefix length of a contiguous netmask ("255.255.255.0" → 24), undefined if not contiguous. */
export function netmaskToPrefix(mask: string): number | undefined {
  const n = parseIp(mask);
  if (n === undefined) return undefined;
  for (let len = 0; len <= 32; len++) if (prefixToMask(len) === n) return len;
  return undefined;
}

/** The mask of a prefix length as a number. */
export function prefixToMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

export function prefixToNetmask(len: number): string {
  return formatIp(prefixToMask(len));
}

export interface Cidr {
  /** Network address (host bits cleared). */
  network: number;
  prefix: number;
}

/** Parses "a.b.c.d/n"; `strict` also refuses host bits set in the address. */
export function parseCidr(s: string, strict = false): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m) return undefined;
  const ip = parseIp(m[1]!);
  const prefix = Number(m[2]);
  if (ip === undefined || prefix > 32) return undefined;
  const network = (ip & prefixToMask(prefix)) >>> 0;
  if (strict && network !== ip) return undefined;
  return { network, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.network)}/${c.prefix}`;
}

/** The CIDR of the subnet a gateway/netmask pair describes ("10.0.0.1","255.255.255.0" → 10.0.0.0/24). */
export function cidrOf(ip: string, netmask: string): string | undefined {
  const n = parseIp(ip);
  const prefix = netmaskToPrefix(netmask);
  if (n === undefined || prefix === undefined) return undefined;
  return formatCidr({ network: (n & prefixToMask(prefix)) >>> 0, prefix });
}

export function inCidr(ip: number, c: Cidr): boolean {
  return ((ip & prefixToMask(c.prefix)) >>> 0) === c.network;
}

/** Whether two IPs are in the same subnet of the given netmask. */
export function sameSubnet(a: string, b: string, netmask: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  const prefix = netmaskToPrefix(netmask);
  if (x === undefined || y === undefined || prefix === undefined) return false;
  const m = prefixToMask(prefix);
  return ((x & m) >>> 0) === ((y & m) >>> 0);
}

export interface IpRange {
  start: number;
  end: number;
}

export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function cidrRange(c: Cidr): IpRange {
  const size = 2 ** (32 - c.prefix);
  return { start: c.network, end: c.network + size - 1 };
}

export function rangeSize(r: IpRange): number {
  return r.end - r.start + 1;
}

/** Every address of a range, as strings (callers bound the size first). */
export function* ipsOf(r: IpRange): Generator<string> {
  for (let n = r.start; n <= r.end; n++) yield formatIp(n);
}
