/**
 * Direct attached networking (the seed's "Direct Attached Networking"):
 * - untagged direct: a Basic zone has one shared guest network (optionally with security
 *   groups); its addresses come from per-pod untagged ranges, so a VM's address is taken from
 *   a pod's range when it is deployed and the VM always starts in that pod;
 * - tagged direct: in an Advanced zone an admin gives an account or a domain a zone VLAN and
 *   an IP range (`createVlanIpRange forvirtualnetwork=false vlan=… account=…`), which becomes
 *   a shared network of that owner (or uses `createNetwork` with a shared offering).
 * Untagged direct combines with nothing: a Basic zone has no public or tagged ranges and an
 * Advanced zone no untagged direct ones (checked where ranges and networks are created).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { forUpdate, insertId } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { QueryTemplate } from '../../db/prepared.js';

/** Every start asks (issue #5 bench): a template. */
const PINNED_POD = new QueryTemplate((k, $) => k.selectFrom('user_ip_addresses as i').innerJoin('vlans as v', 'v.id', 'i.vlan_id').select('v.pod_id')
  .where('i.vm_id', '=', $<number>('vmId')).where('v.vlan_type', '=', 'DirectAttached').where('v.pod_id', 'is not', null));
import { CloudError, paramError, permissionDenied } from '../../api/errors.js';
import { isRootAdmin, type Caller } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { Scoper } from '../identity/scope.js';
import { cidrOf } from '../infra/ipv4.js';
import type { NetworkOfferingService } from './offering.service.js';
import { macFor } from './network.queries.js';

export interface BasicPlacement {
  networkId: number;
  podId: number;
  /** The guest joins security groups when its network offers the SecurityGroup service. */
  securityGroups: boolean;
}

/** What a direct range needs for its network (the vlans row as the range service has it). */
export interface DirectRange {
  id: number; zoneId: number; tag: string; gateway: string; netmask: string; startIp: string; endIp: string;
  accountId: number | null; domainId: number | null; networkId: number | null;
}

