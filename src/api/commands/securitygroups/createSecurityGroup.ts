import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { securityGroupResponse, toSecurityGroup } from '../../responses/security-groups.js';

export default defineCommand({
  name: 'createSecurityGroup',
  description: 'Creates a security group (no rules: ingress closed, egress open) for the caller or, for admins, a named account.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  event: 'SG.CREATE',
  params: {
    account: p.string({ doc: 'Owner account (with domainid)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Domain of the owner account' }),
    description: p.string({ doc: 'Description' }),
    name: p.string({ required: true, doc: 'Name, unique in the account' }),
  },
  response: objectOf(securityGroupResponse),
  async handler(ctx, q) {
    return toSecurityGroup(await ctx.services.securityGroups.create(ctx.caller, { name: q.name, description: q.description, account: q.account, domainId: q.domainid }));
  },
});
