import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { diskOfferingResponse, toDiskOffering } from '../../responses/offerings.js';
import { domainListParams, listResult, pageOf } from '../common.js';

export default defineCommand({
  name: 'listDiskOfferings',
  description: 'Lists the disk offerings the caller may use: public ones and those of its domain.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...domainListParams,
    id: p.uuid({ entity: 'DiskOffering', doc: 'Only this offering' }),
    name: p.string({ doc: 'Only offerings with this name' }),
    storagetype: p.string({ doc: 'Only shared or local offerings' }),
    state: p.string({ doc: 'Admins: Active (default), Inactive or all' }),
  },
  response: listOf(diskOfferingResponse),
  async handler(ctx, a) {
    const r = await ctx.services.diskOfferings.list(ctx.caller, { id: a.id, name: a.name, keyword: a.keyword, domainId: a.domainid, storageType: a.storagetype, state: a.state }, pageOf(ctx, a));
    return listResult(r, toDiskOffering);
  },
});
