/**
 * Which live rule a new rule conflicts with, by CloudStack's rules (FirewallManagerImpl's
 * conflict detection), as a pure function so it is unit-tested apart from the database:
 * - a Firewall rule and a rule of another purpose or protocol never clash on ports;
 * - two Firewall rules (or two port forwards) clash only when they share a source CIDR
 *   (the same string, as CloudStack compares them);
 * - ICMP Firewall rules clash when type, code and a CIDR are the same (431, not 537);
 * - port-less rules of one protocol with a shared CIDR clash ("no ports");
 * - overlapping port ranges clash, except port forwards (or IP forwards) of different protocols;
 * - a static NAT (IP forwarding) rule and a forward of another purpose clash outright.
 * Callers pass the live rules of the same IP (ingress) or the same network (egress).
 */
export interface ConflictRule {
  uuid: string;
  purpose: string;
  protocol: string;
  start_port: number | null;
  end_port: number | null;
  icmp_type: number | null;
  icmp_code: number | null;
  cidrs: string[];
}

export interface Conflict {
  /** 'NetworkRuleConflict' (537) or 'InvalidParameter' (431) as CloudStack throws them. */
  kind: 'NetworkRuleConflict' | 'InvalidParameter';
  message: string;
}

const sharesCidr = (a: string[], b: string[]) => (a.length === 0 && b.length === 0) || a.some((c) => b.includes(c));

export function findConflict(n: ConflictRule, live: ConflictRule[]): Conflict | null {
  for (const o of live) {
    const sameProto = o.protocol.toLowerCase() === n.protocol.toLowerCase();
    const oneIsFirewall = (o.purpose === 'Firewall' || n.purpose === 'Firewall') && (o.purpose !== n.purpose || !sameProto);
    const bothFirewall = o.purpose === 'Firewall' && n.purpose === 'Firewall';
    const bothPf = o.purpose === 'PortForwarding' && n.purpose === 'PortForwarding';
    const dupCidrs = (bothFirewall || bothPf) && sharesCidr(o.cidrs, n.cidrs);
    if (!oneIsFirewall) {
      if (o.purpose === 'StaticNat' && n.purpose !== 'StaticNat') return { kind: 'NetworkRuleConflict', message: 'There is 1 to 1 Nat rule specified for the ip address' };
      if (o.purpose !== 'StaticNat' && n.purpose === 'StaticNat') return { kind: 'NetworkRuleConflict', message: 'There is already firewall rule specified for the ip address' };
    }
    if (n.protocol === 'icmp' && sameProto && bothFirewall && dupCidrs && (n.icmp_type ?? -1) === (o.icmp_type ?? -1) && (n.icmp_code ?? -1) === (o.icmp_code ?? -1)) {
      return { kind: 'InvalidParameter', message: `New rule conflicts with existing rule ${o.uuid}` };
    }
    const nullPorts = n.start_port === null && o.start_port === null;
    if (nullPorts && dupCidrs && bothFirewall && sameProto && n.protocol !== 'icmp') {
      return { kind: 'NetworkRuleConflict', message: `There is already a firewall rule specified with protocol = ${n.protocol} and no ports` };
    }
    if (n.start_port === null || o.start_port === null || oneIsFirewall) continue;
    if ((bothFirewall || bothPf) && !dupCidrs) continue;
    const nEnd = n.end_port ?? n.start_port;
    const oEnd = o.end_port ?? o.start_port;
    if (!(n.start_port <= oEnd && o.start_port <= nEnd)) continue;
    const allowed = (bothPf && !sameProto) || (o.purpose === 'StaticNat' && n.purpose === 'StaticNat' && !sameProto);
    if (!allowed) return { kind: 'NetworkRuleConflict', message: `The range specified, ${n.start_port}-${nEnd}, conflicts with rule ${o.uuid} which has ${o.start_port}-${oEnd}` };
  }
  return null;
}
