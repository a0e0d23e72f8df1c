/** Parameter groups shared by many commands (CloudStack's BaseListCmd & friends) and list helpers. */
import { p } from '../params.js';
import type { CommandContext, ListResult } from '../define-command.js';
import type { Wire } from '../responses/define.js';
import { Page } from '../../services/paging.js';
import type { ListScope } from '../../services/identity/scope.js';

/** BaseListCmd */
export const listParams = {
  keyword: p.string({ doc: 'List by keyword' }),
  page: p.integer({ doc: 'Page number (1-based); requires pagesize' }),
  pagesize: p.integer({ doc: 'Items per page; -1 for all, at most default.page.size' }),
};

/** BaseListDomainResourcesCmd */
export const domainListParams = {
  ...listParams,
  listall: p.boolean({ doc: "If true, list everything the caller may see; otherwise only the caller's own resources" }),
  domainid: p.uuid({ entity: 'Domain', doc: 'List only resources of accounts in this domain' }),
  isrecursive: p.boolean({ doc: 'With domainid, include sub-domains' }),
};

/** BaseListAccountResourcesCmd */
export const accountListParams = {
  ...domainListParams,
  account: p.string({ doc: 'List resources of this account (use with domainid)' }),
};

export function pageOf(ctx: CommandContext, params: { page?: number | undefined; pagesize?: number | undefined }): Page {
  return Page.from(params, ctx.services.config.numberSync('default.page.size'));
}

export function listResult<T>(r: { rows: T[]; count: number }, map: (row: T) => Wire): ListResult {
  return { items: r.rows.map(map), count: r.count };
}

export async function scopeOf(ctx: CommandContext, params: { account?: string | undefined; domainid?: number | undefined; listall?: boolean | undefined; isrecursive?: boolean | undefined; id?: unknown }): Promise<ListScope> {
  return ctx.services.scoper.listScope(ctx.caller, params);
}
