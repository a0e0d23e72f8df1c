/**
 * dnsmasq's files for a router: the main configuration (DHCP with static leases only, DNS on
 * the gateway address forwarding to the zone's resolvers) and two files dnsmasq re-reads on
 * SIGHUP: the static leases (`dhcp-hostsfile`) and the guests' names (`addn-hosts`). A change
 * of the main file needs a restart; a change of the other two only a SIGHUP.
 */
import { join } from 'node:path';
import { GUEST_IF } from './names.js';
import type { RouterDoc } from './router-doc.js';

export interface DnsmasqFiles {
  /** dnsmasq.conf */
  conf: string;
  /** dhcp-hosts: `mac,[set:nodefault,]ip[,name],infinite` per NIC. */
  dhcpHosts: string;
  /** hosts: `ip fqdn name` per named NIC. */
  hosts: string;
}

function netmaskOf(prefix: number): string {
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 255).join('.');
}

/** `dir` is where the router keeps dnsmasq's files (the paths are written into the config). */
export function renderDnsmasq(d: RouterDoc, dir: string): DnsmasqFiles {
  const gw = d.network.gateway;
  const netAddr = d.network.cidr.split('/')[0]!;
  const domain = d.dns.domain;
  const conf = [
    '# Rendered by Nimbo from the router document; replaced whole on change.',
    `interface=${GUEST_IF}`,
    'bind-interfaces',
    `listen-address=${gw}`,
    'no-resolv',
    'no-hosts',
    'no-poll',
    // Its files live in the agent's private data directory, which the unprivileged user
    // dnsmasq would switch to cannot read (SIGHUP re-reads them); the namespace is its jail.
    'user=root',
    ...d.dns.forwarders.map((f) => `server=${f}`),
    ...(domain ? [`domain=${domain}`, `local=/${domain}/`, 'expand-hosts'] : []),
    `addn-hosts=${join(dir, 'hosts')}`,
    `dhcp-hostsfile=${join(dir, 'dhcp-hosts')}`,
    // Static leases only (the seed's DHCP: every guest's address is chosen by the cloud).
    `dhcp-range=set:guest,${netAddr},static,${netmaskOf(d.network.prefix)},infinite`,
    `dhcp-option=tag:guest,option:router,${gw}`,
    `dhcp-option=tag:guest,option:dns-server,${gw}`,
    ...(domain ? [`dhcp-option=tag:guest,option:domain-name,${domain}`] : []),
    // A non-default NIC gets its address but neither gateway nor resolver (CloudStack does the same).
    'dhcp-option=tag:nodefault,option:router',
    'dhcp-option=tag:nodefault,option:dns-server',
    'dhcp-authoritative',
    `dhcp-leasefile=${join(dir, 'leases')}`,
    `pid-file=${join(dir, 'dnsmasq.pid')}`,
    `log-facility=${join(dir, 'dnsmasq.log')}`,
    '',
  ].join('\n');
  const dhcpHosts = d.dhcp.map((h) => [h.mac, ...(h.default ? [] : ['set:nodefault']), h.ip, ...(h.hostName ? [h.hostName] : []), 'infinite'].join(',')).join('\n');
  const hosts = d.dhcp.filter((h) => h.hostName).map((h) => `${h.ip} ${domain ? `${h.hostName}.${domain} ` : ''}${h.hostName}`).join('\n');
  return { conf, dhcpHosts: dhcpHosts ? `${dhcpHosts}\n` : '', hosts: hosts ? `${hosts}\n` : '' };
}
