import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { hostResponse } from '../../responses/host.js';
import { hostWires } from './host-common.js';

export default defineCommand({
  name: 'addHost',
  description: 'Adds a host that its agent then claims: start `nimbo agent --token <password>` on it (docs/agents.md).',
  roles: ['Admin', 'ResourceAdmin'],
  async: false,
  params: {
    zoneid: p.uuid({ entity: 'Zone', required: true, doc: 'The zone' }),
    podid: p.uuid({ entity: 'Pod', required: true, doc: 'The pod' }),
    clusterid: p.uuid({ entity: 'Cluster', doc: 'The cluster' }),
    clustername: p.string({ doc: 'The cluster, by name' }),
    url: p.string({ required: true, doc: 'Host URL (http://sim/<anything> for simulator hosts)' }),
    hypervisor: p.string({ required: true, doc: 'Hypervisor type of the host (KVM, Simulator)' }),
    username: p.string({ doc: 'Accepted for compatibility' }),
    password: p.string({ doc: 'The registration token the agent was started with (at least 8 characters)' }),
    allocationstate: p.string({ doc: 'Enable or Disable' }),
    hosttags: p.stringList({ doc: 'Host tags' }),
    storageaccessgroups: p.stringList({ doc: 'Accepted for compatibility' }),
    externaldetails: p.map({ doc: 'Accepted for compatibility' }),
  },
  response: listOf(hostResponse),
  async handler(ctx, q) {
    const h = await ctx.services.hosts.add(ctx.caller, {
      zoneId: q.zoneid, podId: q.podid, clusterId: q.clusterid, clusterName: q.clustername, url: q.url, hypervisor: q.hypervisor,
      password: q.password, hostTags: q.hosttags, allocationState: q.allocationstate,
    });
    return { items: await hostWires(ctx, [h]), count: 1 };
  },
});
