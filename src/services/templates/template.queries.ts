/** Joined reads of templates/ISOs and their per-zone copies, and the privacy predicate. */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema/index.js';
import type { TemplatesTable, TemplateStoreRefsTable } from '../../db/schema/templates.js';
import type { Caller } from '../caller.js';
import { isRootAdmin } from '../caller.js';
import { underPath } from '../identity/scope.js';

export type TemplateRow = Selectable<TemplatesTable> & {
  account_name: string; account_uuid: string; domain_uuid: string; domain_name: string; domain_path: string;
  os_uuid: string | null; os_name: string | null;
};
export type StoreRef = Selectable<TemplateStoreRefsTable>;
/** A template as listed: one row per zone copy. */
export type TemplateZoneRow = TemplateRow & { ref_id: number | null; zone_uuid: string | null; zone_name: string | null; download_state: string | null; download_pct: number | null; error_str: string | null; ref_size: number | null; physical_size: number | null };

export const templateQuery = (k: Kysely<Database>) =>
  k.selectFrom('templates as t')
    .innerJoin('accounts as a', 'a.id', 't.account_id')
    .innerJoin('domains as d', 'd.id', 't.domain_id')
    .leftJoin('guest_os as g', 'g.id', 't.guest_os_id')
    .selectAll('t')
    .select(['a.account_name', 'a.uuid as account_uuid', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path', 'g.uuid as os_uuid', 'g.display_name as os_name']);

/** May the caller see (and launch) this template? Public, owned, shared, or an admin above the owner. */
export function canSee(caller: Caller, t: TemplateRow, sharedWith: boolean): boolean {
  if (isRootAdmin(caller) || t.public === 1 || t.account_id === caller.accountId || sharedWith) return true;
  return caller.roleType !== 'User' && underPath(t.domain_path, caller.domainPath);
}

export function statusText(state: string | null, pct: number | null, error: string | null): string | undefined {
  switch (state) {
    case 'DOWNLOADED': return 'Download Complete';
    case 'DOWNLOAD_IN_PROGRESS': return `${pct ?? 0}% Downloaded`;
    case 'DOWNLOAD_ERROR': return error ?? 'Download Failed';
    case 'NOT_DOWNLOADED': return 'Not Downloaded';
    case 'ABANDONED': return 'Abandoned';
    default: return undefined;
  }
}
