/**
 * The router document (src/network/router/document.ts) as the Linux router reads it: typed,
 * and checked field by field, because its values end up inside nftables, dnsmasq and haproxy
 * configuration files. Host names and stickiness parameters come from users; anything that
 * does not have the expected shape is left out (never written into a file), and a document
 * without a usable network is refused.
 */

export interface FwRule { id: string; protocol: string; publicIp?: string; ports?: [number, number]; icmpType?: number; icmpCode?: number; cidrs: string[] }
export interface PortForward { id: string; publicIp: string; protocol: 'tcp' | 'udp'; publicPorts: [number, number]; privateIp: string; privatePorts: [number, number]; cidrs: string[] }
export interface Stickiness { name: string; method: string; params: Record<string, string> }
export interface LoadBalancer {
  id: string; name: string; publicIp: string; protocol: string; publicPort: number; privatePort: number;
  algorithm: 'roundrobin' | 'leastconn' | 'source'; members: string[]; cidrs: string[]; stickiness: Stickiness[];
}
export interface DhcpEntry { ip: string; mac: string; hostName: string | null; default: boolean }
export interface MetadataEntry {
  ip: string; instanceId: string; vmId: string; localHostname: string; availabilityZone: string; serviceOffering: string;
  publicIp: string | null; userData: string | null; password?: string;
}

