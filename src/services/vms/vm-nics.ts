/**
 * The guest NICs of a deploy (issue #5/#7): which networks a new VM joins and with which
 * addresses. Resolved before the deploy transaction (it may create the account's default
 * isolated network, as CloudStack does on a first deploy); the NIC rows themselves are
 * written inside it, so a failed deploy leaves no address taken.
 */
import type { Kysely } from 'kysely';
import { paramError, permissionDenied } from '../../api/errors.js';
import type { Db } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { QueryTemplate } from '../../db/prepared.js';
import { isIp } from '../infra/ipv4.js';
import type { Caller } from '../caller.js';
import type { Services } from '../index.js';

/** The owner's isolated network in the zone: every deploy without networks asks (issue #5 bench). */
const OWN_NETWORK = new QueryTemplate((k, $) => k.selectFrom('networks').select('id').where('account_id', '=', $<number>('account')).where('zone_id', '=', $<number>('zone'))
  .where('guest_type', '=', 'Isolated').where('removed', 'is', null).orderBy('id'));

export interface NicRequest { networkId: number; ip?: string | undefined }

export interface NicInput {
  networkids?: number[] | undefined;
  ipaddress?: string | undefined;
  /** CloudStack's iptonetworklist[i].networkid / .ip map (network uuids). */
  iptonetworklist?: Array<Record<string, string>> | undefined;
}

/**
 * The networks the VM joins, default first. Without networks: the owner's isolated network in
 * the zone (created on first deploy). A zone without a Guest physical network has no guest
 * networking to join, and the VM gets no NIC.
 */
export async function planNics(db: Db, services: Services, caller: Caller, owner: { id: number; domainPath: string }, zoneId: number, p: NicInput): Promise<NicRequest[]> {
  const k = db.kysely;
  const reqs: NicRequest[] = [];
  if (p.iptonetworklist?.length) {
    if (p.networkids?.length) throw paramError('networkids and iptonetworklist can not be specified at the same time');
    for (const e of p.iptonetworklist) {
      const uuid = e['networkid'];
      if (!uuid) throw paramError('iptonetworklist entries need a networkid');
      const n = await k.selectFrom('networks').select('id').where('uuid', '=', uuid).where('removed', 'is', null).executeTakeFirst();
      if (!n) throw paramError(`Unable to find network by id ${uuid}`);
      reqs.push({ networkId: n.id, ip: e['ip'] || undefined });
    }
  } else if (p.networkids?.length) {
    for (const id of p.networkids) reqs.push({ networkId: id });
  }
  if (reqs.length === 0) {
    const [have] = await OWN_NETWORK.execute(k, '', { account: owner.id, zone: zoneId });
    if (have) reqs.push({ networkId: have.id });
    else if (await services.physicalNetworks.forTraffic(zoneId, 'Guest')) reqs.push({ networkId: (await services.networks.defaultNetworkFor(owner.id, zoneId)).id });
    else if (p.ipaddress !== undefined) throw paramError('The zone has no guest network to take the requested ip address from');
  }
  if (p.ipaddress !== undefined && reqs[0]) {
    if (!isIp(p.ipaddress)) throw paramError(`Invalid ip address ${p.ipaddress}`);
    reqs[0] = { ...reqs[0], ip: p.ipaddress };
  }
  const seen = new Set<number>();
  for (const r of reqs) {
    if (seen.has(r.networkId)) throw paramError('A VM can have only one NIC on a network');
    seen.add(r.networkId);
    if (r.ip !== undefined && !isIp(r.ip)) throw paramError(`Invalid ip address ${r.ip}`);
    await checkUsable(k, caller, owner, zoneId, r.networkId);
  }
  return reqs;
}

/** The owner's own network, or a shared network of its domain (or an ancestor's), in the VM's zone. */
async function checkUsable(k: Kysely<Database>, caller: Caller, owner: { id: number; domainPath: string }, zoneId: number, networkId: number): Promise<void> {
  const n = await k.selectFrom('networks as n').innerJoin('domains as d', 'd.id', 'n.domain_id')
    .select(['n.uuid', 'n.account_id', 'n.acl_type', 'n.zone_id', 'n.state', 'd.path']).where('n.id', '=', networkId).where('n.removed', 'is', null).executeTakeFirst();
  if (!n) throw paramError('Unable to find network by id');
  if (n.zone_id !== zoneId) throw paramError(`Network ${n.uuid} does not belong to the zone of the VM`);
  const ok = n.acl_type === 'Domain' ? owner.domainPath.startsWith(n.path) : n.account_id === owner.id;
  if (!ok) throw permissionDenied(`Account ${caller.accountName} does not have permission to use network ${n.uuid}`);
}

/** NICs of the new VM, inside the deploy transaction (guest IPs unique per network). */
export async function allocateNics(trx: Kysely<Database>, services: Services, vmId: number, reqs: NicRequest[]): Promise<void> {
  for (const [i, r] of reqs.entries()) await services.nics.allocateNic(trx, { vmId, networkId: r.networkId, ip: r.ip, isDefault: i === 0 });
}
