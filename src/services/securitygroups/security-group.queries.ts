/** Security group rows with their owner names, rules and member VMs, loaded per page. */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema/index.js';
import type { SecurityGroupRulesTable, SecurityGroupsTable } from '../../db/schema/security-groups.js';

export const groupQuery = (k: Kysely<Database>) =>
  k.selectFrom('security_groups as g')
    .innerJoin('accounts as a', 'a.id', 'g.account_id')
    .innerJoin('domains as d', 'd.id', 'g.domain_id')
    .selectAll('g')
    .select(['a.account_name', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path']);

export type GroupRow = Selectable<SecurityGroupsTable> & { account_name: string; domain_uuid: string; domain_name: string; domain_path: string };

export type RuleRow = Selectable<SecurityGroupRulesTable> & { allowed_group_name: string | null; allowed_account_name: string | null };

export interface GroupWithDetails extends GroupRow {
  rules: RuleRow[];
  vmUuids: string[];
}

/** Rules (with the names of the groups they allow) and member VM uuids for a page of groups. */
export async function withDetails(k: Kysely<Database>, groups: GroupRow[], onlyRuleIds?: number[]): Promise<GroupWithDetails[]> {
  if (groups.length === 0) return [];
  const ids = groups.map((g) => g.id);
  let rq = k.selectFrom('security_group_rules as r')
    .leftJoin('security_groups as ag', 'ag.id', 'r.allowed_security_group_id')
    .leftJoin('accounts as aa', 'aa.id', 'ag.account_id')
    .selectAll('r')
    .select(['ag.name as allowed_group_name', 'aa.account_name as allowed_account_name'])
    .where('r.security_group_id', 'in', ids);
  if (onlyRuleIds) rq = onlyRuleIds.length === 0 ? rq.where('r.id', '<', 0) : rq.where('r.id', 'in', onlyRuleIds);
  const [rules, vms] = await Promise.all([
    rq.orderBy('r.id').execute(),
    k.selectFrom('security_group_vm_map as m').innerJoin('vm_instances as v', 'v.id', 'm.vm_id')
      .select(['m.security_group_id', 'v.uuid']).where('m.security_group_id', 'in', ids).where('v.removed', 'is', null).orderBy('v.id').execute(),
  ]);
  return groups.map((g) => ({
    ...g,
    rules: rules.filter((r) => r.security_group_id === g.id),
    vmUuids: vms.filter((v) => v.security_group_id === g.id).map((v) => v.uuid),
  }));
}
