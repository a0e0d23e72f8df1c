/** Shared pieces of the VM commands. */
import type { CommandContext } from '../../define-command.js';
import { CloudError } from '../../errors.js';
import { p } from '../../params.js';
import { toUserVm } from '../../responses/vm.js';
import { getVmView, type VmView } from '../../../services/vms/vm-query.js';
import { toVmSecurityGroup } from '../../responses/security-groups.js';
import type { Wire } from '../../responses/define.js';

export const USER_ROLES = ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'] as const;
export const vmId = { id: p.uuid({ entity: 'VirtualMachine', required: true, doc: 'The virtual machine' }) };

/** The VM's wire object as the caller may see it. */
export async function vmWire(ctx: CommandContext, id: number, opts: { password?: string; details?: boolean } = {}): Promise<Wire> {
  const o = toUserVm(await getVmView(ctx.services.vms.db, id), ctx.caller, opts);
  o['securitygroup'] = ((await ctx.services.securityGroups.ofVms([id])).get(id) ?? []).map(toVmSecurityGroup);
  return o;
}

/** VM wire objects of a page, each with its security groups. */
export async function vmWires(ctx: CommandContext, rows: VmView[], opts: { details?: boolean } = {}): Promise<Wire[]> {
  const groups = await ctx.services.securityGroups.ofVms(rows.map((v) => v.id));
  return rows.map((v) => {
    const o = toUserVm(v, ctx.caller, opts);
    o['securitygroup'] = (groups.get(v.id) ?? []).map(toVmSecurityGroup);
    return o;
  });
}

/** Checks access in the request; the job's instance is the VM. */
export async function prepareVm(ctx: CommandContext, params: { id: number }) {
  const vm = await ctx.services.vms.access(ctx.caller, params.id);
  return { instanceUuid: vm.uuid };
}

/** CloudStack accepts hostid/clusterid/podid from root admins only (checked in code, not by role). */
export function rootAdminOnly(ctx: CommandContext, params: { hostid?: number | undefined; clusterid?: number | undefined; podid?: number | undefined }): void {
  if (ctx.caller.roleType === 'Admin') return;
  for (const k of ['hostid', 'clusterid', 'podid'] as const) {
    if (params[k] !== undefined) throw new CloudError('PermissionDenied', `Parameter ${k} can only be specified by a Root Admin, permission denied`);
  }
}
