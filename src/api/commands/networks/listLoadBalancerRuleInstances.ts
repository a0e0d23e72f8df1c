import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { toUserVm } from '../../responses/vm.js';
import { loadBalancerRuleInstanceResponse } from '../../responses/network-rules.js';
import { listVms } from '../../../services/vms/vm-query.js';
import { listParams, pageOf } from '../common.js';

export default defineCommand({
  name: 'listLoadBalancerRuleInstances',
  description: "Lists the VMs assigned to a load balancer rule (applied=false: the account's VMs in the rule's network that are not).",
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'LoadBalancerRule', required: true, doc: 'The rule' }),
    applied: p.boolean({ doc: 'Members (true, default) or the VMs that could join (false)' }),
  },
  response: listOf(loadBalancerRuleInstanceResponse),
  async handler(ctx, q) {
    const inst = await ctx.services.loadBalancers.instances(ctx.caller, q.id, q.applied ?? true);
    if (inst.length === 0) return { items: [], count: 0 };
    const rule = await ctx.services.rules.get(q.id, ['LoadBalancing']);
    const byVm = new Map(inst.map((i) => [i.vmId, i]));
    // The rule's account was checked above; its VMs are listed within that account.
    const r = await listVms(ctx.services.vms.db, ctx.services.scoper, { kind: 'account', accountId: rule.account_id }, { ids: inst.map((i) => i.vmId), keyword: q.keyword }, pageOf(ctx, q));
    return {
      items: r.rows.map((v) => {
        const w = toUserVm(v, ctx.caller, { details: true });
        const n = byVm.get(v.id)!;
        // Clients read nic[0].ipaddress: the member's NIC in the rule's network comes first.
        const others = Array.isArray(w['nic']) ? (w['nic'] as Array<Record<string, unknown>>).filter((x) => x['id'] !== n.nicUuid) : [];
        w['nic'] = [{ id: n.nicUuid, networkid: rule.network_uuid, ipaddress: n.ip ?? undefined, macaddress: n.mac, netmask: n.netmask ?? undefined, gateway: n.gateway ?? undefined, isdefault: n.isDefault, type: 'Isolated', traffictype: 'Guest' }, ...others];
        return w;
      }),
      count: r.count,
    };
  },
});
