import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { toVlanRange, vlanRangeResponse } from '../../responses/infra-network.js';
import { listParams, pageOf } from '../common.js';

export default defineCommand({
  name: 'listVlanIpRanges',
  description: 'Lists public and direct IP ranges.',
  roles: ['Admin'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'VlanIpRange', doc: 'Only this range' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Only ranges of this zone' }),
    podid: p.uuid({ entity: 'Pod', doc: 'Only ranges of this pod' }),
    vlan: p.string({ doc: 'Only ranges of this VLAN' }),
    networkid: p.uuid({ entity: 'Network', doc: 'Only ranges of this network' }),
    physicalnetworkid: p.uuid({ entity: 'PhysicalNetwork', doc: 'Only ranges of this physical network' }),
    forvirtualnetwork: p.boolean({ doc: 'Only public (true) or direct (false) ranges' }),
    account: p.string({ doc: 'Only ranges dedicated to this account (with domainid)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Only ranges dedicated to this domain' }),
  },
  response: listOf(vlanRangeResponse),
  async handler(ctx, q) {
    const accountId = q.account !== undefined ? (await ctx.services.scoper.accountByName(ctx.caller, q.account, q.domainid)).id : undefined;
    const r = await ctx.services.vlanRanges.list({
      id: q.id, zoneId: q.zoneid, podId: q.podid, vlan: q.vlan, networkId: q.networkid, physicalNetworkId: q.physicalnetworkid,
      forVirtualNetwork: q.forvirtualnetwork, accountId, domainId: q.account === undefined ? q.domainid : undefined, keyword: q.keyword,
    }, pageOf(ctx, q));
    return { items: r.rows.map((v) => toVlanRange(v)), count: r.count };
  },
});
