/**
 * haproxy's configuration for a router's load-balancer rules: one `listen` section per rule on
 * its public IP and port, balancing over the members' private port with the rule's algorithm
 * (`roundrobin`, `leastconn`, `source`) and stickiness policy (SourceBased in TCP mode;
 * LbCookie and AppCookie need HTTP mode). A rule's source CIDRs refuse other clients. Null
 * when there is no rule haproxy can serve (no process then).
 */
import { sectionName, type LoadBalancer, type RouterDoc, type Stickiness } from './router-doc.js';

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const DURATION = /^\d{1,9}(ms|s|m|h|d)?$/;
const SIZE = /^\d{1,9}[kmg]?$/i;
const pick = (p: Record<string, string>, k: string, re: RegExp, dflt: string) => (p[k] !== undefined && re.test(p[k]!) ? p[k]! : dflt);
const yes = (p: Record<string, string>, k: string) => /^(true|1|yes)$/i.test(p[k] ?? '');

/** The lines a stickiness policy adds to the section and whether it needs HTTP mode. */
function sticky(s: Stickiness | undefined): { http: boolean; lines: string[]; serverCookie: boolean } {
  if (!s) return { http: false, lines: [], serverCookie: false };
  const p = s.params;
  switch (s.method) {
    case 'SourceBased':
      return { http: false, serverCookie: false, lines: [`stick-table type ip size ${pick(p, 'tablesize', SIZE, '200k')} expire ${pick(p, 'expire', DURATION, '30m')}`, 'stick on src'] };
    case 'LbCookie': {
      const opts = ['nocache', 'indirect', 'postonly'].filter((o) => yes(p, o));
      const domain = p['domain'] !== undefined && /^[A-Za-z0-9.-]{1,253}$/.test(p['domain']) ? [`domain ${p['domain']}`] : [];
      const mode = ['insert', 'rewrite', 'prefix'].includes(p['mode'] ?? '') ? p['mode']! : 'insert';
      return { http: true, serverCookie: true, lines: [[`cookie ${pick(p, 'cookie-name', NAME, 'SRVID')}`, mode, ...opts, ...domain].join(' ')] };
    }
    case 'AppCookie': {
      const name = pick(p, 'cookie-name', NAME, 'JSESSIONID');
      return {
        http: true, serverCookie: false,
        lines: [`stick-table type string len ${pick(p, 'length', /^\d{1,4}$/, '52')} size 200k expire ${pick(p, 'holdtime', DURATION, '3h')}`,
          `stick on req.cook(${name})`, `stick store-response res.cook(${name})`],
      };
    }
    default:
      return { http: false, lines: [], serverCookie: false };
  }
}

function section(lb: LoadBalancer): string[] {
  const st = sticky(lb.stickiness[0]);
  const real = lb.cidrs.filter((c) => c !== '0.0.0.0/0');
  const lines = [
    `listen lb_${sectionName(lb.id)}`,
    `  bind ${lb.publicIp}:${lb.publicPort}`,
    `  mode ${st.http ? 'http' : 'tcp'}`,
    `  balance ${lb.algorithm}`,
    ...(real.length > 0 && real.length === lb.cidrs.length ? [`  tcp-request connection reject unless { src ${real.join(' ')} }`] : []),
    ...st.lines.map((l) => `  ${l}`),
    ...lb.members.map((m, i) => `  server m${i} ${m}:${lb.privatePort} check${st.serverCookie ? ` cookie m${i}` : ''}`),
  ];
  return lines;
}

/** `statsSocket`: haproxy's admin socket (sessions per member, for operators and tests). */
export function renderHaproxy(d: RouterDoc, statsSocket: string): string | null {
  const lbs = d.loadBalancers.filter((lb) => lb.protocol === 'tcp');
  if (lbs.length === 0) return null;
  return [
    '# Rendered by Nimbo from the router document; reloaded gracefully (-sf) on change.',
    'global',
    '  maxconn 4096',
    '  nbthread 1',
    `  stats socket ${statsSocket} mode 600 level user`,
    'defaults',
    '  timeout connect 5s',
    '  timeout client 1h',
    '  timeout server 1h',
    ...lbs.flatMap(section),
    '',
  ].join('\n');
}
