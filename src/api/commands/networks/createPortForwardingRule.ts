import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { portForwardingRuleResponse, toPortForwardingRule } from '../../responses/network-rules.js';

export default defineCommand({
  name: 'createPortForwardingRule',
  description: "Forwards a public port range of an IP to a private port range of a VM in the IP's network (openfirewall opens the public range).",
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: 'create',
  event: 'NET.RULEADD',
  instanceType: 'FirewallRule',
  resumable: true,
  params: {
    ipaddressid: p.uuid({ entity: 'IpAddress', required: true, doc: 'The public IP' }),
    protocol: p.string({ required: true, doc: 'tcp or udp' }),
    publicport: p.integer({ required: true, doc: 'First public port' }),
    publicendport: p.integer({ doc: 'Last public port' }),
    privateport: p.integer({ required: true, doc: 'First private port' }),
    privateendport: p.integer({ doc: 'Last private port' }),
    virtualmachineid: p.uuid({ entity: 'VirtualMachine', required: true, doc: 'The VM' }),
    vmguestip: p.string({ doc: "The VM's guest IP" }),
    openfirewall: p.boolean({ doc: 'Also open the public range (default true)' }),
    cidrlist: p.stringList({ doc: 'Source CIDRs' }),
    networkid: p.uuid({ entity: 'Network', doc: 'The network (default: the IP\'s)' }),
  },
  response: objectOf(portForwardingRuleResponse),
  async create(ctx, q) {
    const r = await ctx.services.rules.createPortForwarding(ctx.caller, {
      ipId: q.ipaddressid, protocol: q.protocol, publicPort: q.publicport, publicEndPort: q.publicendport, privatePort: q.privateport, privateEndPort: q.privateendport,
      vmId: q.virtualmachineid, vmGuestIp: q.vmguestip, openFirewall: q.openfirewall, cidrs: q.cidrlist,
    });
    return { uuid: r.uuid, ref: { id: r.id } };
  },
  async handler(ctx, _q, created) {
    const id = Number(created!.ref!['id']);
    await ctx.services.rules.apply(id);
    return toPortForwardingRule(await ctx.services.rules.get(id, ['PortForwarding']));
  },
});
