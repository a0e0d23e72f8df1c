/**
 * End to end through the management server: a guest deployed on a `nimbo agent --driver qemu`
 * host implements its network, whose router becomes a network namespace on that host
 * (withNamespaceRouters); the server's pushed documents are applied there (the guest's static
 * lease, the source NAT address, a new port forward in nftables) and destroying the router
 * removes the namespace. The host side runs in a lab namespace (NIMBO_ROUTER_HOST_NETNS) and
 * the public range is 203.0.113.0/24. Root, QEMU and the router tools only; all three databases.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec } from '../../src/network/linux/exec.js';
import { tapName } from '../../src/drivers/qemu/qemu-args.js';
import { DHCP_MARKER } from '../../src/drivers/qemu/tiny-linux.js';
import { serialLog, typeOnConsole } from '../helpers/qemu-zone.js';
import type { RouterRecord } from '../../src/network/linux/linux-router.js';
import { livePids, netnsPids, terminate } from '../../src/network/linux/processes.js';
import { tinyLinuxParts } from '../../src/drivers/qemu/tiny-linux.js';
import { dialectsUnderTest } from '../helpers/databases.js';
import { netnsUnavailable } from '../helpers/netns-lab.js';
import { advancedZone } from '../helpers/guest-zone.js';
import { routerLab, type RouterLab } from '../helpers/router-lab.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/until.js';
import { VmFixtures } from '../helpers/vm-fixtures.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));
const parts = tinyLinuxParts();
const skip = (await netnsUnavailable(['nft', 'dnsmasq', 'haproxy', 'tc', 'qemu-system-x86_64'])) ?? (typeof parts === 'string' ? parts : false);

/** The routers the agent holds: their records under its data dir. */
const agentRouters = (dataDir: string): RouterRecord[] => {
  const dir = join(dataDir, 'routers', '0');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((d) => existsSync(join(dir, d, 'router.json'))).map((d) => JSON.parse(readFileSync(join(dir, d, 'router.json'), 'utf8')) as RouterRecord);
};
const routerFile = (dataDir: string, name: string, file: string) => {
  const p = join(dataDir, 'routers', '0', name, file);
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
};

