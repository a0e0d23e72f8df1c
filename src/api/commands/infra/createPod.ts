import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { podResponse, toPod } from '../../responses/infra.js';

export default defineCommand({
  name: 'createPod',
  description: 'Creates a pod in a zone with its gateway, netmask and the private IP range for system VMs.',
  roles: ['Admin'],
  async: false,
  params: {
    name: p.string({ required: true, doc: 'Name of the pod' }),
    zoneid: p.uuid({ entity: 'Zone', required: true, doc: 'The zone' }),
    gateway: p.string({ doc: 'Gateway of the pod network' }),
    netmask: p.string({ doc: 'Netmask of the pod network' }),
    startip: p.string({ doc: 'First private IP for system VMs' }),
    endip: p.string({ doc: 'Last private IP (default: the start IP)' }),
    allocationstate: p.string({ doc: 'Enabled (default) or Disabled' }),
  },
  response: objectOf(podResponse),
  async handler(ctx, q) {
    const pod = await ctx.services.pods.create(ctx.caller, q.zoneid, { name: q.name, gateway: q.gateway, netmask: q.netmask, startIp: q.startip, endIp: q.endip, allocationState: q.allocationstate });
    return toPod(pod);
  },
});
