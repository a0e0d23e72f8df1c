/**
 * Validation of one authorizeSecurityGroupIngress/Egress request (SecurityGroupManagerImpl
 * authorizeSecurityGroupRule): protocol, ports or ICMP type/code, CIDRs. Pure functions, so
 * the checks and CloudStack's messages are unit-tested without a server.
 */
import { paramError } from '../../api/errors.js';
import { parseCidr } from '../infra/ipv4.js';

export interface RuleMatch {
  /** tcp | udp | icmp | all | an IP protocol number as text */
  protocol: string;
  startPort: number | null;
  endPort: number | null;
  icmpType: number | null;
  icmpCode: number | null;
}

export interface RuleRequest {
  protocol?: string | undefined;
  startPort?: number | undefined;
  endPort?: number | undefined;
  icmpType?: number | undefined;
  icmpCode?: number | undefined;
}

const NAMED = ['tcp', 'udp', 'icmp', 'all'];

/** Normalises and checks protocol, ports and ICMP fields; the default protocol is `all`. */
export function checkRuleMatch(r: RuleRequest): RuleMatch {
  const raw = (r.protocol ?? 'all').trim().toLowerCase();
  const numeric = /^\d+$/.test(raw) ? Number(raw) : undefined;
  if (!NAMED.includes(raw) && (numeric === undefined || numeric > 255)) throw paramError(`Invalid protocol ${r.protocol}`);
  // Protocol numbers CloudStack knows by name are stored by name.
  const protocol = numeric === 6 ? 'tcp' : numeric === 17 ? 'udp' : numeric === 1 ? 'icmp' : raw;
  if (protocol === 'icmp') {
    const t = r.icmpType;
    const c = r.icmpCode;
    if (t === undefined || c === undefined) throw paramError(`Invalid ICMP type/code specified, icmpType = ${t ?? null}, icmpCode = ${c ?? null}`);
    if (t === -1 && c !== -1) throw paramError('Invalid icmp code');
    if (t !== -1 && (t < 0 || t > 255)) throw paramError('Invalid icmp type');
    if (c !== -1 && (c < 0 || c > 15)) throw paramError('Invalid icmp code');
    if (r.startPort !== undefined || r.endPort !== undefined) throw paramError('Cannot specify startPort or endPort without specifying protocol');
    return { protocol, startPort: null, endPort: null, icmpType: t, icmpCode: c };
  }
  if (r.icmpType !== undefined || r.icmpCode !== undefined) throw paramError('Cannot specify icmpType or icmpCode for a non-ICMP protocol');
  if (protocol === 'tcp' || protocol === 'udp') {
    const s = r.startPort;
    let e = r.endPort;
    if (s === undefined || e === undefined) throw paramError(`Invalid port range specified, startPort = ${s ?? null}, endPort = ${e ?? null}`);
    if (s === 0 && e === 0) e = 65535;
    if (s > 65535 || e > 65535 || s < -1 || e < -1) throw paramError(`Invalid port numbers specified, startPort = ${s}, endPort = ${e}`);
    if (s > e) throw paramError(`Invalid port range specified, startPort = ${s}, endPort = ${e}`);
    if (s < 0 || e < 0) throw paramError(`Invalid port range specified, startPort = ${s}, endPort = ${e}`);
    return { protocol, startPort: s, endPort: e, icmpType: null, icmpCode: null };
  }
  // all or a bare protocol number: every port.
  if (r.startPort !== undefined || r.endPort !== undefined) throw paramError(`Cannot specify startPort or endPort for protocol ${protocol}`);
  return { protocol, startPort: null, endPort: null, icmpType: null, icmpCode: null };
}

/** Each CIDR checked; kept as written (clients such as Ansible match rules on the text), duplicates dropped. */
export function checkCidrs(cidrs: string[] | undefined): string[] {
  const out: string[] = [];
  for (const raw of cidrs ?? []) {
    const f = raw.trim();
    if (!parseCidr(f)) throw paramError(`Invalid cidr ${raw}`);
    if (!out.includes(f)) out.push(f);
  }
  return out;
}
