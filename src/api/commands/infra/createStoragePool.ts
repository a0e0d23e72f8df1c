import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { storagePoolResponse, toStoragePool } from '../../responses/infra.js';

export default defineCommand({
  name: 'createStoragePool',
  description: 'Adds primary storage to a cluster or a whole zone: nfs://host/path, file:///dir (created if missing) or a recorded iSCSI/RBD URL.',
  roles: ['Admin'],
  async: false,
  params: {
    name: p.string({ required: true, doc: 'Name of the pool' }),
    url: p.string({ required: true, length: 1024, doc: 'nfs://host/path, file:///directory, iscsi://host/iqn/lun…' }),
    zoneid: p.uuid({ entity: 'Zone', required: true, doc: 'The zone' }),
    podid: p.uuid({ entity: 'Pod', doc: 'The pod (cluster scope)' }),
    clusterid: p.uuid({ entity: 'Cluster', doc: 'The cluster (cluster scope)' }),
    scope: p.string({ doc: 'cluster (default with clusterid) or zone' }),
    tags: p.string({ doc: 'Comma-separated storage tags' }),
    capacitybytes: p.long({ doc: 'Capacity in bytes (file:// pools default to the file system size)' }),
    capacityiops: p.long({ doc: 'IOPS capacity (recorded)' }),
    hypervisor: p.string({ doc: 'Hypervisor of a zone-wide pool (KVM, Simulator or Any)' }),
    provider: p.string({ doc: 'Storage provider (DefaultPrimary)' }),
    managed: p.boolean({ doc: 'Managed storage (recorded)' }),
    details: p.map({ doc: 'Extra details (ignored)' }),
  },
  response: objectOf(storagePoolResponse),
  async handler(ctx, q) {
    const s = await ctx.services.storagePools.create(ctx.caller, {
      name: q.name, url: q.url, zoneId: q.zoneid, podId: q.podid, clusterId: q.clusterid, scope: q.scope, tags: q.tags, capacityBytes: q.capacitybytes,
      capacityIops: q.capacityiops, hypervisor: q.hypervisor, provider: q.provider, managed: q.managed,
    });
    return toStoragePool(s, await ctx.services.config.get('storage.overprovisioning.factor') ?? '1');
  },
});
