import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { storagePoolResponse, toStoragePool } from '../../responses/infra.js';
import { listParams, pageOf } from '../common.js';

export default defineCommand({
  name: 'listStoragePools',
  description: 'Lists primary storage pools with their capacity (disksizetotal/allocated/used).',
  roles: ['Admin', 'ResourceAdmin'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'StoragePool', doc: 'Only this pool' }),
    name: p.string({ doc: 'Only pools with this name' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Only pools of this zone' }),
    podid: p.uuid({ entity: 'Pod', doc: 'Only pools of this pod' }),
    clusterid: p.uuid({ entity: 'Cluster', doc: 'Only pools of this cluster' }),
    scope: p.string({ doc: 'Only CLUSTER, ZONE or HOST pools' }),
    status: p.string({ doc: 'Only pools in this state' }),
    path: p.string({ doc: 'Only pools with this path' }),
    ipaddress: p.string({ doc: 'Only pools on this host' }),
  },
  response: listOf(storagePoolResponse),
  async handler(ctx, q) {
    const r = await ctx.services.storagePools.list({ id: q.id, name: q.name, zoneId: q.zoneid, podId: q.podid, clusterId: q.clusterid, scope: q.scope, status: q.status, path: q.path, ipAddress: q.ipaddress, keyword: q.keyword }, pageOf(ctx, q));
    // storage.overprovisioning.factor may be set per pool (updateConfiguration storageid=).
    const over = await Promise.all(r.rows.map(async (s) => (await ctx.services.config.get('storage.overprovisioning.factor', { kind: 'StoragePool', id: s.id })) ?? '1'));
    return { items: r.rows.map((s, i) => toStoragePool(s, over[i]!)), count: r.count };
  },
});
