import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { domainResponse, toDomain } from '../../responses/identity.js';
import { listParams, pageOf } from '../common.js';

export default defineCommand({
  name: 'listDomains',
  description: 'Lists domains: the caller\'s own, or with listall=true its whole subtree.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'Domain', doc: 'Only this domain' }),
    level: p.integer({ doc: 'Only domains at this depth (ROOT is 0)' }),
    name: p.string({ doc: 'Only domains with this name' }),
    listall: p.boolean({ doc: 'List the whole subtree of the caller\'s domain' }),
    details: p.stringList({ doc: 'Detail groups to include (all, resource, min)' }),
  },
  response: listOf(domainResponse),
  async handler(ctx, params) {
    const r = await ctx.services.domains.list(ctx.caller, params, pageOf(ctx, params));
    const items = r.rows.map((d) => toDomain(d));
    await ctx.services.limitAdmin.addWireFields('domain', r.rows.map((d, i) => ({ id: d.id, wire: items[i]! })));
    return { items, count: r.count };
  },
});
