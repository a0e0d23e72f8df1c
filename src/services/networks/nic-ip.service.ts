/**
 * Secondary guest IPs of NICs (CloudStack addIpToNic / removeIpFromNic): taken from the NIC's
 * network like a NIC address (unique across NICs and secondary IPs, under the network's row
 * lock), usable as `vmguestip` of port forwards and static NAT. Events
 * NIC.SECONDARY.IP.ASSIGN / UNASSIGN commit with the change; the router hears after commit.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { forUpdate, insertId } from '../../db/dialect.js';
import type { NicSecondaryIpsTable } from '../../db/schema/networks.js';
import { CloudError, paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { Scoper } from '../identity/scope.js';
import { guestAddresses, usedGuestIps } from './network.queries.js';
import type { NetworkNotifier } from './notifier.js';
import type { Page } from '../paging.js';

export type SecondaryIpRow = Selectable<NicSecondaryIpsTable> & { nic_uuid: string; network_uuid: string; vm_uuid: string };

export class NicIpService {
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly scoper: Scoper,
    private readonly notifier: NetworkNotifier,
  ) {}

  /** The NIC of a live VM the caller may act on. */
  async nicOwned(caller: Caller, nicId: number) {
    const n = await this.db.kysely.selectFrom('nics as c').innerJoin('vm_instances as v', 'v.id', 'c.vm_id').innerJoin('domains as d', 'd.id', 'v.domain_id')
      .select(['c.id', 'c.uuid', 'c.network_id', 'c.vm_id', 'v.account_id', 'v.domain_id', 'd.path', 'v.state'])
      .where('c.id', '=', nicId).where('c.removed', 'is', null).where('v.removed', 'is', null).executeTakeFirst();
    if (!n) throw paramError('Unable to find nic by id');
    this.scoper.checkAccess(caller, { accountId: n.account_id, domainId: n.domain_id, domainPath: n.path }, 'nic');
    if (['Destroyed', 'Expunging', 'Error'].includes(n.state)) throw new CloudError('InvalidState', `The virtual machine of nic ${n.uuid} is ${n.state}`);
    return n;
  }

  /** addIpToNic's create step: the requested or the lowest free guest address of the NIC's network. */
  async add(caller: Caller, nicId: number, wanted?: string): Promise<SecondaryIpRow> {
    const nic = await this.nicOwned(caller, nicId);
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      const n = await forUpdate(trx.selectFrom('networks').select(['id', 'cidr', 'gateway', 'start_ip', 'end_ip']).where('id', '=', nic.network_id), this.db.dialect).executeTakeFirstOrThrow();
      if (!n.cidr) throw paramError('The network of the nic has no guest CIDR to take a secondary IP from');
      const used = await usedGuestIps(trx, n.id);
      let ip: string | undefined;
      if (wanted !== undefined) {
        if (![...guestAddresses(n.cidr, n.gateway, n.start_ip, n.end_ip)].includes(wanted)) throw paramError(`Invalid ip address ${wanted}: it is not in the network's range`);
        if (used.has(wanted)) throw new CloudError('InsufficientCapacity', `Unable to allocate secondary ip ${wanted}: it is in use in the network`, { scope: 'network' });
        ip = wanted;
      } else {
        for (const a of guestAddresses(n.cidr, n.gateway, n.start_ip, n.end_ip)) if (!used.has(a)) { ip = a; break; }
        if (ip === undefined) throw new CloudError('InsufficientCapacity', 'Unable to allocate a secondary ip: no free address left in the network', { scope: 'network' });
      }
      const uuid = randomUUID();
      const rid = await insertId(trx, this.db.dialect, 'nic_secondary_ips', { uuid, nic_id: nic.id, vm_id: nic.vm_id, network_id: n.id, ip_address: ip, account_id: nic.account_id, domain_id: nic.domain_id, created: Date.now() });
      await this.events.record({ type: 'NIC.SECONDARY.IP.ASSIGN', description: `Assigned secondary ip ${ip} to nic ${nic.uuid}`, userId: caller.userId, accountId: nic.account_id, domainId: nic.domain_id, resourceType: 'NicSecondaryIp', resourceUuid: uuid }, trx);
      return rid;
    });
    return this.get(id);
  }

  /** The create job: the router hears of the new address. */
  async apply(id: number): Promise<SecondaryIpRow> {
    const r = await this.get(id);
    await this.notifier.changed(r.network_id);
    return r;
  }

  async get(id: number): Promise<SecondaryIpRow> {
    const r = await this.db.kysely.selectFrom('nic_secondary_ips as s').innerJoin('nics as c', 'c.id', 's.nic_id').innerJoin('networks as n', 'n.id', 's.network_id').innerJoin('vm_instances as v', 'v.id', 's.vm_id')
      .selectAll('s').select(['c.uuid as nic_uuid', 'n.uuid as network_uuid', 'v.uuid as vm_uuid']).where('s.id', '=', id).executeTakeFirst();
    if (!r) throw paramError('Unable to find secondary ip by id');
    return r;
  }

  /** removeIpFromNic's check (in the request): the address must not be a forward's or a static NAT's target. */
  async checkRemove(caller: Caller, id: number): Promise<SecondaryIpRow> {
    const r = await this.get(id);
    await this.nicOwned(caller, r.nic_id);
    const rule = await this.db.kysely.selectFrom('firewall_rules').select('uuid').where('vm_id', '=', r.vm_id).where('vm_ip', '=', r.ip_address).where('removed', 'is', null).executeTakeFirst();
    if (rule) throw paramError(`Can't remove the secondary ip ${r.ip_address}: port forwarding rule ${rule.uuid} uses it`);
    const nat = await this.db.kysely.selectFrom('user_ip_addresses').select('public_ip_address').where('vm_id', '=', r.vm_id).where('vm_ip', '=', r.ip_address).where('one_to_one_nat', '=', 1).executeTakeFirst();
    if (nat) throw paramError(`Can't remove the secondary ip ${r.ip_address}: it is associated with the static NAT of public IP ${nat.public_ip_address}`);
    return r;
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const r = await this.checkRemove(caller, id);
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.deleteFrom('nic_secondary_ips').where('id', '=', r.id).execute();
      await this.events.record({ type: 'NIC.SECONDARY.IP.UNASSIGN', description: `Removed secondary ip ${r.ip_address} from nic ${r.nic_uuid}`, userId: caller.userId, accountId: r.account_id, domainId: r.domain_id, resourceType: 'NicSecondaryIp', resourceUuid: r.uuid }, trx);
    });
    await this.notifier.changed(r.network_id);
  }

  /**
   * listNics: the live NICs of a user VM the caller may see (431 when there is no such VM, 531
   * when it is another account's), each with its secondary IPs, optionally one NIC or network.
   */
  async nicsOfVm(caller: Caller, vmId: number, f: { nicId?: number | undefined; networkId?: number | undefined; keyword?: string | undefined }, page: Page) {
    const k = this.db.kysely;
    const vm = await k.selectFrom('vm_instances as v').innerJoin('domains as d', 'd.id', 'v.domain_id').select(['v.id', 'v.uuid', 'v.account_id', 'v.domain_id', 'd.path'])
      .where('v.id', '=', vmId).where('v.type', '=', 'User').where('v.removed', 'is', null).executeTakeFirst();
    if (!vm) throw paramError('Unable to find a virtual machine with specified vmId');
    this.scoper.checkAccess(caller, { accountId: vm.account_id, domainId: vm.domain_id, domainPath: vm.path }, 'virtual machine');
    let q = k.selectFrom('nics as c').innerJoin('networks as n', 'n.id', 'c.network_id')
      .select(['c.id', 'c.vm_id', 'c.uuid', 'c.ip_address', 'c.netmask', 'c.gateway', 'c.mac_address', 'c.is_default', 'c.device_id',
        'n.uuid as network_uuid', 'n.name as network_name', 'n.guest_type', 'n.traffic_type', 'n.broadcast_uri'])
      .where('c.vm_id', '=', vm.id).where('c.removed', 'is', null);
    if (f.nicId !== undefined) q = q.where('c.id', '=', f.nicId);
    if (f.networkId !== undefined) q = q.where('c.network_id', '=', f.networkId);
    if (f.keyword !== undefined) q = q.where('c.ip_address', 'like', `%${f.keyword.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
    const r = await page.run(q.orderBy('c.device_id'));
    const ids = r.rows.map((n) => n.id);
    const secondary = ids.length === 0 ? [] : await k.selectFrom('nic_secondary_ips').select(['uuid', 'nic_id', 'ip_address']).where('nic_id', 'in', ids).orderBy('id').execute();
    return {
      vmUuid: vm.uuid, count: r.count,
      rows: r.rows.map((n) => ({ ...n, secondary: secondary.filter((x) => x.nic_id === n.id).map((x) => ({ id: x.uuid, ipaddress: x.ip_address })) })),
    };
  }
}
