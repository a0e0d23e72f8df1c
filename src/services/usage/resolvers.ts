/**
 * What each kind of resource implies for usage, read from its current rows: the slots that
 * should be open (CloudStack's usage types) and the usage ids the resource governs. Keyed by
 * the `resourceType` events carry. Only user resources are billed: system VMs, system IPs and
 * built-in templates belong to the cloud, not to an account.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema/index.js';
import { QueryTemplate } from '../../db/prepared.js';
import type { ResourceUsage, UsageSlot } from './ledger.js';
import { USAGE } from './usage-types.js';

type Exec = Kysely<Database>;
export type Resolver = (exec: Exec, uuid: string) => Promise<ResourceUsage>;

const GONE_VM_STATES = ['Destroyed', 'Expunging', 'Expunged', 'Error'];
const RUNNING_VM_STATES = ['Running', 'Migrating', 'Stopping'];
const GONE_VOLUME_STATES = ['Destroy', 'Destroyed', 'Expunging', 'Expunged'];

const nothing = (uuid: string): ResourceUsage => ({ usageIds: [uuid], slots: [] });

async function zoneUuid(exec: Exec, zoneId: number): Promise<string | null> {
  const z = await exec.selectFrom('zones').select('uuid').where('id', '=', zoneId).executeTakeFirst();
  return z?.uuid ?? null;
}

// The VM and volume reads run four times per deploy (issue #5 bench): templates (db/prepared.ts).
const VOLUMES = new QueryTemplate((k, $, by) => {
  const q = k.selectFrom('volumes as v').innerJoin('zones as z', 'z.id', 'v.zone_id').leftJoin('disk_offerings as o', 'o.id', 'v.disk_offering_id')
    .leftJoin('templates as t', 't.id', 'v.template_id').leftJoin('vm_instances as m', 'm.id', 'v.vm_id')
    .select(['v.uuid', 'v.name', 'v.state', 'v.removed', 'v.size', 'v.account_id', 'v.domain_id', 'v.volume_type', 'z.uuid as zone_uuid', 'o.uuid as offering_uuid', 't.uuid as template_uuid', 'm.uuid as vm_uuid']);
  return by === 'vm' ? q.where('v.vm_id', '=', $<number>('vmId')) : q.where('v.uuid', '=', $<string>('uuid'));
});
const VM = new QueryTemplate((k, $) => k.selectFrom('vm_instances as v').innerJoin('service_offerings as so', 'so.id', 'v.service_offering_id').innerJoin('zones as z', 'z.id', 'v.zone_id')
  .leftJoin('templates as t', 't.id', 'v.template_id')
  .select(['v.id', 'v.uuid', 'v.name', 'v.type', 'v.state', 'v.removed', 'v.account_id', 'v.domain_id', 'so.uuid as offering_uuid', 'so.cpu_number', 'so.cpu_speed', 'so.ram_size', 't.uuid as template_uuid', 't.hypervisor_type', 'z.uuid as zone_uuid'])
  .where('v.uuid', '=', $<string>('uuid')));
const NICS = new QueryTemplate((k, $) => k.selectFrom('nics as n').innerJoin('networks as nw', 'nw.id', 'n.network_id').innerJoin('network_offerings as no', 'no.id', 'nw.network_offering_id')
  .select(['n.uuid', 'n.removed', 'n.is_default', 'nw.uuid as network_uuid', 'no.uuid as offering_uuid']).where('n.vm_id', '=', $<number>('vmId')));
const GROUPS = new QueryTemplate((k, $) => k.selectFrom('security_group_vm_map as m').innerJoin('security_groups as g', 'g.id', 'm.security_group_id').select(['g.uuid', 'g.name'])
  .where('m.vm_id', '=', $<number>('vmId')));

async function volumeSlots(exec: Exec, where: { vmId: number } | { uuid: string }): Promise<{ ids: string[]; slots: UsageSlot[] }> {
  const rows = await VOLUMES.execute(exec, 'vmId' in where ? 'vm' : 'uuid', where);
  const slots = rows.filter((v) => v.removed === null && !GONE_VOLUME_STATES.includes(v.state)).map((v): UsageSlot => ({
    usageType: USAGE.VOLUME, usageId: v.uuid, accountId: v.account_id, domainId: v.domain_id, zoneUuid: v.zone_uuid, vmUuid: v.vm_uuid, name: v.name,
    offeringUuid: v.offering_uuid, templateUuid: v.template_uuid, size: Number(v.size), extra: { type: v.volume_type },
  }));
  return { ids: rows.map((v) => v.uuid), slots };
}

/**
 * Allocated and running time, the VM's security groups, its NICs (network offering) and its
 * volumes. The groups it is still billed for but has left are governed through `vmUuid`.
 */