export class DirectNetworkService {
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly scoper: Scoper,
    private readonly offerings: NetworkOfferingService,
  ) {}

  /** createNetwork in a Basic zone: its one shared, untagged, domain-wide guest network. */
  async createBasic(caller: Caller, p: { name: string; displayText?: string | undefined; networkOfferingId: number; zoneId: number; physicalNetworkId?: number | undefined; networkDomain?: string | undefined }): Promise<number> {
    if (!isRootAdmin(caller)) throw permissionDenied('Only Admin can create networks in a Basic zone');
    const off = await this.offerings.get(p.networkOfferingId);
    if (off.guest_type !== 'Shared') throw paramError('Only shared guest network can be created in Basic zone');
    const uuid = randomUUID();
    return this.db.kysely.transaction().execute(async (trx) => {
      const zone = await forUpdate(trx.selectFrom('zones').select(['id', 'name', 'network_domain']).where('id', '=', p.zoneId), this.db.dialect).executeTakeFirstOrThrow();
      const have = await trx.selectFrom('networks').select('id').where('zone_id', '=', zone.id).where('traffic_type', '=', 'Guest').where('removed', 'is', null).executeTakeFirst();
      if (have) throw paramError('Only one guest network is supported in Basic zone');
      const id = await insertId(trx, this.db.dialect, 'networks', {
        uuid, name: p.name, display_text: p.displayText ?? p.name, network_offering_id: off.id, zone_id: zone.id, physical_network_id: p.physicalNetworkId ?? null,
        account_id: 1, domain_id: 1, guest_type: 'Shared', traffic_type: 'Guest', cidr: null, gateway: null, netmask: null,
        vlan: 'untagged', broadcast_uri: 'vlan://untagged', state: 'Setup', network_domain: p.networkDomain ?? zone.network_domain ?? null,
        acl_type: 'Domain', start_ip: null, end_ip: null, restart_required: 0, created: Date.now(), removed: null,
      });
      // Ranges of the zone's pods made before the network belong to it.
      await trx.updateTable('vlans').set({ network_id: id }).where('zone_id', '=', zone.id).where('vlan_type', '=', 'DirectAttached').where('network_id', 'is', null).where('removed', 'is', null).execute();
      await this.events.record({ type: 'NETWORK.CREATE', description: `Created network ${p.name}`, userId: caller.userId, accountId: caller.accountId, domainId: 1, resourceType: 'Network', resourceUuid: uuid }, trx);
      return id;
    });
  }

  /**
   * Called by the range service inside its transaction. Basic zone: the range joins the zone's
   * guest network. Advanced zone, tagged, for an account or domain, no network named: the
   * range becomes that owner's shared network on the VLAN (the seed's tagged direct).
   */
  async adoptRange(trx: Kysely<Database>, caller: Caller, r: DirectRange): Promise<void> {
    if (r.networkId !== null) return;
    const zone = await trx.selectFrom('zones').select(['network_type', 'network_domain']).where('id', '=', r.zoneId).executeTakeFirstOrThrow();
    if (zone.network_type === 'Basic') {
      const n = await trx.selectFrom('networks').select('id').where('zone_id', '=', r.zoneId).where('traffic_type', '=', 'Guest').where('removed', 'is', null).executeTakeFirst();
      if (n) await trx.updateTable('vlans').set({ network_id: n.id }).where('id', '=', r.id).execute();
      return;
    }
    if (r.tag === 'untagged' || (r.accountId === null && r.domainId === null)) return;
    const off = await trx.selectFrom('network_offerings').select('id').where('name', '=', 'DefaultSharedNetworkOffering').where('removed', 'is', null).executeTakeFirstOrThrow();
    const owner = r.accountId !== null
      ? await trx.selectFrom('accounts').select(['id', 'account_name as name', 'domain_id']).where('id', '=', r.accountId).executeTakeFirstOrThrow()
      : { id: 1, name: 'domain', domain_id: r.domainId! };
    const vlan = r.tag.replace(/^vlan:\/\//, '');
    const used = await trx.selectFrom('networks').select('uuid').where('zone_id', '=', r.zoneId).where('vlan', '=', vlan).where('removed', 'is', null).executeTakeFirst();
    if (used) throw paramError(`Network with vlan ${vlan} already exists in the zone; add the range to it with networkid=${used.uuid}`);
    const uuid = randomUUID();
    const name = `${owner.name}-direct-${vlan}`;
    const id = await insertId(trx, this.db.dialect, 'networks', {
      uuid, name, display_text: `Tagged direct network on VLAN ${vlan}`, network_offering_id: off.id, zone_id: r.zoneId, physical_network_id: null,
      account_id: owner.id, domain_id: owner.domain_id, guest_type: 'Shared', traffic_type: 'Guest', cidr: cidrOf(r.gateway, r.netmask) ?? null, gateway: r.gateway,
      netmask: r.netmask, vlan, broadcast_uri: `vlan://${vlan}`, state: 'Setup', network_domain: zone.network_domain ?? null,
      acl_type: r.accountId !== null ? 'Account' : 'Domain', start_ip: r.startIp, end_ip: r.endIp, restart_required: 0, created: Date.now(), removed: null,
    });
    await trx.updateTable('vlans').set({ network_id: id }).where('id', '=', r.id).execute();
    await this.events.record({ type: 'NETWORK.CREATE', description: `Created network ${name}`, userId: caller.userId, accountId: r.accountId ?? caller.accountId, domainId: owner.domain_id, resourceType: 'Network', resourceUuid: uuid }, trx);
  }

  /**
   * A tagged direct range was deleted (its network has no guests: checked before): the shared
   * network made for it goes too once no range is left, since its addresses came from them.
   */
  async releaseRange(trx: Kysely<Database>, caller: Caller, r: DirectRange): Promise<void> {
    if (r.networkId === null || r.tag === 'untagged') return;
    const other = await trx.selectFrom('vlans').select('id').where('network_id', '=', r.networkId).where('removed', 'is', null).executeTakeFirst();
    if (other) return;
    const n = await trx.selectFrom('networks').select(['uuid', 'name', 'account_id', 'domain_id', 'start_ip', 'end_ip']).where('id', '=', r.networkId).where('removed', 'is', null).executeTakeFirst();
    // Only a network made from this range (createNetwork's own range lives on the network row).
    if (!n || n.start_ip !== r.startIp || n.end_ip !== r.endIp) return;
    await trx.updateTable('networks').set({ state: 'Destroy', removed: Date.now() }).where('id', '=', r.networkId).execute();
    await this.events.record({ type: 'NETWORK.DELETE', description: `Deleted network ${n.name} with its last IP range`, userId: caller.userId, accountId: n.account_id === 1 ? caller.accountId : n.account_id, domainId: n.domain_id, resourceType: 'Network', resourceUuid: n.uuid }, trx);
  }

  /** The zone's guest network and the pod a Basic-zone deploy takes its address from (checked in the request). */
  async placeBasic(zoneId: number, p: { networkIds?: number[] | undefined; podId?: number | undefined; clusterId?: number | undefined; hostId?: number | undefined }): Promise<BasicPlacement> {
    if (p.networkIds?.length) throw paramError("Can't specify network Ids in Basic zone");
    const k = this.db.kysely;
    const n = await k.selectFrom('networks').select(['id', 'network_offering_id']).where('zone_id', '=', zoneId).where('traffic_type', '=', 'Guest').where('removed', 'is', null).executeTakeFirst();
    if (!n) throw new CloudError('InsufficientCapacity', 'Unable to find a guest network in the Basic zone: create one with a shared network offering first', { scope: 'zone' });
    let podId = p.podId;
    if (podId === undefined && p.clusterId !== undefined) podId = (await k.selectFrom('clusters').select('pod_id').where('id', '=', p.clusterId).executeTakeFirst())?.pod_id;
    if (podId === undefined && p.hostId !== undefined) podId = (await k.selectFrom('hosts').select('pod_id').where('id', '=', p.hostId).executeTakeFirst())?.pod_id ?? undefined;
    let q = k.selectFrom('user_ip_addresses as i').innerJoin('vlans as v', 'v.id', 'i.vlan_id').select('v.pod_id')
      .where('v.zone_id', '=', zoneId).where('v.vlan_type', '=', 'DirectAttached').where('v.pod_id', 'is not', null).where('v.removed', 'is', null)
      .where('i.state', '=', 'Free').where('i.for_system_vms', '=', 0);
    if (podId !== undefined) q = q.where('v.pod_id', '=', podId);
    const free = await q.orderBy('v.pod_id').orderBy('i.id').executeTakeFirst();
    if (!free) throw new CloudError('InsufficientCapacity', `Insufficient address capacity: no free direct IP address in ${podId !== undefined ? 'the pod' : 'any pod of the zone'}`, { scope: podId !== undefined ? 'pod' : 'zone' });
    return { networkId: n.id, podId: free.pod_id!, securityGroups: await this.offerings.hasService(n.network_offering_id, 'SecurityGroup') };
  }

  /** In the deploy transaction: the lowest free address of the pod's ranges, and the VM's NIC with it. */
  async allocateBasic(trx: Kysely<Database>, vm: { id: number; accountId: number; domainId: number }, at: BasicPlacement): Promise<{ ip: string }> {
    const ip = await forUpdate(trx.selectFrom('user_ip_addresses as i').innerJoin('vlans as v', 'v.id', 'i.vlan_id')
      .select(['i.id', 'i.public_ip_address', 'v.gateway', 'v.netmask'])
      .where('v.pod_id', '=', at.podId).where('v.vlan_type', '=', 'DirectAttached').where('v.removed', 'is', null)
      .where('i.state', '=', 'Free').where('i.for_system_vms', '=', 0).orderBy('i.id').limit(1), this.db.dialect).executeTakeFirst();
    if (!ip) throw new CloudError('InsufficientCapacity', 'Insufficient address capacity: no free direct IP address in the pod', { scope: 'pod' });
    const took = await trx.updateTable('user_ip_addresses').set({ state: 'Allocated', account_id: vm.accountId, domain_id: vm.domainId, allocated: Date.now(), network_id: at.networkId, vm_id: vm.id })
      .where('id', '=', ip.id).where('state', '=', 'Free').executeTakeFirst();
    if (Number(took.numUpdatedRows) !== 1) throw new CloudError('InsufficientCapacity', 'The direct IP address was taken concurrently; try again', { scope: 'pod' });
    await insertId(trx, this.db.dialect, 'nics', {
      uuid: randomUUID(), vm_id: vm.id, network_id: at.networkId, ip_address: ip.public_ip_address, mac_address: macFor(vm.id, 0), netmask: ip.netmask,
      gateway: ip.gateway, device_id: 0, is_default: 1, state: 'Reserved', created: Date.now(), removed: null,
    });
    // The VM's address belongs to the pod: it is deployed, and always restarted, there.
    await trx.updateTable('vm_instances').set({ pod_id: at.podId }).where('id', '=', vm.id).execute();
    return { ip: ip.public_ip_address };
  }

  /** The pod a VM must start in (its address is from that pod's range), if any. */
  async pinnedPod(vmId: number): Promise<number | undefined> {
    const [r] = await PINNED_POD.execute(this.db.kysely, '', { vmId });
    return r?.pod_id ?? undefined;
  }

  /** Expunge: the VM's direct addresses are Free again. */
  async releaseVm(trx: Kysely<Database>, vmId: number): Promise<void> {
    await trx.updateTable('user_ip_addresses').set({ state: 'Free', account_id: null, domain_id: null, allocated: null, network_id: null, vm_id: null, vm_ip: null })
      .where('vm_id', '=', vmId).where('vlan_id', 'in', (eb) => eb.selectFrom('vlans').select('id').where('vlan_type', '=', 'DirectAttached')).execute();
  }
}
