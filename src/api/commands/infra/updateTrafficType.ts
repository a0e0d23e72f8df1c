import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { toTrafficType, trafficTypeResponse } from '../../responses/infra-network.js';

export default defineCommand({
  name: 'updateTrafficType',
  description: 'Changes the per-hypervisor network labels of a traffic type.',
  roles: ['Admin'],
  async: true,
  event: 'TRAFFIC.TYPE.UPDATE',
  instanceType: 'TrafficType',
  resumable: true,
  params: {
    id: p.uuid({ entity: 'TrafficType', required: true, doc: 'The traffic type' }),
    xennetworklabel: p.string({ doc: 'Network label on XenServer hosts' }),
    kvmnetworklabel: p.string({ doc: 'Bridge name on KVM hosts' }),
    vmwarenetworklabel: p.string({ doc: 'Network label on VMware hosts' }),
    hypervnetworklabel: p.string({ doc: 'Network label on Hyper-V hosts' }),
    ovm3networklabel: p.string({ doc: 'Network label on OVM3 hosts' }),
  },
  response: objectOf(trafficTypeResponse),
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.networkProviders.trafficType(q.id)).uuid };
  },
  async handler(ctx, q) {
    const t = await ctx.services.networkProviders.updateTrafficType(q.id, { kvm: q.kvmnetworklabel, xen: q.xennetworklabel, vmware: q.vmwarenetworklabel, hyperv: q.hypervnetworklabel, ovm3: q.ovm3networklabel });
    return toTrafficType(t);
  },
});
