import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import { ipAddressResponse, toIpAddress } from '../../responses/networks.js';
import { isRootAdmin } from '../../../services/caller.js';

export default defineCommand({
  name: 'associateIpAddress',
  description: "Acquires a public IP for the account's network (networkid, or the account's only isolated network of zoneid).",
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: 'create',
  event: 'NET.IPASSIGN',
  instanceType: 'IpAddress',
  params: {
    account: p.string({ doc: 'Owner account (with domainid)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Owner domain' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Zone' }),
    networkid: p.uuid({ entity: 'Network', doc: 'Network to associate the IP with' }),
    ipaddress: p.string({ doc: 'A specific free IP' }),
  },
  response: objectOf(ipAddressResponse),
  async create(ctx, q) {
    const s = ctx.services;
    let zoneId = q.zoneid;
    let networkId: number | null = null;
    let owner = await s.networks.owner(ctx.caller, q.account, q.domainid);
    if (q.networkid !== undefined) {
      const n = await s.networks.getAccessible(ctx.caller, q.networkid);
      if (n.guest_type === 'Isolated') {
        if (q.account === undefined) owner = { id: n.account_id, domainId: n.domain_id, name: n.account_name };
        if (n.account_id !== owner.id) throw paramError('The owner of the network is not the same as owner of the IP');
      }
      if (zoneId !== undefined && zoneId !== n.zone_id) throw paramError('The network is not in the specified zone');
      zoneId = n.zone_id;
      networkId = n.id;
    } else {
      if (zoneId === undefined) throw paramError('Either networkId or zoneId has to be specified');
      const nets = await s.networks.isolatedWithSourceNat(owner.id, zoneId);
      if (nets.length === 0) throw paramError(`Account name=${owner.name} doesn't have virtual networks in zone=${zoneId}`);
      if (nets.length > 1) throw paramError('Account has more than one Isolated network in the zone');
      networkId = nets[0]!;
    }
    const ip = await s.publicIps.allocate(ctx.caller, owner, { zoneId, networkId, ipAddress: q.ipaddress });
    return { uuid: ip.uuid, ref: { id: ip.id } };
  },
  async handler(ctx, _q, created) {
    return toIpAddress(await ctx.services.publicIps.markAllocated(Number(created!.ref!['id'])), isRootAdmin(ctx.caller));
  },
});
