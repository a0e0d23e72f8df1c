/**
 * NICs of VMs on guest networks, for the VM area: `allocateNic` inside the deploy
 * transaction, `releaseNics` at expunge. Guest IPs are unique per network (the network row
 * is locked while one is picked); MACs are derived from the VM id and device number.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { forUpdate, insertId } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import type { NicsTable } from '../../db/schema/networks.js';
import { CloudError, paramError } from '../../api/errors.js';
import { guestAddresses, macFor, usedGuestIps } from './network.queries.js';

export type NicRow = Selectable<NicsTable>;

export class NicService {
  constructor(private readonly db: Db) {}

  /** Adds a NIC for `vmId` on `networkId` with the requested or the lowest free guest IP. */
  async allocateNic(trx: Kysely<Database>, p: { vmId: number; networkId: number; ip?: string | undefined; isDefault?: boolean | undefined }): Promise<NicRow> {
    const n = await forUpdate(trx.selectFrom('networks').select(['id', 'cidr', 'gateway', 'netmask', 'start_ip', 'end_ip', 'state']).where('id', '=', p.networkId).where('removed', 'is', null), this.db.dialect).executeTakeFirst();
    if (!n || !n.cidr) throw paramError('Unable to find network by id');
    const used = await usedGuestIps(trx, n.id);
    let ip: string | undefined;
    if (p.ip !== undefined) {
      const valid = [...guestAddresses(n.cidr, n.gateway, n.start_ip, n.end_ip)].includes(p.ip);
      if (!valid) throw paramError(`Requested ip address ${p.ip} is not in the network's range`);
      if (used.has(p.ip)) throw new CloudError('InsufficientCapacity', `The requested ip address ${p.ip} is not available in the network`, { scope: 'network' });
      ip = p.ip;
    } else {
      for (const a of guestAddresses(n.cidr, n.gateway, n.start_ip, n.end_ip)) if (!used.has(a)) { ip = a; break; }
      if (ip === undefined) throw new CloudError('InsufficientCapacity', 'Unable to allocate an IP address in the network: no free address left', { scope: 'network' });
    }
    const existing = await trx.selectFrom('nics').select('device_id').where('vm_id', '=', p.vmId).where('removed', 'is', null).execute();
    const deviceId = existing.length === 0 ? 0 : Math.max(...existing.map((e) => e.device_id)) + 1;
    const row = {
      uuid: randomUUID(), vm_id: p.vmId, network_id: n.id, ip_address: ip, mac_address: macFor(p.vmId, deviceId), netmask: n.netmask, gateway: n.gateway,
      device_id: deviceId, is_default: (p.isDefault ?? deviceId === 0) ? 1 : 0, state: 'Reserved', created: Date.now(), removed: null,
    };
    const id = await insertId(trx, this.db.dialect, 'nics', row);
    return { id, ...row };
  }

  /** Expunge: the VM's NICs are removed and their guest IPs return to the network. */
  async releaseNics(trx: Kysely<Database>, vmId: number): Promise<number[]> {
    const nics = await trx.selectFrom('nics').select(['id', 'network_id']).where('vm_id', '=', vmId).where('removed', 'is', null).execute();
    if (nics.length > 0) {
      await trx.updateTable('nics').set({ removed: Date.now(), state: 'Released' }).where('vm_id', '=', vmId).where('removed', 'is', null).execute();
      await trx.deleteFrom('lb_vm_map').where('vm_id', '=', vmId).execute();
    }
    // Forwards to the VM (port forwards, IP forwards and the firewall rules they opened) and its static NAT go with it, as CloudStack's expunge does.
    const fwd = (await trx.selectFrom('firewall_rules').select('id').where('vm_id', '=', vmId).where('removed', 'is', null).execute()).map((r) => r.id);
    if (fwd.length > 0) {
      await trx.updateTable('firewall_rules').set({ state: 'Revoke', removed: Date.now() }).where((eb) => eb.or([eb('id', 'in', fwd), eb('related_id', 'in', fwd)])).where('removed', 'is', null).execute();
    }
    await trx.updateTable('user_ip_addresses').set({ one_to_one_nat: 0, vm_id: null, vm_ip: null }).where('vm_id', '=', vmId).execute();
    await trx.deleteFrom('nic_secondary_ips').where('vm_id', '=', vmId).execute();
    return [...new Set(nics.map((n) => n.network_id))];
  }

  async ofVm(vmId: number): Promise<NicRow[]> {
    return this.db.kysely.selectFrom('nics').selectAll().where('vm_id', '=', vmId).where('removed', 'is', null).orderBy('device_id').execute();
  }
}
