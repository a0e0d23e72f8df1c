import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { instanceGroupResponse, toInstanceGroup } from '../../responses/groups.js';

export default defineCommand({
  name: 'createInstanceGroup',
  description: 'Creates a named group for VMs of the caller (or of the named account).',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    name: p.string({ required: true, doc: 'Name of the group' }),
    account: p.string({ doc: 'Owner account (with domainid)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Domain of the owner account' }),
  },
  response: objectOf(instanceGroupResponse),
  async handler(ctx, params) {
    return toInstanceGroup(await ctx.services.instanceGroups.create(ctx.caller, params));
  },
});
