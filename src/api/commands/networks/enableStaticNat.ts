import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'enableStaticNat',
  description: "Maps a public IP one to one to a VM's guest IP (not the source NAT IP, nor an IP with port forwarding or load balancer rules).",
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ipaddressid: p.uuid({ entity: 'IpAddress', required: true, doc: 'The public IP' }),
    virtualmachineid: p.uuid({ entity: 'VirtualMachine', required: true, doc: 'The VM' }),
    networkid: p.uuid({ entity: 'Network', doc: "The VM's network (must be the IP's)" }),
    vmguestip: p.string({ doc: "The VM's guest IP in the network (default: its NIC's)" }),
  },
  response: success,
  async handler(ctx, q) {
    await ctx.services.staticNat.enable(ctx.caller, { ipId: q.ipaddressid, vmId: q.virtualmachineid, networkId: q.networkid, vmGuestIp: q.vmguestip });
    return { success: true };
  },
});
