import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { osCategoryResponse, toOsCategory } from '../../responses/offerings.js';
import { listParams, listResult, pageOf } from '../common.js';

export default defineCommand({
  name: 'listOsCategories',
  description: 'Lists the guest OS categories.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'OsCategory', doc: 'Only this category' }),
    name: p.string({ doc: 'Only the category of this name' }),
  },
  response: listOf(osCategoryResponse),
  async handler(ctx, a) {
    return listResult(await ctx.services.guestOs.listCategories({ id: a.id, name: a.name, keyword: a.keyword }, pageOf(ctx, a)), toOsCategory);
  },
});
