/**
 * The virtual router's desired configuration as one declarative JSON document, rendered from
 * a snapshot of a network's DB state. Pure and deterministic: every list is sorted, so equal
 * state gives byte-equal documents (the router push compares them to skip no-op updates).
 */

export interface RouterStateRule {
  id: string;
  purpose: 'Firewall' | 'Egress' | 'PortForwarding' | 'LoadBalancing' | 'StaticNat';
  publicIp: string | null;
  protocol: string;
  startPort: number | null;
  endPort: number | null;
  cidrs: string[];
  icmpType?: number | null;
  icmpCode?: number | null;
  /** PF: target guest IP and private ports. */
  vmIp?: string | null;
  destStart?: number | null;
  destEnd?: number | null;
  /** LB */
  name?: string | null;
  algorithm?: string | null;
  privatePort?: number | null;
  members?: string[];
  stickiness?: Array<{ name: string; method: string; params: Record<string, string> }>;
}

export interface RouterStateNic {
  ip: string;
  mac: string;
  hostName: string;
  vmUuid: string;
  isDefault: boolean;
  userData: string | null;
  password: string | null;
  serviceOffering: string;
  publicIp: string | null;
}

/** L2TP/IPsec remote access on the source NAT address; users are the network owner's. */
export interface RouterVpn {
  publicIp: string;
  ipRange: string;
  presharedKey: string;
  /** The router opens UDP 500, 4500 and 1701 on the address itself. */
  openFirewall: boolean;
  users: Array<{ username: string; password: string }>;
}

export interface RouterState {
  /**
   * 'router': the isolated network's gateway (NAT, firewall, forwards, LB, DHCP, DNS, metadata).
   * 'dhcp': a shared network's router, which only serves DHCP, DNS and metadata (the guests'
   * gateway is the network's own), so every NAT/firewall/LB section is empty.
   */
  role?: 'router' | 'dhcp';
  network: { uuid: string; cidr: string; gateway: string; netmask: string; vlan: string | null; domain: string | null; egressDefaultAllow: boolean };
  zone: { name: string; dns: string[] };
  addresses: Array<{ ip: string; sourceNat: boolean; staticNatTo: string | null }>;
  rules: RouterStateRule[];
  nics: RouterStateNic[];
  throttleMbps: number | null;
  /** Absent or null: no remote access VPN (the document then has no `vpn` key at all). */
  vpn?: RouterVpn | null;
}

const byStr = <T>(f: (x: T) => string) => (a: T, b: T) => (f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0);
const ipKey = (ip: string | null) => (ip ?? '').split('.').map((o) => o.padStart(3, '0')).join('.');
const ruleKey = (r: RouterStateRule) => `${ipKey(r.publicIp)}|${r.protocol}|${String(r.startPort ?? 0).padStart(5, '0')}|${r.id}`;

export function renderRouterDocument(state: RouterState): Record<string, unknown> {
  const role = state.role ?? 'router';
  const s: RouterState = role === 'dhcp' ? { ...state, addresses: [], rules: [] } : state;
  const rules = [...s.rules].sort(byStr(ruleKey));
  const of = (p: RouterStateRule['purpose']) => rules.filter((r) => r.purpose === p);
  const sourceNat = s.addresses.filter((a) => a.sourceNat).map((a) => a.ip).sort(byStr(ipKey))[0] ?? null;
  const fw = (r: RouterStateRule) => ({
    id: r.id, protocol: r.protocol, ...(r.publicIp ? { publicIp: r.publicIp } : {}),
    ...(r.startPort !== null ? { ports: [r.startPort, r.endPort ?? r.startPort] } : {}),
    ...(r.protocol === 'icmp' ? { icmpType: r.icmpType ?? -1, icmpCode: r.icmpCode ?? -1 } : {}),
    cidrs: [...r.cidrs].sort(),
  });
  return {
    version: 1,
    role,
    network: { id: s.network.uuid, cidr: s.network.cidr, gateway: s.network.gateway, netmask: s.network.netmask, vlan: s.network.vlan, domain: s.network.domain },
    publicIps: [...s.addresses].sort(byStr((a) => ipKey(a.ip))).map((a) => ({ ip: a.ip, sourceNat: a.sourceNat, ...(a.staticNatTo ? { staticNatTo: a.staticNatTo } : {}) })),
    sourceNat,
    firewall: {
      ingress: of('Firewall').map(fw),
      egress: { defaultAllow: s.network.egressDefaultAllow, rules: of('Egress').map(fw) },
    },
    portForwards: of('PortForwarding').map((r) => ({
      id: r.id, publicIp: r.publicIp, protocol: r.protocol, publicPorts: [r.startPort, r.endPort], privateIp: r.vmIp ?? null, privatePorts: [r.destStart ?? null, r.destEnd ?? null], cidrs: [...r.cidrs].sort(),
    })),
    staticNat: [...s.addresses].filter((a) => a.staticNatTo).sort(byStr((a) => ipKey(a.ip))).map((a) => ({ publicIp: a.ip, privateIp: a.staticNatTo })),
    loadBalancers: of('LoadBalancing').map((r) => ({
      id: r.id, name: r.name ?? r.id, publicIp: r.publicIp, protocol: r.protocol, publicPort: r.startPort, privatePort: r.privatePort ?? r.destStart ?? r.startPort,
      algorithm: r.algorithm ?? 'roundrobin', members: [...new Set(r.members ?? [])].sort(byStr(ipKey)), cidrs: [...r.cidrs].sort(),
      stickiness: [...(r.stickiness ?? [])].sort(byStr((x) => x.name)),
    })),
    dhcp: [...s.nics].sort(byStr((n) => ipKey(n.ip))).map((n) => ({ ip: n.ip, mac: n.mac, hostName: n.hostName, default: n.isDefault })),
    dns: { forwarders: [...s.zone.dns], domain: s.network.domain },
    metadata: [...s.nics].sort(byStr((n) => ipKey(n.ip))).map((n) => ({
      ip: n.ip, instanceId: n.vmUuid, vmId: n.vmUuid, localHostname: n.hostName, availabilityZone: s.zone.name, serviceOffering: n.serviceOffering,
      publicIp: n.publicIp ?? sourceNat, userData: n.userData, ...(n.password !== null ? { password: n.password } : {}),
    })),
    throttle: s.throttleMbps === null ? null : { mbps: s.throttleMbps },
    ...(s.vpn ? { vpn: { ...s.vpn, users: [...s.vpn.users].sort(byStr((u) => u.username)) } } : {}),
  };
}
