/**
 * Issue #8 bench: how long a namespace router (src/network/linux) takes to apply a document of
 * 100 rules (40 port forwards with their 40 firewall openings, 10 load balancers, 10 egress
 * rules; 20 guests), rendered by renderRouterDocument, in namespaces of its own (root only).
 * Figures: the first apply on a fresh router (median of three; nftables, dnsmasq, the metadata
 * server and haproxy all start), a changed document (median of alternating one-rule changes: nftables
 * reload) and a re-apply of the same document (median; nothing changes).
 */
import { renderRouterDocument, type RouterState, type RouterStateRule } from '../src/network/router/document.js';
import { netnsUnavailable } from '../test/helpers/netns-lab.js';
import { baseState, routerLab, routerStartNics } from '../test/helpers/router-lab.js';
import type { Bench } from './index.js';

const R = 'r-100-VM';
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** 100 rules over the lab's public IPs, `shift` moving one forward's port (a changed document). */
export function hundredRules(shift = 0): RouterState {
  const s = baseState();
  s.nics = Array.from({ length: 20 }, (_, i) => ({
    ip: `10.1.1.${10 + i}`, mac: `02:00:00:00:02:${(16 + i).toString(16)}`, hostName: `vm${i}`, vmUuid: `vm-${i}`, isDefault: true,
    userData: null, password: null, serviceOffering: 'Small', publicIp: null,
  }));
  const rules: RouterStateRule[] = [];
  for (let i = 0; i < 40; i++) {
    const port = 10000 + i + (i === 0 ? shift : 0);
    rules.push({ id: `pf${i}`, purpose: 'PortForwarding', publicIp: '203.0.113.11', protocol: 'tcp', startPort: port, endPort: port, cidrs: [], vmIp: `10.1.1.${10 + (i % 20)}`, destStart: 22, destEnd: 22 });
    rules.push({ id: `fw${i}`, purpose: 'Firewall', publicIp: '203.0.113.11', protocol: 'tcp', startPort: port, endPort: port, cidrs: ['198.51.100.0/24'] });
  }
  for (let i = 0; i < 10; i++) {
    rules.push({ id: `lb${i}`, purpose: 'LoadBalancing', publicIp: '203.0.113.13', protocol: 'tcp', startPort: 8000 + i, endPort: 8000 + i, cidrs: [], name: `lb${i}`,
      algorithm: ['roundrobin', 'leastconn', 'source'][i % 3]!, privatePort: 8080, members: [`10.1.1.${10 + i}`, `10.1.1.${20 + i}`] });
    rules.push({ id: `eg${i}`, purpose: 'Egress', publicIp: null, protocol: 'tcp', startPort: 2500 + i, endPort: 2500 + i, cidrs: [] });
  }
  s.rules = rules;
  return s;
}

export const ROUTER_APPLY_BENCH: Bench = {
  name: 'router-apply',
  description: 'namespace router: apply a 100-rule router document (first apply, changed, unchanged)',
  async run(log) {
    const why = await netnsUnavailable(['nft', 'dnsmasq', 'haproxy', 'tc']);
    if (why) throw new Error(`router-apply bench: ${why}`);
    const runs = Number(process.env['NIMBO_BENCH_ROUTER_RUNS'] ?? 10);
    const L = await routerLab();
    try {
      await L.routers.start(R, routerStartNics());
      const docs = [renderRouterDocument(hundredRules(0)), renderRouterDocument(hundredRules(1000))];
      const time = async (doc: Record<string, unknown>) => {
        const t0 = process.hrtime.bigint();
        const r = await L.routers.apply(R, doc);
        return { ms: Number(process.hrtime.bigint() - t0) / 1e6, changes: r.changes };
      };
      // A fresh router each time: every process starts.
      const firsts: number[] = [];
      for (let i = 0; i < 3; i++) {
        if (i > 0) {
          await L.routers.destroy(R);
          await L.routers.start(R, routerStartNics());
        }
        const f = await time(docs[0]!);
        if (f.changes.length !== 6) throw new Error(`a first apply changed only ${f.changes.join(', ')}`);
        firsts.push(f.ms);
      }
      const first = { ms: median(firsts) };
      log(`first apply ${firsts.map((x) => x.toFixed(0)).join(', ')} ms`);
      const changed: number[] = [];
      const same: number[] = [];
      for (let i = 1; i <= runs; i++) {
        const c = await time(docs[i % 2]!);
        if (c.changes.join() !== 'nftables') throw new Error(`a one-rule change touched ${c.changes.join(', ')}`);
        changed.push(c.ms);
        const s = await time(docs[i % 2]!);
        if (s.changes.length) throw new Error(`re-applying changed ${s.changes.join(', ')}`);
        same.push(s.ms);
      }
      log(`changed ${median(changed).toFixed(0)} ms, unchanged ${median(same).toFixed(0)} ms (medians of ${runs})`);
      return {
        metrics: [
          { name: 'first apply, 100 rules', value: Math.round(first.ms), unit: 'ms', goal: { op: '<', value: 1000 }, detail: 'median of 3 fresh routers: addresses, tc, nft -f, dnsmasq, metadata server and haproxy start' },
          { name: 'changed apply, 100 rules', value: Math.round(median(changed)), unit: 'ms', goal: { op: '<', value: 1000 }, detail: `median of ${runs}: one forward's port changes, nftables table replaced` },
          { name: 'unchanged re-apply, 100 rules', value: Math.round(median(same)), unit: 'ms', detail: `median of ${runs}: nothing to do (changed=false)` },
        ],
        info: { firstMs: firsts, changedMs: changed, sameMs: same },
      };
    } finally {
      await L.cleanup();
    }
  },
};
