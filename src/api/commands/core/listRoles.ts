import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { roleResponse, toRole } from '../../responses/identity.js';
import { listParams, listResult, pageOf } from '../common.js';
import type { RoleType } from '../../roles.js';

/** Which role types a caller may see: admins all, domain admins their own and below. */
const VISIBLE: Record<RoleType, RoleType[] | null> = {
  Admin: null,
  ResourceAdmin: ['ResourceAdmin', 'DomainAdmin', 'User'],
  DomainAdmin: ['DomainAdmin', 'User'],
  User: ['User'],
};

export default defineCommand({
  name: 'listRoles',
  description: 'Lists roles.',
  since: '4.9.0',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'Role', doc: 'Only this role' }),
    name: p.string({ doc: 'Only roles with this name' }),
    type: p.string({ doc: 'Only roles of this type (Admin, ResourceAdmin, DomainAdmin, User)' }),
    state: p.string({ doc: 'Only roles in this state' }),
  },
  response: listOf(roleResponse),
  async handler(ctx, params) {
    return listResult(await ctx.services.roles.list(params, VISIBLE[ctx.caller.roleType], pageOf(ctx, params)), toRole);
  },
});