export interface RouterDoc {
  network: { id: string; cidr: string; prefix: number; gateway: string; domain: string | null };
  publicIps: Array<{ ip: string; sourceNat: boolean }>;
  sourceNat: string | null;
  firewall: { ingress: FwRule[]; egress: { defaultAllow: boolean; rules: FwRule[] } };
  portForwards: PortForward[];
  staticNat: Array<{ publicIp: string; privateIp: string }>;
  loadBalancers: LoadBalancer[];
  dhcp: DhcpEntry[];
  dns: { forwarders: string[]; domain: string | null };
  metadata: MetadataEntry[];
  throttleMbps: number | null;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const isIp = (v: unknown): v is string => typeof v === 'string' && IPV4.test(v);
export const isCidr = (v: unknown): v is string => {
  if (typeof v !== 'string') return false;
  const [ip, len, ...rest] = v.split('/');
  return rest.length === 0 && isIp(ip) && (len === undefined || (/^\d{1,2}$/.test(len) && Number(len) <= 32));
};
const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535;
/** DNS labels only: a host name becomes a line of dnsmasq's files. */
const HOST = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const DOMAIN = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
/** Ids and names that become haproxy section names or nft comments. */
const TOKEN = /^[A-Za-z0-9_.:-]{1,64}$/;

const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const cidrs = (v: unknown): string[] => arr(v).filter(isCidr);

function ports(v: unknown): [number, number] | null {
  const a = arr(v);
  if (!isPort(a[0])) return null;
  const hi = isPort(a[1]) ? a[1] : a[0];
  return hi >= a[0] ? [a[0], hi] : null;
}

function fwRule(v: unknown): FwRule | null {
  const r = obj(v);
  const id = str(r['id']);
  const protocol = str(r['protocol'])?.toLowerCase();
  if (!id || !TOKEN.test(id) || !protocol || !['tcp', 'udp', 'icmp', 'all'].includes(protocol)) return null;
  const out: FwRule = { id, protocol, cidrs: cidrs(r['cidrs']) };
  if (r['publicIp'] !== undefined) {
    if (!isIp(r['publicIp'])) return null;
    out.publicIp = r['publicIp'];
  }
  const p = ports(r['ports']);
  if (p && (protocol === 'tcp' || protocol === 'udp')) out.ports = p;
  if (protocol === 'icmp') {
    const t = Number(r['icmpType'] ?? -1), c = Number(r['icmpCode'] ?? -1);
    if (Number.isInteger(t) && t >= 0 && t <= 255) out.icmpType = t;
    if (Number.isInteger(c) && c >= 0 && c <= 255) out.icmpCode = c;
  }
  return out;
}

function portForward(v: unknown): PortForward | null {
  const r = obj(v);
  const id = str(r['id']), protocol = str(r['protocol'])?.toLowerCase();
  const pub = ports(r['publicPorts']), priv = ports(r['privatePorts']);
  if (!id || !TOKEN.test(id) || (protocol !== 'tcp' && protocol !== 'udp') || !isIp(r['publicIp']) || !isIp(r['privateIp']) || !pub || !priv) return null;
  if (pub[1] - pub[0] !== priv[1] - priv[0]) return null;
  return { id, publicIp: r['publicIp'], protocol, publicPorts: pub, privateIp: r['privateIp'], privatePorts: priv, cidrs: cidrs(r['cidrs']) };
}

function loadBalancer(v: unknown): LoadBalancer | null {
  const r = obj(v);
  const id = str(r['id']), algorithm = str(r['algorithm']) ?? 'roundrobin';
  if (!id || !TOKEN.test(id) || !isIp(r['publicIp']) || !isPort(r['publicPort']) || !isPort(r['privatePort'])) return null;
  if (algorithm !== 'roundrobin' && algorithm !== 'leastconn' && algorithm !== 'source') return null;
  const stickiness = arr(r['stickiness']).map(obj).flatMap((s) => {
    const name = str(s['name']), method = str(s['method']);
    const params = Object.fromEntries(Object.entries(obj(s['params'])).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return name && method ? [{ name, method, params }] : [];
  });
  return {
    id, name: str(r['name']) ?? id, publicIp: r['publicIp'], protocol: (str(r['protocol']) ?? 'tcp').toLowerCase(), publicPort: r['publicPort'],
    privatePort: r['privatePort'], algorithm, members: arr(r['members']).filter(isIp), cidrs: cidrs(r['cidrs']), stickiness,
  };
}

function metadataEntry(v: unknown): MetadataEntry | null {
  const r = obj(v);
  if (!isIp(r['ip'])) return null;
  const s = (k: string) => str(r[k]) ?? '';
  const out: MetadataEntry = {
    ip: r['ip'], instanceId: s('instanceId'), vmId: s('vmId'), localHostname: s('localHostname'), availabilityZone: s('availabilityZone'),
    serviceOffering: s('serviceOffering'), publicIp: isIp(r['publicIp']) ? r['publicIp'] : null, userData: str(r['userData']),
  };
  const pw = str(r['password']);
  if (pw !== null) out.password = pw;
  return out;
}

const keep = <T>(xs: unknown[], f: (v: unknown) => T | null): T[] => xs.map(f).filter((x): x is T => x !== null);

/** The typed document; throws when the network part (CIDR and gateway) is unusable. */
export function parseRouterDoc(raw: Record<string, unknown>): RouterDoc {
  const n = obj(raw['network']);
  const cidr = str(n['cidr']), gateway = n['gateway'];
  if (!cidr || !isCidr(cidr) || !cidr.includes('/') || !isIp(gateway)) throw new Error('router document: network.cidr and network.gateway must be an IPv4 CIDR and address');
  const domain = str(n['domain']);
  const fw = obj(raw['firewall']);
  const egress = obj(fw['egress']);
  const dns = obj(raw['dns']);
  const throttle = Number(obj(raw['throttle'])['mbps']);
  return {
    network: { id: str(n['id']) ?? '', cidr, prefix: Number(cidr.split('/')[1]), gateway, domain: domain && DOMAIN.test(domain) ? domain : null },
    publicIps: arr(raw['publicIps']).map(obj).filter((p) => isIp(p['ip'])).map((p) => ({ ip: p['ip'] as string, sourceNat: p['sourceNat'] === true })),
    sourceNat: isIp(raw['sourceNat']) ? raw['sourceNat'] : null,
    firewall: { ingress: keep(arr(fw['ingress']), fwRule), egress: { defaultAllow: egress['defaultAllow'] !== false, rules: keep(arr(egress['rules']), fwRule) } },
    portForwards: keep(arr(raw['portForwards']), portForward),
    staticNat: arr(raw['staticNat']).map(obj).filter((s) => isIp(s['publicIp']) && isIp(s['privateIp'])).map((s) => ({ publicIp: s['publicIp'] as string, privateIp: s['privateIp'] as string })),
    loadBalancers: keep(arr(raw['loadBalancers']), loadBalancer),
    dhcp: arr(raw['dhcp']).map(obj).filter((d) => isIp(d['ip']) && typeof d['mac'] === 'string' && MAC.test(d['mac'])).map((d) => ({
      ip: d['ip'] as string, mac: (d['mac'] as string).toLowerCase(), hostName: typeof d['hostName'] === 'string' && HOST.test(d['hostName']) ? d['hostName'] : null, default: d['default'] !== false,
    })),
    dns: { forwarders: arr(dns['forwarders']).filter(isIp), domain: domain && DOMAIN.test(domain) ? domain : null },
    metadata: keep(arr(raw['metadata']), metadataEntry),
    throttleMbps: Number.isFinite(throttle) && throttle > 0 ? throttle : null,
  };
}

/** A safe token for section names (haproxy) derived from an id. */
export const sectionName = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, '_');
