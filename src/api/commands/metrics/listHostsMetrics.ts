import { defineCommand, listOf } from '../../define-command.js';
import { mergeWire } from '../../responses/define.js';
import { hostMetricsFields, hostMetricsResponse, type HostThresholds } from '../../responses/metrics.js';
import listHosts from '../hosts/listHosts.js';
import { hostWires } from '../hosts/host-common.js';
import { pageOf } from '../common.js';

export default defineCommand({
  name: 'listHostsMetrics',
  description: 'Lists hosts as listHosts does, with their use and allocation in GHz and GiB, VM counts, and which notification or disable thresholds they cross.',
  roles: ['Admin'],
  async: false,
  params: listHosts.params,
  response: listOf(hostMetricsResponse),
  async handler(ctx, q) {
    const r = await ctx.services.hosts.list({ id: q.id, name: q.name, zoneId: q.zoneid, podId: q.podid, clusterId: q.clusterid, state: q.state, resourceState: q.resourcestate, type: q.type, hypervisor: q.hypervisor, keyword: q.keyword }, pageOf(ctx, q));
    const ids = r.rows.map((h) => h.id);
    const counts = new Map<number, { running: number; total: number; sysRunning: number; sysTotal: number }>();
    if (ids.length) {
      const rows = await ctx.services.vms.db.kysely.selectFrom('vm_instances').select(['host_id', 'type', 'state']).select((eb) => eb.fn.countAll<number>().as('n'))
        .where('host_id', 'in', ids).where('removed', 'is', null).groupBy(['host_id', 'type', 'state']).execute();
      for (const row of rows) {
        const c = counts.get(row.host_id!) ?? { running: 0, total: 0, sysRunning: 0, sysTotal: 0 };
        const k = Number(row.n);
        if (row.type === 'User') (c.total += k), row.state === 'Running' && (c.running += k);
        else (c.sysTotal += k), row.state === 'Running' && (c.sysRunning += k);
        counts.set(row.host_id!, c);
      }
    }
    const thresholds = new Map<number, Promise<HostThresholds>>();
    const of = (clusterId: number) => {
      let t = thresholds.get(clusterId);
      if (!t) {
        const get = (name: string) => ctx.services.config.getNumber(name, { kind: 'Cluster', id: clusterId });
        t = (async () => ({
          cpuNotify: await get('cluster.cpu.allocated.capacity.notificationthreshold'), cpuDisable: await get('cluster.cpu.allocated.capacity.disablethreshold'),
          memNotify: await get('cluster.memory.allocated.capacity.notificationthreshold'), memDisable: await get('cluster.memory.allocated.capacity.disablethreshold'),
          cpuFactor: (await get('cpu.overprovisioning.factor')) || 1, memFactor: (await get('mem.overprovisioning.factor')) || 1,
        }))();
        thresholds.set(clusterId, t);
      }
      return t;
    };
    const wires = await hostWires(ctx, r.rows);
    const items = await Promise.all(r.rows.map(async (h, i) => mergeWire(wires[i]!, hostMetricsFields(wires[i]!, counts.get(h.id) ?? { running: 0, total: 0, sysRunning: 0, sysTotal: 0 }, await of(h.cluster_id)))));
    return { items, count: r.count };
  },
});
