import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { clusterResponse, toCluster } from '../../responses/infra.js';
import { overcommit } from './infra-common.js';

export default defineCommand({
  name: 'updateCluster',
  description: 'Renames a cluster or changes its allocation or managed state.',
  roles: ['Admin'],
  async: false,
  params: {
    id: p.uuid({ entity: 'Cluster', required: true, doc: 'The cluster' }),
    clustername: p.string({ doc: 'New name' }),
    hypervisor: p.string({ doc: 'Must match the current hypervisor type' }),
    clustertype: p.string({ doc: 'CloudManaged or ExternalManaged' }),
    allocationstate: p.string({ doc: 'Enabled or Disabled' }),
    managedstate: p.string({ doc: 'Managed or Unmanaged' }),
    arch: p.string({ doc: 'x86_64 or aarch64' }),
  },
  response: objectOf(clusterResponse),
  async handler(ctx, q) {
    const c = await ctx.services.clusters.update(ctx.caller, q.id, { name: q.clustername, hypervisor: q.hypervisor, clusterType: q.clustertype, allocationState: q.allocationstate, managedState: q.managedstate, arch: q.arch });
    return toCluster(c, await overcommit(ctx, c.id));
  },
});
