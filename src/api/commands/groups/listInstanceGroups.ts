import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { instanceGroupResponse, toInstanceGroup } from '../../responses/groups.js';
import { accountListParams, listResult, pageOf, scopeOf } from '../common.js';

export default defineCommand({
  name: 'listInstanceGroups',
  description: 'Lists instance groups the caller may see (its own by default).',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'InstanceGroup', doc: 'Only this group' }),
    name: p.string({ doc: 'Only groups with this name' }),
  },
  response: listOf(instanceGroupResponse),
  async handler(ctx, params) {
    const scope = await scopeOf(ctx, params);
    return listResult(await ctx.services.instanceGroups.list(scope, params, pageOf(ctx, params)), toInstanceGroup);
  },
});
