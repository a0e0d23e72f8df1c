/**
 * Fixtures of the network rule tests: an Advanced zone with a public range, and VMs as plain
 * `vm_instances` rows with a NIC from services.nics (no hypervisor plumbing needed).
 */
import { randomUUID } from 'node:crypto';
import type { TestServer } from '../helpers/server.js';
import { insertId } from '../../src/db/dialect.js';

/** An enabled Advanced zone with Public and Guest traffic and the public range 203.0.113.10..endIp. */
export async function rulesZone(s: TestServer, endIp = '203.0.113.30'): Promise<string> {
  const zoneId = (await s.admin.ok('createZone', { name: 'z1', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'].id as string;
  await s.admin.ok('updateZone', { id: zoneId, allocationstate: 'Enabled' });
  const pn = (await s.admin.jobOk('createPhysicalNetwork', { zoneid: zoneId, name: 'pn1', vlan: '600-609' }))['physicalnetwork'].id;
  await s.admin.jobOk('addTrafficType', { physicalnetworkid: pn, traffictype: 'Public' });
  await s.admin.jobOk('addTrafficType', { physicalnetworkid: pn, traffictype: 'Guest' });
  await s.admin.ok('createVlanIpRange', { zoneid: zoneId, vlan: 'untagged', forvirtualnetwork: 'true', gateway: '203.0.113.1', netmask: '255.255.255.0', startip: '203.0.113.10', endip: endIp });
  return zoneId;
}

/** A Running user VM row of the account in the zone, with a NIC on the network if given; its UUID. */
export async function rowVm(s: TestServer, zoneUuid: string, accountUuid: string, networkUuid: string | null, name: string): Promise<string> {
  const k = s.app.db.kysely;
  const a = await k.selectFrom('accounts').select(['id', 'domain_id']).where('uuid', '=', accountUuid).executeTakeFirstOrThrow();
  const z = await k.selectFrom('zones').select('id').where('uuid', '=', zoneUuid).executeTakeFirstOrThrow();
  const uuid = randomUUID();
  const netId = networkUuid ? (await k.selectFrom('networks').select('id').where('uuid', '=', networkUuid).executeTakeFirstOrThrow()).id : null;
  await k.transaction().execute(async (trx) => {
    const id = await insertId(trx, s.app.db.dialect, 'vm_instances', {
      uuid, name, instance_name: `i-${a.id}-${name}-VM`, display_name: name, type: 'User', state: 'Running', account_id: a.id, domain_id: a.domain_id, zone_id: z.id,
      service_offering_id: 1, guest_os_id: 1, state_changed: Date.now(), created: Date.now(),
    });
    if (netId !== null) await s.app.services.nics.allocateNic(trx, { vmId: id, networkId: netId });
  });
  return uuid;
}
