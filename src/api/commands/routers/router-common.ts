/** Shared pieces of the router commands: admins and domain admins (within their domains) only, as CloudStack. */
import type { CommandContext } from '../../define-command.js';
import { p } from '../../params.js';
import { toRouter } from '../../responses/router.js';

export const ROUTER_ROLES = ['Admin', 'ResourceAdmin', 'DomainAdmin'] as const;
export const routerId = { id: p.uuid({ entity: 'DomainRouter', required: true, doc: 'The router' }) };

export async function prepareRouter(ctx: CommandContext, params: { id: number }) {
  return { instanceUuid: (await ctx.services.routers.access(ctx.caller, params.id)).uuid };
}

export async function routerWire(ctx: CommandContext, id: number) {
  return toRouter(await ctx.services.routers.getOrFail(id));
}
