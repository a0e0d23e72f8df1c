import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { podResponse, toPod } from '../../responses/infra.js';
import { listParams, pageOf } from '../common.js';

export default defineCommand({
  name: 'listPods',
  description: 'Lists pods.',
  roles: ['Admin', 'ResourceAdmin'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'Pod', doc: 'Only this pod' }),
    name: p.string({ doc: 'Only pods with this name' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Only pods of this zone' }),
    allocationstate: p.string({ doc: 'Only Enabled or Disabled pods' }),
    showcapacities: p.boolean({ doc: 'Include the capacity of each pod' }),
  },
  response: listOf(podResponse),
  async handler(ctx, q) {
    const r = await ctx.services.pods.list({ id: q.id, name: q.name, zoneId: q.zoneid, allocationState: q.allocationstate, keyword: q.keyword }, pageOf(ctx, q));
    const items = [];
    for (const pod of r.rows) {
      const caps = q.showcapacities ? await ctx.services.capacity.compute({ podId: pod.id }) : undefined;
      items.push(toPod(pod, caps));
    }
    return { items, count: r.count };
  },
});
