/**
 * Roles and their API permissions (CloudStack's dynamic roles). A role's explicit rules
 * (ALLOW/DENY, `*` wildcards, first match wins) decide; without a matching rule the
 * command's default role list does. Root Admin may call everything.
 */
import type { Db } from '../../db/dialect.js';
import type { RoleType } from '../../api/roles.js';
import { likeInsensitive, likePattern } from '../../db/dialect.js';
import type { Page } from '../paging.js';

interface Rule {
  re: RegExp;
  allow: boolean;
}

export interface RoleRow {
  id: number;
  uuid: string;
  name: string;
  role_type: string;
  description: string | null;
  is_default: number;
}

const CACHE_MS = 5000;

export class RoleService {
  private rules = new Map<number, { rules: Rule[]; at: number }>();
  constructor(private readonly db: Db) {}

  invalidate(): void {
    this.rules.clear();
  }

  private async rulesOf(roleId: number): Promise<Rule[]> {
    const hit = this.rules.get(roleId);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.rules;
    const rows = await this.db.kysely.selectFrom('role_permissions').select(['rule', 'permission']).where('role_id', '=', roleId).orderBy('sort_order').execute();
    const rules = rows.map((r) => ({
      re: new RegExp('^' + r.rule.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$', 'i'),
      allow: r.permission.toUpperCase() === 'ALLOW',
    }));
    this.rules.set(roleId, { rules, at: Date.now() });
    return rules;
  }

  async isAllowed(roleId: number, roleType: RoleType, command: string, defaultRoles: RoleType[]): Promise<boolean> {
    if (roleType === 'Admin') return true;
    for (const r of await this.rulesOf(roleId)) if (r.re.test(command)) return r.allow;
    return defaultRoles.includes(roleType);
  }

  async list(f: { id?: number | undefined; name?: string | undefined; type?: string | undefined; keyword?: string | undefined }, allowedTypes: RoleType[] | null, page: Page): Promise<{ rows: RoleRow[]; count: number }> {
    let q = this.db.kysely.selectFrom('roles').select(['id', 'uuid', 'name', 'role_type', 'description', 'is_default']).where('removed', 'is', null);
    if (f.id !== undefined) q = q.where('id', '=', f.id);
    if (f.name !== undefined) q = q.where('name', '=', f.name);
    if (f.type !== undefined) q = q.where('role_type', '=', f.type);
    if (f.keyword) q = q.where('name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    if (allowedTypes) q = q.where('role_type', 'in', allowedTypes);
    return page.run(q.orderBy('id'));
  }
}
