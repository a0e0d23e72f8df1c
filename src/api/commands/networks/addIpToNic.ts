import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { nicSecondaryIpResponse, toNicSecondaryIp } from '../../responses/network-rules.js';

export default defineCommand({
  name: 'addIpToNic',
  responseName: 'addiptovmnicresponse',
  description: "Adds a secondary guest IP to a VM's NIC (the requested one, or the lowest free address of the NIC's network).",
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: 'create',
  event: 'NIC.SECONDARY.IP.ASSIGN',
  instanceType: 'NicSecondaryIp',
  resumable: true,
  params: {
    nicid: p.uuid({ entity: 'Nic', required: true, doc: 'The NIC' }),
    ipaddress: p.string({ doc: 'The secondary IP (default: the lowest free one)' }),
  },
  response: objectOf(nicSecondaryIpResponse),
  async create(ctx, q) {
    const r = await ctx.services.nicIps.add(ctx.caller, q.nicid, q.ipaddress);
    return { uuid: r.uuid, ref: { id: r.id } };
  },
  async handler(ctx, _q, created) {
    return toNicSecondaryIp(await ctx.services.nicIps.apply(Number(created!.ref!['id'])));
  },
});
