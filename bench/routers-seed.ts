/**
 * Seeds the routers bench fast with direct inserts (setup only; what the bench measures is
 * the real push path): per account one isolated network (implemented, own VLAN), two public
 * IPs (source NAT + one), two stopped guest VMs with NICs, ten port forwards and one LB rule
 * with both VMs as members on the second IP (each with the firewall opening openfirewall
 * makes), and its router VM row (Stopped) ready for RouterService.start.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../src/db/dialect.js';
import { insertId } from '../src/db/dialect.js';
import { macFor } from '../src/services/networks/network.queries.js';
import { linkLocalFor } from '../src/services/routers/router-rows.js';

export interface SeedOptions { zoneId: number; accounts: number; forwards: number; serviceOfferingId: number; routerOfferingId: number; guestOsId: number }

/** Creates the rows; answers the router VM ids. */
export async function seedRouterAccounts(db: Db, o: SeedOptions, log: (l: string) => void): Promise<number[]> {
  const k = db.kysely;
  const role = await k.selectFrom('roles').select('id').where('role_type', '=', 'User').orderBy('id').executeTakeFirstOrThrow();
  const offering = await k.selectFrom('network_offerings').select('id').where('name', '=', 'DefaultIsolatedNetworkOfferingWithSourceNatService').executeTakeFirstOrThrow();
  const free = await k.selectFrom('user_ip_addresses').select(['id', 'public_ip_address']).where('zone_id', '=', o.zoneId).where('state', '=', 'Free').orderBy('id').execute();
  if (free.length < 2 * o.accounts) throw new Error(`need ${2 * o.accounts} free public IPs, the zone has ${free.length}`);
  const routers: number[] = [];
  const now = Date.now();
  const t0 = performance.now();
  const PER_TX = 50;
  for (let base = 0; base < o.accounts; base += PER_TX) {
    await k.transaction().execute(async (trx) => {
      const ins = (table: Parameters<typeof insertId>[2], v: Record<string, unknown>) => insertId(trx, db.dialect, table, v);
      for (let i = base; i < Math.min(o.accounts, base + PER_TX); i++) {
        const accountId = await ins('accounts', { uuid: randomUUID(), account_name: `bench${i}`, type: 0, role_id: role.id, domain_id: 1, state: 'enabled', cleanup_needed: 0, created: now });
        const vlan = String(1000 + i);
        const networkId = await ins('networks', {
          uuid: randomUUID(), name: `bench${i}-network`, display_text: `bench${i}-network`, network_offering_id: offering.id, zone_id: o.zoneId, account_id: accountId, domain_id: 1,
          guest_type: 'Isolated', traffic_type: 'Guest', cidr: '10.1.1.0/24', gateway: '10.1.1.1', netmask: '255.255.255.0', vlan, broadcast_uri: `vlan://${vlan}`,
          state: 'Implemented', network_domain: 'cs2cloud.internal', acl_type: 'Account', restart_required: 0, created: now,
        });
        const [snat, ip] = [free[2 * i]!, free[2 * i + 1]!];
        for (const [a, sourceNat] of [[snat, 1], [ip, 0]] as const) {
          await trx.updateTable('user_ip_addresses').set({ state: 'Allocated', account_id: accountId, domain_id: 1, network_id: networkId, source_nat: sourceNat, allocated: now }).where('id', '=', a.id).execute();
        }
        const vms: number[] = [];
        for (const n of [1, 2]) {
          const vmId = await ins('vm_instances', {
            uuid: randomUUID(), name: `b${i}-vm${n}`, instance_name: `i-${accountId}-b${i}-vm${n}-VM`, display_name: `b${i}-vm${n}`, type: 'User', state: 'Stopped',
            account_id: accountId, domain_id: 1, zone_id: o.zoneId, service_offering_id: o.serviceOfferingId, guest_os_id: o.guestOsId, ha_enabled: 0, update_count: 0, state_changed: now, created: now,
          });
          await ins('nics', { uuid: randomUUID(), vm_id: vmId, network_id: networkId, ip_address: `10.1.1.${n + 1}`, mac_address: macFor(vmId, 0), netmask: '255.255.255.0', gateway: '10.1.1.1', device_id: 0, is_default: 1, state: 'Reserved', created: now });
          vms.push(vmId);
        }
        const rule = (v: Record<string, unknown>) => ins('firewall_rules', {
          uuid: randomUUID(), ip_address_id: ip.id, network_id: networkId, account_id: accountId, domain_id: 1, protocol: 'tcp', state: 'Active', traffic_type: 'Ingress', created: now, ...v,
        });
        const opening = async (related: number, port: number) => {
          const fw = await rule({ purpose: 'Firewall', start_port: port, end_port: port, related_id: related });
          await trx.insertInto('firewall_rule_cidrs').values({ rule_id: fw, cidr: '0.0.0.0/0' }).execute();
        };
        for (let f = 0; f < o.forwards; f++) {
          const n = f % 2;
          const pf = await rule({ purpose: 'PortForwarding', start_port: 2200 + f, end_port: 2200 + f, vm_id: vms[n], vm_ip: `10.1.1.${n + 2}`, dest_port_start: 22, dest_port_end: 22 });
          await opening(pf, 2200 + f);
        }
        const lb = await rule({ purpose: 'LoadBalancing', start_port: 80, end_port: 80, dest_port_start: 8080, dest_port_end: 8080, algorithm: 'leastconn', name: `web${i}` });
        await opening(lb, 80);
        await trx.insertInto('lb_vm_map').values(vms.map((vm_id) => ({ rule_id: lb, vm_id, created: now }))).execute();
        const uuid = randomUUID();
        const routerVm = await ins('vm_instances', {
          uuid, name: `r-pending-${uuid}`, instance_name: `r-pending-${uuid}`, type: 'DomainRouter', state: 'Stopped', account_id: accountId, domain_id: 1, zone_id: o.zoneId,
          service_offering_id: o.routerOfferingId, guest_os_id: o.guestOsId, ha_enabled: 1, update_count: 0, state_changed: now, created: now,
        });
        await trx.updateTable('vm_instances').set({ name: `r-${routerVm}-VM`, instance_name: `r-${routerVm}-VM` }).where('id', '=', routerVm).execute();
        await ins('domain_routers', { vm_id: routerVm, network_id: networkId, guest_ip: '10.1.1.1', public_ip_id: snat.id, link_local_ip: linkLocalFor(routerVm) });
        routers.push(routerVm);
      }
    });
    if ((base / PER_TX) % 10 === 9) log(`seeded ${Math.min(o.accounts, base + PER_TX)} accounts (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  return routers;
}
