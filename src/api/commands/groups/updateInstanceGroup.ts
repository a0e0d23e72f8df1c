import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { instanceGroupResponse, toInstanceGroup } from '../../responses/groups.js';

export default defineCommand({
  name: 'updateInstanceGroup',
  description: 'Renames an instance group.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    id: p.uuid({ entity: 'InstanceGroup', required: true, doc: 'The group' }),
    name: p.string({ doc: 'New name' }),
  },
  response: objectOf(instanceGroupResponse),
  async handler(ctx, params) {
    return toInstanceGroup(await ctx.services.instanceGroups.update(ctx.caller, params.id, params.name));
  },
});
