/**
 * The router's whole firewall and NAT as one nftables table, rendered from the document and
 * loaded with `nft -f` (the "table; delete table; table {…}" preamble replaces it atomically).
 *
 * - Ingress (the seed's firewall rules): traffic from the public leg to a public IP, whether it
 *   ends at the router (haproxy) or is forwarded to a guest (port forwarding, static NAT), is
 *   accepted only when a firewall rule of that public IP allows its source, protocol and
 *   *public* port (`ct original …`, the address and port before DNAT), else refused.
 * - Egress: guest → public is decided by the egress rules; with the offering's default policy
 *   "allow" they list what is blocked, with "deny" what is allowed (CloudStack's semantics).
 * - NAT: port forwards and static NAT as DNAT on the public leg; static NAT's guest leaves by
 *   its own public IP, every other guest by the source NAT IP.
 * Refusals are rejects (TCP reset, ICMP admin-prohibited) so a client learns at once.
 */
import { GUEST_IF, NFT_TABLE, PUBLIC_IF } from './names.js';
import type { FwRule, RouterDoc } from './router-doc.js';

const REJECT = 'reject with icmp type admin-prohibited';
const set = (xs: string[]) => (xs.length === 1 ? xs[0]! : `{ ${xs.join(', ')} }`);
const range = ([lo, hi]: [number, number]) => (lo === hi ? String(lo) : `${lo}-${hi}`);
/** 0.0.0.0/0 matches everything: no source match at all. */
const sourceMatch = (cidrs: string[]) => {
  const real = cidrs.filter((c) => c !== '0.0.0.0/0');
  return real.length === 0 || real.length < cidrs.length ? '' : ` ip saddr ${set(real)}`;
};

/** Protocol, port and ICMP matches of a firewall rule; `original` matches the pre-DNAT port. */
function l4Match(r: FwRule, original: boolean): string {
  if (r.protocol === 'all') return '';
  if (r.protocol === 'icmp') {
    return ` meta l4proto icmp${r.icmpType !== undefined ? ` icmp type ${r.icmpType}` : ''}${r.icmpCode !== undefined ? ` icmp code ${r.icmpCode}` : ''}`;
  }
  if (!r.ports) return ` meta l4proto ${r.protocol}`;
  return original ? ` ct original protocol ${r.protocol} ct original proto-dst ${range(r.ports)}` : ` ${r.protocol} dport ${range(r.ports)}`;
}

function ingressRules(d: RouterDoc): string[] {
  return d.firewall.ingress.filter((r) => r.publicIp).map((r) =>
    `ct original ip daddr ${r.publicIp}${l4Match(r, true)}${sourceMatch(r.cidrs)} accept comment "fw ${r.id}"`);
}

function egressRules(d: RouterDoc): string[] {
  const verdict = d.firewall.egress.defaultAllow ? REJECT : 'accept';
  const rules = d.firewall.egress.rules.map((r) => `${sourceMatch(r.cidrs)}${l4Match(r, false)} ${verdict} comment "egress ${r.id}"`.trim());
  return [...rules, d.firewall.egress.defaultAllow ? 'accept' : REJECT];
}

function dnatRules(d: RouterDoc): string[] {
  const out: string[] = [];
  for (const f of d.portForwards) {
    const src = sourceMatch(f.cidrs);
    const head = `iifname "${PUBLIC_IF}" ip daddr ${f.publicIp}${src} ${f.protocol} dport ${range(f.publicPorts)}`;
    const shift = f.privatePorts[0] - f.publicPorts[0];
    if (shift === 0) out.push(`${head} dnat to ${f.privateIp} comment "pf ${f.id}"`);
    else if (f.publicPorts[0] === f.publicPorts[1]) out.push(`${head} dnat to ${f.privateIp}:${f.privatePorts[0]} comment "pf ${f.id}"`);
    else {
      // A shifted range maps port by port (nft has no offset mapping on this kernel/nft pair).
      const pairs = [];
      for (let p = f.publicPorts[0]; p <= f.publicPorts[1]; p++) pairs.push(`${p} : ${p + shift}`);
      out.push(`${head} dnat to ${f.privateIp} : ${f.protocol} dport map { ${pairs.join(', ')} } comment "pf ${f.id}"`);
    }
  }
  for (const s of d.staticNat) out.push(`iifname "${PUBLIC_IF}" ip daddr ${s.publicIp} dnat to ${s.privateIp} comment "static nat"`);
  return out;
}

function snatRules(d: RouterDoc): string[] {
  const out = d.staticNat.map((s) => `oifname "${PUBLIC_IF}" ip saddr ${s.privateIp} snat to ${s.publicIp} comment "static nat"`);
  if (d.sourceNat) out.push(`oifname "${PUBLIC_IF}" ip saddr ${d.network.cidr} snat to ${d.sourceNat} comment "source nat"`);
  return out;
}

const chain = (name: string, head: string | null, rules: string[]) =>
  [`  chain ${name} {`, ...(head ? [`    ${head}`] : []), ...rules.map((r) => `    ${r}`), '  }'].join('\n');

/** The `nft -f` input that replaces the router's table; `hasPublic` is false for a router without a public leg. */
export function renderNftRuleset(d: RouterDoc, hasPublic: boolean): string {
  const guestIn = [
    `iifname "${GUEST_IF}" udp dport { 53, 67 } accept`,
    `iifname "${GUEST_IF}" tcp dport { 53, 80, 8080 } accept`,
    `iifname "${GUEST_IF}" icmp type echo-request accept`,
  ];
  const base = ['ct state established,related accept', 'ct state invalid drop'];
  const body = [
    chain('prerouting', 'type nat hook prerouting priority dstnat; policy accept;', hasPublic ? dnatRules(d) : []),
    chain('postrouting', 'type nat hook postrouting priority srcnat; policy accept;', hasPublic ? snatRules(d) : []),
    chain('input', 'type filter hook input priority filter; policy drop;', [...base, 'iifname "lo" accept', ...guestIn, ...(hasPublic ? [`iifname "${PUBLIC_IF}" jump public_in`] : [])]),
    chain('forward', 'type filter hook forward priority filter; policy drop;', [
      ...base,
      ...(hasPublic ? [`iifname "${GUEST_IF}" oifname "${PUBLIC_IF}" jump egress`, `iifname "${PUBLIC_IF}" oifname "${GUEST_IF}" jump public_in`] : []),
    ]),
    chain('public_in', null, [...ingressRules(d), 'reject with tcp reset', REJECT]),
    chain('egress', null, egressRules(d)),
  ];
  return [`table ip ${NFT_TABLE}`, `delete table ip ${NFT_TABLE}`, `table ip ${NFT_TABLE} {`, body.join('\n'), '}', ''].join('\n');
}
