/**
 * Security groups (CloudStack SecurityGroupManagerImpl): named sets of allow rules owned by an
 * account; a VM in a security-group enabled network is a member of one or more of them.
 * Every account has a group named `default` (no rules: ingress closed, egress open), made
 * when the account is created or, for older accounts, the first time it is needed.
 * Changes commit with their SG.* event; the caller then pushes the affected VMs' rule sets
 * (`SecurityGroupPusher`).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { QueryTemplate } from '../../db/prepared.js';
import { CloudError, paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { Page } from '../paging.js';
import { checkCidrs, checkRuleMatch, type RuleRequest } from './rule-input.js';
import { groupQuery, withDetails, type GroupRow, type GroupWithDetails } from './security-group.queries.js';

export const DEFAULT_GROUP = 'default';
export type RuleType = 'ingress' | 'egress';

export interface Owner { id: number; domainId: number }

export interface AuthorizeInput extends RuleRequest {
  groupId?: number | undefined;
  groupName?: string | undefined;
  account?: string | undefined;
  domainId?: number | undefined;
  cidrs?: string[] | undefined;
  /** usersecuritygrouplist: `{account, group}` pairs in the group owner's domain. */
  userGroups?: Array<Record<string, string>> | undefined;
}

export interface GroupFilter { id?: number | undefined; name?: string | undefined; vmId?: number | undefined; keyword?: string | undefined }

/** The groups of VMs (a deploy answers with its VM's, issue #5 bench): a template per number of VMs. */
const GROUPS_OF_VMS = new QueryTemplate((k, $, n) => groupQuery(k).innerJoin('security_group_vm_map as m', 'm.security_group_id', 'g.id').select('m.vm_id')
  .where('m.vm_id', 'in', $.list<number>('ids', Number(n))).orderBy('g.id'));

