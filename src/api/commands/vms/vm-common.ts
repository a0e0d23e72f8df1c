/** Shared pieces of the VM commands. */
import type { CommandContext } from '../../define-command.js';
import { CloudError } from '../../errors.js';
import { p } from '../../params.js';
import { toUserVm } from '../../responses/vm.js';
import { getVmView, nicsOfVms, type VmView } from '../../../services/vms/vm-query.js';
import { toVmSecurityGroup } from '../../responses/security-groups.js';
import { mergeWire, type Wire } from '../../responses/define.js';
import { vmStatsWire } from '../../responses/stats.js';

export const USER_ROLES = ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'] as const;
export const vmId = { id: p.uuid({ entity: 'VirtualMachine', required: true, doc: 'The virtual machine' }) };

/** The VM's wire object as the caller may see it. */
export async function vmWire(ctx: CommandContext, id: number, opts: { password?: string; details?: boolean } = {}): Promise<Wire> {
  return (await vmWires(ctx, [await getVmView(ctx.services.vms.db, id)], opts))[0]!;
}

/** VM wire objects of a page, each with its NICs and security groups. */
/** With `stats`, the latest collected statistics of each VM are added (`details=stats`). */
export async function vmWires(ctx: CommandContext, rows: VmView[], opts: { password?: string; details?: boolean; stats?: boolean } = {}): Promise<Wire[]> {
  const ids = rows.map((v) => v.id);
  const [groups, nics, stats] = await Promise.all([
    ctx.services.securityGroups.ofVms(ids), nicsOfVms(ctx.services.vms.db, ids), opts.stats ? ctx.services.stats.latestForVms(ids) : undefined,
  ]);
  return rows.map((v) => {
    const o = toUserVm(v, ctx.caller, { ...opts, nics: nics.get(v.id) ?? [] });
    o['securitygroup'] = (groups.get(v.id) ?? []).map(toVmSecurityGroup);
    const s = stats?.get(v.id);
    return s ? mergeWire(o, vmStatsWire(s)) : o;
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

/** CloudStack's rule: stats with details=all or stats, and without details when `list.vm.default.details.stats` is true. */
export async function wantsStats(ctx: CommandContext, details: string[] | undefined): Promise<boolean> {
  if (details === undefined) return ctx.services.config.getBoolean('list.vm.default.details.stats');
  return details.some((d) => d === 'all' || d === 'stats');
}
