import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { toTrafficType, trafficTypeResponse } from '../../responses/infra-network.js';

export default defineCommand({
  name: 'addTrafficType',
  description: 'Declares that a physical network carries Guest, Public, Management or Storage traffic.',
  roles: ['Admin'],
  async: 'create',
  event: 'TRAFFIC.TYPE.CREATE',
  instanceType: 'TrafficType',
  resumable: true,
  params: {
    physicalnetworkid: p.uuid({ entity: 'PhysicalNetwork', required: true, doc: 'The physical network' }),
    traffictype: p.string({ required: true, doc: 'Guest, Public, Management or Storage' }),
    xennetworklabel: p.string({ doc: 'Network label on XenServer hosts' }),
    kvmnetworklabel: p.string({ doc: 'Bridge name on KVM hosts' }),
    vmwarenetworklabel: p.string({ doc: 'Network label on VMware hosts' }),
    hypervnetworklabel: p.string({ doc: 'Network label on Hyper-V hosts' }),
    ovm3networklabel: p.string({ doc: 'Network label on OVM3 hosts' }),
    vlan: p.string({ doc: 'VLAN of Management/Storage traffic' }),
    isolationmethod: p.string({ doc: 'Isolation method of the traffic' }),
  },
  response: objectOf(trafficTypeResponse),
  async create(ctx, q) {
    const t = await ctx.services.networkProviders.addTrafficType(q.physicalnetworkid, {
      trafficType: q.traffictype, vlan: q.vlan, isolationMethod: q.isolationmethod,
      labels: { kvm: q.kvmnetworklabel, xen: q.xennetworklabel, vmware: q.vmwarenetworklabel, hyperv: q.hypervnetworklabel, ovm3: q.ovm3networklabel },
    });
    return { uuid: t.uuid, ref: { id: t.id } };
  },
  async handler(ctx, _q, created) {
    return toTrafficType(await ctx.services.networkProviders.trafficType(Number(created!.ref!['id'])));
  },
});
