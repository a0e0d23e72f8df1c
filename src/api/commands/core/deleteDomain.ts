import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteDomain',
  description: 'Deletes a domain; with cleanup=true also its sub-domains and accounts and everything they own.',
  roles: ['Admin', 'DomainAdmin'],
  async: true,
  event: 'DOMAIN.DELETE',
  instanceType: 'Domain',
  resumable: true,
  params: {
    id: p.uuid({ entity: 'Domain', required: true, doc: 'The domain' }),
    cleanup: p.boolean({ doc: 'Delete sub-domains and accounts too; otherwise the domain must be empty' }),
  },
  response: success,
  async prepare(ctx, params) {
    const d = await ctx.services.domains.get(params.id);
    await ctx.services.scoper.checkDomainAccess(ctx.caller, params.id);
    return { instanceUuid: d.uuid };
  },
  async handler(ctx, params) {
    await ctx.services.domains.delete(ctx.caller, params.id, params.cleanup === true);
    return { success: true };
  },
});