const virtualMachine: Resolver = async (exec, uuid) => {
  const [vm] = await VM.execute(exec, '', { uuid });
  if (!vm || vm.type !== 'User') return nothing(uuid);
  const base = { accountId: vm.account_id, domainId: vm.domain_id, zoneUuid: vm.zone_uuid, vmUuid: vm.uuid, name: vm.name };
  const allocated = vm.removed === null && !GONE_VM_STATES.includes(vm.state);
  const slots: UsageSlot[] = [];
  if (allocated) {
    const vmSlot = { ...base, usageId: vm.uuid, offeringUuid: vm.offering_uuid, templateUuid: vm.template_uuid,
      extra: { cpunumber: Number(vm.cpu_number), cpuspeed: Number(vm.cpu_speed), memory: Number(vm.ram_size), type: vm.hypervisor_type ?? 'Simulator' } };
    slots.push({ ...vmSlot, usageType: USAGE.ALLOCATED_VM });
    if (RUNNING_VM_STATES.includes(vm.state)) slots.push({ ...vmSlot, usageType: USAGE.RUNNING_VM });
  }
  const nics = await NICS.execute(exec, '', { vmId: vm.id });
  if (allocated) {
    for (const n of nics.filter((x) => x.removed === null)) {
      slots.push({ ...base, usageType: USAGE.NETWORK_OFFERING, usageId: n.uuid, offeringUuid: n.offering_uuid, extra: { isdefault: n.is_default === 1, networkid: n.network_uuid } });
    }
  }
  const vols = await volumeSlots(exec, { vmId: vm.id });
  const groups = await GROUPS.execute(exec, '', { vmId: vm.id });
  if (allocated) for (const g of groups) slots.push({ ...base, usageType: USAGE.SECURITY_GROUP, usageId: g.uuid, name: g.name });
  return { usageIds: [vm.uuid, ...nics.map((n) => n.uuid), ...vols.ids, ...groups.map((g) => g.uuid)], slots: [...slots, ...vols.slots], vmUuid: vm.uuid };
};

const volume: Resolver = async (exec, uuid) => {
  const v = await volumeSlots(exec, { uuid });
  return { usageIds: [uuid], slots: v.slots };
};

/**
 * A public IP is billed to its owner from assignment (Allocating) while allocated, source NAT
 * included, as in CloudStack. Releasing an IP revokes its rules without events of their own,
 * so the IP also governs the rules on it that are still billed.
 */
const ipAddress: Resolver = async (exec, uuid) => {
  const ip = await exec.selectFrom('user_ip_addresses as i').innerJoin('zones as z', 'z.id', 'i.zone_id').leftJoin('networks as n', 'n.id', 'i.network_id')
    .select(['i.id', 'i.uuid', 'i.public_ip_address', 'i.state', 'i.account_id', 'i.domain_id', 'i.removed', 'i.source_nat', 'i.is_system', 'i.for_system_vms', 'z.uuid as zone_uuid', 'n.uuid as network_uuid'])
    .where('i.uuid', '=', uuid).executeTakeFirst();
  if (!ip) return nothing(uuid);
  const billedRules = await exec.selectFrom('firewall_rules as r').innerJoin('usage_intervals as u', 'u.usage_id', 'r.uuid').select('r.uuid')
    .where('r.ip_address_id', '=', ip.id).where('u.end_ms', 'is', null).execute();
  const rules = await Promise.all(billedRules.map((r) => firewallRule(exec, r.uuid)));
  const out: ResourceUsage = { usageIds: [uuid, ...rules.flatMap((r) => r.usageIds)], slots: rules.flatMap((r) => r.slots) };
  if (ip.removed !== null || !['Allocating', 'Allocated'].includes(ip.state) || ip.account_id === null || ip.domain_id === null || ip.for_system_vms === 1) return out;
  out.slots.push({
    usageType: USAGE.IP_ADDRESS, usageId: ip.uuid, accountId: ip.account_id, domainId: ip.domain_id, zoneUuid: ip.zone_uuid, name: ip.public_ip_address,
    extra: { issourcenat: ip.source_nat === 1, issystem: ip.is_system === 1, ...(ip.network_uuid ? { networkid: ip.network_uuid } : {}) },
  });
  return out;
};