for (const dialect of dialectsUnderTest()) {
  describe(`a qemu agent's virtual router is a namespace (${dialect})`, { skip, timeout: 300_000 }, () => {
    let s: TestServer;
    let L: RouterLab;
    let agent: ChildProcess | undefined;
    const root = mkdtempSync(join(tmpdir(), 'nimbo-vrouter-agent-'));
    const dataDir = join(root, 'agent');
    let zone = '', so = '', tpl = '';

    before(async () => {
      L = await routerLab();
      s = await startServer(dialect);
      const fx = new VmFixtures(s.app.db);
      await fx.init();
      const { z, p, c } = await advancedZone(s, { vlans: '600-609', hypervisor: 'KVM', publicNet: '203.0.113', dns1: '198.51.100.53' });
      zone = z.id;
      await s.admin.ok('createStoragePool', { name: 'sp', zoneid: z.id, podid: p.id, clusterid: c.id, url: `file://${join(root, 'primary')}` });
      await s.app.db.kysely.updateTable('storage_pools').set({ status: 'Up', capacity_bytes: 1024 ** 4 }).execute();
      await s.admin.ok('addImageStore', { provider: 'NFS', zoneid: z.id, url: `file://${join(root, 'secondary')}` });
      await s.admin.ok('addHost', { zoneid: z.id, podid: p.id, clusterid: c.id, url: 'http://kvm-r', hypervisor: 'KVM', username: 'root', password: 'vrouter-token' });
      agent = spawn(process.execPath, [BIN, 'agent', '--server', `127.0.0.1:${s.app.services.agents.port}`, '--driver', 'qemu', '--data-dir', dataDir, '--name-prefix', `kvm-r${L.lab.id}`], {
        env: { PATH: process.env['PATH'] ?? '', NIMBO_AGENT_TOKEN: 'vrouter-token', NIMBO_QEMU_ACCEL: 'tcg', NIMBO_QEMU_TB_SIZE: '32', NIMBO_ROUTER_HOST_NETNS: L.host },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      agent.stderr!.resume();
      await until('the agent Up', async () => (await s.admin.ok('listHosts', { state: 'Up' }))['count'] === 1, 30_000);
      tpl = (await until('the built-in template ready', async () => ((await s.admin.ok('listTemplates', { templatefilter: 'featured', zoneid: z.id }))['template'] ?? [])
        .find((t: any) => t.name === 'Nimbo Tiny Linux (default)' && t.isready), 120_000)).id;
      so = (await fx.serviceOffering({ cpu_number: 1, cpu_speed: 500, ram_size: 96 })).uuid;
    });

    after(async () => {
      agent?.kill('SIGKILL');
      // Guests and routers outlive their agent by design: stop what a failed run left, by pid file and namespace.
      const vms = join(dataDir, 'qemu', '0', 'vms');
      const qemu = existsSync(vms) ? readdirSync(vms).flatMap((v) => livePids(join(vms, v, 'qemu.pid'), dataDir)) : [];
      await terminate(qemu).catch(() => undefined);
      for (const r of agentRouters(dataDir)) {
        await terminate(await netnsPids(r.names.netns)).catch(() => undefined);
        await exec('ip', ['netns', 'del', r.names.netns]);
      }
      await s?.close();
      await L?.cleanup();
      rmSync(root, { recursive: true, force: true });
    });

    it('starts the network router as a namespace, applies pushed documents, and destroy removes it', async () => {
      const vm = (await s.admin.jobOk('deployVirtualMachine', { zoneid: zone, serviceofferingid: so, templateid: tpl, name: 'web1' }))['virtualmachine'];
      const net = vm.nic[0].networkid;
      const r = (await s.admin.ok('listRouters', { networkid: net, listall: true }))['router'][0];
      assert.equal(r.state, 'Running');
      const rec = agentRouters(dataDir).find((x) => x.instanceName === r.name);
      assert.ok(rec, `the agent holds router ${r.name}`);
      assert.equal(existsSync(`/run/netns/${rec.names.netns}`), true);
      assert.equal(rec.guest?.bridge, `nbr${(await s.app.db.kysely.selectFrom('networks').select('vlan').where('uuid', '=', net).executeTakeFirstOrThrow()).vlan}`);
      // The document pushed after the router started: the guest's static lease, the source NAT address on pub0.
      const nic = vm.nic[0];
      await until('the guest lease', async () => routerFile(dataDir, r.name, 'dns/dhcp-hosts').includes(`${nic.macaddress},${nic.ipaddress},web1,infinite`));
      assert.match((await exec('ip', ['-n', rec.names.netns, 'addr', 'show', 'dev', 'pub0'])).stdout, new RegExp(`inet ${r.publicip.replace(/\./g, '\\.')}/24`));
      // The guest's tap is a port of its network's bridge on the host, beside the router's leg.
      const ports = JSON.parse((await exec('ip', ['-n', L.host, '-j', 'link', 'show', 'master', rec.guest!.bridge])).stdout || '[]') as Array<{ ifname: string; operstate: string }>;
      assert.ok(ports.some((p) => p.ifname === tapName(`kvm-r${L.lab.id}-0`, nic.id)), `the guest's tap is on ${rec.guest!.bridge}: ${ports.map((p) => p.ifname).join(', ')}`);
      // The real guest asks DHCP on boot: the router's dnsmasq leases it its address and gateway,
      // and through the router it reaches the gateway and "the internet" (source NAT).
      const instance = (await s.app.db.kysely.selectFrom('vm_instances').select('instance_name').where('uuid', '=', vm.id).executeTakeFirstOrThrow()).instance_name;
      await until('the guest\'s DHCP lease', async () => serialLog(dataDir, instance).includes(`${DHCP_MARKER} eth0 ${nic.ipaddress} router ${nic.gateway}`), 180_000);
      await typeOnConsole(dataDir, instance, `ping -c 1 -W 5 ${nic.gateway} && echo GW-$((6*7))`);
      await until('the guest to reach its gateway', async () => serialLog(dataDir, instance).includes('GW-42'), 60_000);
      await typeOnConsole(dataDir, instance, 'ping -c 1 -W 5 198.51.100.53 && echo INET-$((6*7))');
      await until('the guest to reach the internet', async () => serialLog(dataDir, instance).includes('INET-42'), 60_000);

      const ip = (await s.admin.jobOk('associateIpAddress', { networkid: net }))['ipaddress'];
      await s.admin.jobOk('createPortForwardingRule', { ipaddressid: ip.id, protocol: 'tcp', publicport: 2222, privateport: 22, virtualmachineid: vm.id, openfirewall: true });
      await until('the forward in the router table', async () => {
        const t = (await exec('ip', ['netns', 'exec', rec.names.netns, 'nft', 'list', 'table', 'ip', 'nimbo'])).stdout;
        return t.includes(`ip daddr ${ip.ipaddress} tcp dport 2222 dnat to ${nic.ipaddress}:22`) && t.includes(`ct original ip daddr ${ip.ipaddress}`);
      });

      await s.admin.jobOk('destroyRouter', { id: r.id });
      assert.equal(existsSync(`/run/netns/${rec.names.netns}`), false, 'the namespace is gone');
      assert.equal(agentRouters(dataDir).length, 0, 'and its files');
      await s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
    });
  });
}
