import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { osTypeResponse, toOsType } from '../../responses/offerings.js';
import { listParams, listResult, pageOf } from '../common.js';

export default defineCommand({
  name: 'listOsTypes',
  description: 'Lists the guest OS types templates and ISOs can declare.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'OsType', doc: 'Only this OS type' }),
    oscategoryid: p.uuid({ entity: 'OsCategory', doc: 'Only types of this category' }),
    description: p.string({ doc: 'Only types whose name contains this' }),
  },
  response: listOf(osTypeResponse),
  async handler(ctx, a) {
    return listResult(await ctx.services.guestOs.listTypes({ id: a.id, categoryId: a.oscategoryid, description: a.description, keyword: a.keyword }, pageOf(ctx, a)), toOsType);
  },
});