/** Port-forwarding rules and load-balancer rules, while not revoked. */
async function firewallRule(exec: Exec, uuid: string): Promise<ResourceUsage> {
  const r = await exec.selectFrom('firewall_rules as r').innerJoin('networks as n', 'n.id', 'r.network_id')
    .select(['r.uuid', 'r.purpose', 'r.state', 'r.removed', 'r.account_id', 'r.domain_id', 'r.name', 'r.network_id', 'n.uuid as network_uuid', 'n.zone_id'])
    .where('r.uuid', '=', uuid).executeTakeFirst();
  const type = r?.purpose === 'PortForwarding' ? USAGE.PORT_FORWARDING_RULE : r?.purpose === 'LoadBalancing' ? USAGE.LOAD_BALANCER_POLICY : undefined;
  if (!r || type === undefined || r.removed !== null || r.state === 'Revoke') return nothing(uuid);
  return { usageIds: [uuid], slots: [{ usageType: type, usageId: r.uuid, accountId: r.account_id, domainId: r.domain_id, zoneUuid: await zoneUuid(exec, r.zone_id), name: r.name, extra: { networkid: r.network_uuid } }] };
}

/** Templates and ISOs owned by an account, per zone where their file is ready, with its size. */
const template: Resolver = async (exec, uuid) => {
  const t = await exec.selectFrom('templates').select(['id', 'uuid', 'name', 'is_iso', 'account_id', 'domain_id', 'template_type', 'removed', 'size']).where('uuid', '=', uuid).executeTakeFirst();
  if (!t || t.removed !== null || t.template_type !== 'USER') return nothing(uuid);
  const refs = await exec.selectFrom('template_store_refs as r').innerJoin('zones as z', 'z.id', 'r.zone_id').select(['z.uuid as zone_uuid', 'r.size', 'r.physical_size'])
    .where('r.template_id', '=', t.id).where('r.download_state', '=', 'DOWNLOADED').where('r.removed', 'is', null).execute();
  const seen = new Set<string>();
  const slots: UsageSlot[] = [];
  for (const ref of refs) {
    if (seen.has(ref.zone_uuid)) continue;
    seen.add(ref.zone_uuid);
    slots.push({ usageType: t.is_iso ? USAGE.ISO : USAGE.TEMPLATE, usageId: t.uuid, accountId: t.account_id, domainId: t.domain_id, zoneUuid: ref.zone_uuid, name: t.name,
      templateUuid: t.uuid, size: Number(ref.physical_size) || Number(ref.size) || Number(t.size) });
  }
  return { usageIds: [uuid], slots };
};

/** A snapshot is billed while backed up on secondary storage, for the bytes it stores there. */
const snapshot: Resolver = async (exec, uuid) => {
  const sn = await exec.selectFrom('snapshots as s').innerJoin('zones as z', 'z.id', 's.zone_id').innerJoin('volumes as v', 'v.id', 's.volume_id')
    .select(['s.uuid', 's.name', 's.state', 's.removed', 's.account_id', 's.domain_id', 's.size', 's.physical_size', 'z.uuid as zone_uuid', 'v.uuid as volume_uuid'])
    .where('s.uuid', '=', uuid).executeTakeFirst();
  if (!sn || sn.removed !== null || sn.state !== 'BackedUp') return nothing(uuid);
  return { usageIds: [uuid], slots: [{ usageType: USAGE.SNAPSHOT, usageId: sn.uuid, accountId: sn.account_id, domainId: sn.domain_id, zoneUuid: sn.zone_uuid, name: sn.name,
    size: Number(sn.physical_size) || Number(sn.size), extra: { volumeid: sn.volume_uuid } }] };
};

/** By the `resourceType` events carry. */
/** A VPN user is billed (type 14) from its addition until its removal. */
async function vpnUser(exec: Exec, uuid: string): Promise<ResourceUsage> {
  const u = await exec.selectFrom('vpn_users').select(['uuid', 'username', 'account_id', 'domain_id', 'removed']).where('uuid', '=', uuid).executeTakeFirst();
  if (!u || u.removed !== null) return nothing(uuid);
  return { usageIds: [uuid], slots: [{ usageType: USAGE.VPN_USERS, usageId: u.uuid, accountId: u.account_id, domainId: u.domain_id, zoneUuid: null, name: u.username }] };
}

export const RESOLVERS: Readonly<Record<string, Resolver>> = {
  VirtualMachine: virtualMachine,
  Volume: volume,
  IpAddress: ipAddress,
  FirewallRule: firewallRule,
  LoadBalancerRule: firewallRule,
  VirtualMachineTemplate: template,
  Iso: template,
  Snapshot: snapshot,
  VpnUser: vpnUser,
};
