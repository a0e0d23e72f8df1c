/** Shared pieces of the system VM actions: root administrators only, as CloudStack's defaults. */
import type { CommandContext } from '../../define-command.js';
import { p } from '../../params.js';

export const SYSTEM_VM_ROLES = ['Admin'] as const;
export const systemVmId = { id: p.uuid({ entity: 'SystemVm', required: true, doc: 'The ID of the system virtual machine' }) };

export async function prepareSystemVm(ctx: CommandContext, params: { id: number }) {
  return { instanceUuid: (await ctx.services.consoleProxies.view(params.id)).uuid };
}