export class SecurityGroupService {
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly scoper: Scoper,
  ) {}

  /** The account's `default` group, created if missing (safe under races: the name is unique per account). */
  async ensureDefault(owner: Owner, exec: Kysely<Database> = this.db.kysely): Promise<number> {
    const have = await exec.selectFrom('security_groups').select('id').where('account_id', '=', owner.id).where('name', '=', DEFAULT_GROUP).executeTakeFirst();
    if (have) return have.id;
    try {
      return await insertId(exec, this.db.dialect, 'security_groups', {
        uuid: randomUUID(), name: DEFAULT_GROUP, description: 'Default Security Group', account_id: owner.id, domain_id: owner.domainId, created: Date.now(),
      });
    } catch (e) {
      const again = await exec.selectFrom('security_groups').select('id').where('account_id', '=', owner.id).where('name', '=', DEFAULT_GROUP).executeTakeFirst();
      if (again) return again.id;
      throw e;
    }
  }

  /** The owner a command acts for: `account`+`domainid` (admins) or the caller. */
  async owner(caller: Caller, account: string | undefined, domainId: number | undefined): Promise<Owner> {
    if (account === undefined) {
      if (domainId !== undefined && domainId !== caller.domainId) throw paramError('Account name must be specified along with domain id');
      return { id: caller.accountId, domainId: caller.domainId };
    }
    const a = await this.scoper.accountByName(caller, account, domainId);
    return { id: a.id, domainId: a.domainId };
  }

  async get(id: number, exec: Kysely<Database> = this.db.kysely): Promise<GroupRow> {
    const g = await groupQuery(exec).where('g.id', '=', id).executeTakeFirst();
    if (!g) throw paramError('Unable to find security group by id');
    return g;
  }

  /** A group the caller may act on (531 otherwise). */
  async getAccessible(caller: Caller, id: number): Promise<GroupRow> {
    const g = await this.get(id);
    this.scoper.checkAccess(caller, { accountId: g.account_id, domainId: g.domain_id, domainPath: g.domain_path }, 'security group');
    return g;
  }

  async byName(owner: Owner, name: string): Promise<GroupRow | undefined> {
    if (name.toLowerCase() === DEFAULT_GROUP) await this.ensureDefault(owner);
    return groupQuery(this.db.kysely).where('g.account_id', '=', owner.id).where('g.name', '=', name).executeTakeFirst();
  }

  /** A group named by id, or by name within the owner the command names. */
  async resolve(caller: Caller, p: { id?: number | undefined; name?: string | undefined; account?: string | undefined; domainId?: number | undefined }): Promise<GroupRow> {
    if (p.id !== undefined && p.name !== undefined) throw paramError('Only one of id and name can be specified');
    if (p.id !== undefined) return this.getAccessible(caller, p.id);
    if (p.name === undefined) throw paramError('Either id or name must be specified');
    const owner = await this.owner(caller, p.account, p.domainId);
    const g = await this.byName(owner, p.name);
    if (!g) throw paramError(`Unable to find security group by name ${p.name}`);
    return g;
  }

  async create(caller: Caller, p: { name: string; description?: string | undefined; account?: string | undefined; domainId?: number | undefined }): Promise<GroupWithDetails> {
    const owner = await this.owner(caller, p.account, p.domainId);
    const name = p.name.trim();
    if (name === '') throw paramError('Security group name cannot be empty');
    const uuid = randomUUID();
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      await this.ensureDefault(owner, trx);
      const dup = await trx.selectFrom('security_groups').select('id').where('account_id', '=', owner.id).where('name', '=', name).executeTakeFirst();
      if (dup || name.toLowerCase() === DEFAULT_GROUP) throw paramError(`Unable to create security group, a group with name ${name} already exists.`);
      const gid = await insertId(trx, this.db.dialect, 'security_groups', { uuid, name, description: p.description ?? null, account_id: owner.id, domain_id: owner.domainId, created: Date.now() });
      await this.events.record({ type: 'SG.CREATE', description: `Created security group ${name}`, userId: caller.userId, accountId: owner.id, domainId: owner.domainId, resourceType: 'SecurityGroup', resourceUuid: uuid }, trx);
      return gid;
    });
    return (await withDetails(this.db.kysely, [await this.get(id)]))[0]!;
  }

  /** The default group is reserved; a group in use by VMs or allowed by another group's rule stays. */
  async delete(caller: Caller, g: GroupRow): Promise<void> {
    if (g.name.toLowerCase() === DEFAULT_GROUP) throw paramError('The network group default is reserved');
    await this.db.kysely.transaction().execute(async (trx) => {
      const allowing = await trx.selectFrom('security_group_rules').select('id').where('allowed_security_group_id', '=', g.id).where('security_group_id', '!=', g.id).executeTakeFirst();
      if (allowing) throw new CloudError('ResourceInUse', 'Cannot delete group when there are security rules that allow this group');
      const member = await trx.selectFrom('security_group_vm_map as m').innerJoin('vm_instances as v', 'v.id', 'm.vm_id').select('m.id')
        .where('m.security_group_id', '=', g.id).where('v.removed', 'is', null).executeTakeFirst();
      if (member) throw new CloudError('ResourceInUse', "Cannot delete group when it's in use by virtual machines");
      await trx.deleteFrom('security_group_rules').where('security_group_id', '=', g.id).execute();
      await trx.deleteFrom('security_group_vm_map').where('security_group_id', '=', g.id).execute();
      await trx.deleteFrom('security_groups').where('id', '=', g.id).execute();
      await this.events.record({ type: 'SG.DELETE', description: `Deleted security group ${g.name}`, userId: caller.userId, accountId: g.account_id, domainId: g.domain_id, resourceType: 'SecurityGroup', resourceUuid: g.uuid }, trx);
    });
  }

  async list(caller: Caller, scope: ListScope, f: GroupFilter, page: Page): Promise<{ rows: GroupWithDetails[]; count: number }> {
    // Groups are listed as CloudStack shows them: every account has its default one.
    if (scope.kind === 'account') await this.ensureDefault({ id: scope.accountId, domainId: (await this.accountDomain(scope.accountId)) });
    const k = this.db.kysely;
    let q = this.scoper.apply(groupQuery(k), scope, 'g.account_id', 'g.domain_id');
    if (f.id !== undefined) q = q.where('g.id', '=', f.id);
    if (f.name !== undefined) q = q.where('g.name', '=', f.name);
    if (f.vmId !== undefined) q = q.where('g.id', 'in', k.selectFrom('security_group_vm_map').select('security_group_id').where('vm_id', '=', f.vmId));
    if (f.keyword) q = q.where('g.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    const r = await page.run(q.orderBy('g.id'));
    return { rows: await withDetails(k, r.rows), count: r.count };
  }

  private async accountDomain(accountId: number): Promise<number> {
    return (await this.db.kysely.selectFrom('accounts').select('domain_id').where('id', '=', accountId).executeTakeFirstOrThrow()).domain_id;
  }

  /** Adds the rules (one per CIDR and per named group); rules that already exist are skipped. Returns the group and the new rule ids. */
  async authorize(caller: Caller, type: RuleType, p: AuthorizeInput): Promise<{ group: GroupRow; ruleIds: number[] }> {
    if (p.groupId !== undefined && p.groupName !== undefined) throw paramError('securitygroupid and securitygroupname parameters are mutually exclusive');
    if (p.groupId === undefined && p.groupName === undefined) throw paramError('Either securitygroupid or securitygroupname is required by authorize security group rule');
    const group = await this.resolve(caller, { id: p.groupId, name: p.groupName, account: p.account, domainId: p.domainId });
    const match = checkRuleMatch(p);
    const cidrs = checkCidrs(p.cidrs);
    const allowed: Array<{ id: number }> = [];
    for (const ug of p.userGroups ?? []) {
      const account = ug['account'];
      const name = ug['group'];
      if (!account || !name) throw paramError('Invalid user security group list: each entry needs account and group');
      const a = await this.db.kysely.selectFrom('accounts').select(['id', 'domain_id']).where('account_name', '=', account).where('domain_id', '=', group.domain_id).where('removed', 'is', null).executeTakeFirst();
      if (!a) throw paramError(`Nonexistent account: ${account} when trying to authorize security group rule for ${group.uuid}`);
      const g = await this.byName({ id: a.id, domainId: a.domain_id }, name);
      if (!g) throw paramError(`Nonexistent group ${name} for account ${account}/${group.domain_id}`);
      if (!allowed.some((x) => x.id === g.id)) allowed.push({ id: g.id });
    }
    if (cidrs.length === 0 && allowed.length === 0) throw paramError('At least one cidr or at least one security group needs to be specified');
    const targets: Array<{ cidr: string | null; allowed: number | null }> = [...cidrs.map((c) => ({ cidr: c, allowed: null })), ...allowed.map((g) => ({ cidr: null, allowed: g.id }))];
    const ruleIds = await this.db.kysely.transaction().execute(async (trx) => {
      const ids: number[] = [];
      const existing = await trx.selectFrom('security_group_rules').selectAll().where('security_group_id', '=', group.id).where('type', '=', type).execute();
      for (const t of targets) {
        const same = existing.find((r) => r.protocol === match.protocol && r.start_port === match.startPort && r.end_port === match.endPort
          && r.icmp_type === match.icmpType && r.icmp_code === match.icmpCode && r.cidr === t.cidr && r.allowed_security_group_id === t.allowed);
        if (same) continue;
        ids.push(await insertId(trx, this.db.dialect, 'security_group_rules', {
          uuid: randomUUID(), security_group_id: group.id, type, protocol: match.protocol, start_port: match.startPort, end_port: match.endPort,
          icmp_type: match.icmpType, icmp_code: match.icmpCode, cidr: t.cidr, allowed_security_group_id: t.allowed, created: Date.now(),
        }));
      }
      const ev = type === 'ingress' ? 'SG.AUTH.INGRESS' : 'SG.AUTH.EGRESS';
      await this.events.record({ type: ev, description: `Authorized ${type} rules in security group ${group.name}`, userId: caller.userId, accountId: group.account_id, domainId: group.domain_id, resourceType: 'SecurityGroup', resourceUuid: group.uuid }, trx);
      return ids;
    });
    return { group, ruleIds };
  }

  /** The group a rule of the given type belongs to, checked against the caller. */
  async ruleOwner(caller: Caller, ruleId: number, type: RuleType): Promise<{ group: GroupRow; ruleUuid: string }> {
    const r = await this.db.kysely.selectFrom('security_group_rules').select(['security_group_id', 'type', 'uuid']).where('id', '=', ruleId).executeTakeFirst();
    if (!r || r.type !== type) throw paramError(`Unable to find ${type} rule with id ${ruleId}`);
    return { group: await this.getAccessible(caller, r.security_group_id), ruleUuid: r.uuid };
  }

  /** Removes one rule; returns its group (for the push), or undefined when it was already gone. */
  async revoke(caller: Caller, ruleId: number, type: RuleType): Promise<GroupRow | undefined> {
    const r = await this.db.kysely.selectFrom('security_group_rules').select('id').where('id', '=', ruleId).executeTakeFirst();
    if (!r) return undefined;
    const { group } = await this.ruleOwner(caller, ruleId, type);
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.deleteFrom('security_group_rules').where('id', '=', ruleId).execute();
      const ev = type === 'ingress' ? 'SG.REVOKE.INGRESS' : 'SG.REVOKE.EGRESS';
      await this.events.record({ type: ev, description: `Revoked an ${type} rule of security group ${group.name}`, userId: caller.userId, accountId: group.account_id, domainId: group.domain_id, resourceType: 'SecurityGroup', resourceUuid: group.uuid }, trx);
    });
    return group;
  }

  async withDetails(g: GroupRow, onlyRuleIds?: number[]): Promise<GroupWithDetails> {
    return (await withDetails(this.db.kysely, [g], onlyRuleIds))[0]!;
  }

  /**
   * Deploy: the groups a new VM of `owner` joins — those named (by id or name, all the
   * owner's), else the owner's default group. Checked before the VM exists.
   */
  async forDeploy(owner: Owner, ids: number[] | undefined, names: string[] | undefined): Promise<number[]> {
    if (ids?.length && names?.length) throw paramError("Can't specify both security group ids and security group names");
    if (names?.length) {
      const out: number[] = [];
      for (const n of names) {
        const g = await this.byName(owner, n);
        if (!g) throw paramError(`Unable to find security group by name ${n}`);
        out.push(g.id);
      }
      return [...new Set(out)];
    }
    if (ids?.length) {
      for (const id of ids) {
        const g = await this.get(id);
        // CloudStack: a VM joins only groups of its own account.
        if (g.account_id !== owner.id) throw paramError(`Security group ${g.uuid} does not belong to the account the VM is deployed for`);
      }
      return [...new Set(ids)];
    }
    return [await this.ensureDefault(owner)];
  }

  /** The groups of each VM, for the `securitygroup` field of VM responses (one query per page). */
  async ofVms(vmIds: number[]): Promise<Map<number, Array<{ uuid: string; name: string; description: string | null; account_name: string }>>> {
    const out = new Map<number, Array<{ uuid: string; name: string; description: string | null; account_name: string }>>();
    if (vmIds.length === 0) return out;
    const rows = await GROUPS_OF_VMS.execute(this.db.kysely, String(vmIds.length), { ids: vmIds });
    for (const r of rows) out.set(r.vm_id, [...(out.get(r.vm_id) ?? []), r]);
    return out;
  }

  /** Makes the VM a member of the groups (in the deploy transaction). */
  async join(trx: Kysely<Database>, vmId: number, groupIds: number[]): Promise<void> {
    const now = Date.now();
    for (const gid of groupIds) await trx.insertInto('security_group_vm_map').values({ security_group_id: gid, vm_id: vmId, created: now }).execute();
  }

  /** Expunge: the VM leaves its groups; returns them (their peers' rule sets change). */
  async leave(trx: Kysely<Database>, vmId: number): Promise<number[]> {
    const rows = await trx.selectFrom('security_group_vm_map').select('security_group_id').where('vm_id', '=', vmId).execute();
    if (rows.length > 0) await trx.deleteFrom('security_group_vm_map').where('vm_id', '=', vmId).execute();
    return rows.map((r) => r.security_group_id);
  }
}
