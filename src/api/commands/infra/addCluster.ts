import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { clusterResponse, toCluster } from '../../responses/infra.js';
import { overcommit } from './infra-common.js';

export default defineCommand({
  name: 'addCluster',
  description: 'Adds a cluster of one hypervisor type (KVM or Simulator) to a pod; answers a list, as CloudStack does.',
  roles: ['Admin'],
  async: false,
  params: {
    clustername: p.string({ required: true, doc: 'Name of the cluster' }),
    zoneid: p.uuid({ entity: 'Zone', required: true, doc: 'The zone' }),
    podid: p.uuid({ entity: 'Pod', required: true, doc: 'The pod' }),
    hypervisor: p.string({ required: true, doc: 'KVM or Simulator' }),
    clustertype: p.string({ required: true, doc: 'CloudManaged or ExternalManaged' }),
    allocationstate: p.string({ doc: 'Enabled (default) or Disabled' }),
    arch: p.string({ doc: 'CPU architecture: x86_64 (default) or aarch64' }),
    url: p.string({ doc: 'URL of an externally managed cluster (recorded)' }),
    username: p.string({ doc: 'Ignored: only for external managers' }),
    password: p.string({ doc: 'Ignored: only for external managers', sensitive: true }),
  },
  response: listOf(clusterResponse),
  async handler(ctx, q) {
    const c = await ctx.services.clusters.create(ctx.caller, { name: q.clustername, zoneId: q.zoneid, podId: q.podid, hypervisor: q.hypervisor, clusterType: q.clustertype, allocationState: q.allocationstate, arch: q.arch, url: q.url });
    return { items: [toCluster(c, await overcommit(ctx, c.id))], count: 1 };
  },
});
