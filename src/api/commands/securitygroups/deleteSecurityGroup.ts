import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteSecurityGroup',
  description: 'Deletes a security group by id or name; not the default group, not while VMs are members or other groups allow it.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  event: 'SG.DELETE',
  params: {
    account: p.string({ doc: 'Owner account (with domainid), for name' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Domain of the owner account' }),
    id: p.uuid({ entity: 'SecurityGroup', doc: 'The group (or name)' }),
    name: p.string({ doc: 'The group by name (or id)' }),
  },
  response: success,
  async handler(ctx, q) {
    const sg = ctx.services.securityGroups;
    await sg.delete(ctx.caller, await sg.resolve(ctx.caller, { id: q.id, name: q.name, account: q.account, domainId: q.domainid }));
    return { success: true };
  },
});
