import { defineCommand, listOf } from '../../define-command.js';
import { paramError } from '../../errors.js';
import { p } from '../../params.js';
import { vmUsageHistoryResponse } from '../../responses/metrics.js';
import { statsEntryWire } from '../../responses/stats.js';
import { isRootAdmin } from '../../../services/caller.js';
import { listVms } from '../../../services/vms/vm-query.js';
import { listParams, pageOf } from '../common.js';
import { USER_ROLES } from '../vms/vm-common.js';

export default defineCommand({
  name: 'listVirtualMachinesUsageHistory',
  description: 'Lists the statistics kept for virtual machines (within vm.stats.max.retention.time), oldest first: all VMs for a root admin, the caller\'s own otherwise.',
  roles: [...USER_ROLES],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'VirtualMachine', doc: 'The virtual machine' }),
    ids: p.uuidList({ entity: 'VirtualMachine', doc: 'These virtual machines' }),
    name: p.string({ doc: 'Name of the virtual machine' }),
    startdate: p.date({ doc: 'Samples taken at or after this time' }),
    enddate: p.date({ doc: 'Samples taken at or before this time' }),
  },
  response: listOf(vmUsageHistoryResponse),
  async handler(ctx, q) {
    const from = q.startdate?.getTime();
    const to = q.enddate?.getTime();
    if (from !== undefined && to !== undefined && from > to) throw paramError('startdate must be before enddate');
    // As CloudStack's metrics service: a root admin sees every VM, anyone else their own account's.
    const scope = await ctx.services.scoper.listScope(ctx.caller, { listall: isRootAdmin(ctx.caller) });
    const r = await listVms(ctx.services.vms.db, ctx.services.scoper, scope, { id: q.id, ids: q.ids, name: q.name, keyword: q.keyword }, pageOf(ctx, q));
    const history = await ctx.services.stats.history(r.rows.map((v) => v.id), from, to);
    return {
      items: r.rows.map((v) => ({ id: v.uuid, name: v.name, displayname: v.display_name ?? v.name, stats: (history.get(v.id) ?? []).map(statsEntryWire) })),
      count: r.count,
    };
  },
});
