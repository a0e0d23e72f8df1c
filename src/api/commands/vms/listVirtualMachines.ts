import { defineCommand, listOf, type CommandContext, type ListResult } from '../../define-command.js';
import { p, type InferParams } from '../../params.js';
import { userVmResponse } from '../../responses/vm.js';
import { listVms } from '../../../services/vms/vm-query.js';
import { accountListParams, pageOf, scopeOf } from '../common.js';
import { USER_ROLES, vmWires, wantsStats } from './vm-common.js';

const ADMIN = ['Admin'] as const;

/** listVirtualMachines' parameters (listVirtualMachinesMetrics takes the same). */
export const listVmParams = {
  ...accountListParams,
  id: p.uuid({ entity: 'VirtualMachine', doc: 'The virtual machine' }),
  ids: p.uuidList({ entity: 'VirtualMachine', doc: 'These virtual machines' }),
  name: p.string({ doc: 'Name of the virtual machine' }),
  state: p.string({ doc: 'State of the virtual machine' }),
  zoneid: p.uuid({ entity: 'Zone', doc: 'Availability zone' }),
  groupid: p.uuid({ entity: 'InstanceGroup', doc: 'Instance group' }),
  securitygroupid: p.uuid({ entity: 'SecurityGroup', doc: 'VMs that are members of this security group' }),
  templateid: p.uuid({ entity: 'Template', doc: 'Template (or ISO) of the virtual machines' }),
  serviceofferingid: p.uuid({ entity: 'ServiceOffering', doc: 'Service offering' }),
  hostid: p.uuid({ entity: 'Host', roles: [...ADMIN], doc: 'Host (root admin)' }),
  podid: p.uuid({ entity: 'Pod', roles: [...ADMIN], doc: 'Pod (root admin)' }),
  clusterid: p.uuid({ entity: 'Cluster', roles: [...ADMIN], doc: 'Cluster (root admin)' }),
  networkid: p.uuid({ entity: 'Network', doc: 'Virtual machines with a NIC on this network' }),
  details: p.stringList({ doc: 'Comma separated details: all, group, nics, stats, secgrp, tmpl, servoff, diskoff, iso, volume, min, affgrp' }),
};

/** The page of VM wire objects; `withStats` adds the statistics whatever `details` says (listVirtualMachinesMetrics). */
export async function listVmWires(ctx: CommandContext, params: InferParams<typeof listVmParams>, withStats: boolean): Promise<ListResult> {
  const scope = await scopeOf(ctx, params);
  const r = await listVms(ctx.services.vms.db, ctx.services.scoper, scope, params, pageOf(ctx, params));
  const details = params.details === undefined || params.details.some((d) => d === 'all');
  return { items: await vmWires(ctx, r.rows, { details, stats: withStats || (await wantsStats(ctx, params.details)) }), count: r.count };
}

export default defineCommand({
  name: 'listVirtualMachines',
  description: 'Lists the virtual machines the caller may see (its own by default).',
  roles: [...USER_ROLES],
  async: false,
  params: listVmParams,
  response: listOf(userVmResponse),
  handler: (ctx, params) => listVmWires(ctx, params, false),
});
