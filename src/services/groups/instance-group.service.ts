/**
 * Instance groups: named folders of an account's VMs (CloudStack UserVmManagerImpl
 * createVmGroup / updateVmGroup / deleteVmGroup / addInstanceToGroup). A VM is in at most
 * one group; `instance_group_vm_map` links them, the VM table belongs to the VM area.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import type { InstanceGroupsTable } from '../../db/schema/limits.js';
import { paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { Page } from '../paging.js';

/** A live group with its owner's names, as the responses show it. */
export type InstanceGroupRow = Omit<Selectable<InstanceGroupsTable>, 'removed'> & { account_name: string; domain_uuid: string; domain_name: string; domain_path: string };

const groupQuery = (k: Kysely<Database>) =>
  k.selectFrom('instance_groups as g')
    .innerJoin('accounts as a', 'a.id', 'g.account_id')
    .innerJoin('domains as d', 'd.id', 'g.domain_id')
    .select(['g.id', 'g.uuid', 'g.name', 'g.account_id', 'g.domain_id', 'g.created', 'a.account_name', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path'])
    .where('g.removed', 'is', null);

export class InstanceGroupService {
  constructor(
    private readonly db: Db,
    private readonly scoper: Scoper,
  ) {}

  async get(id: number): Promise<InstanceGroupRow> {
    const g = await groupQuery(this.db.kysely).where('g.id', '=', id).executeTakeFirst();
    if (!g) throw paramError(`Unable to find a vm group with specified groupId`);
    return g as InstanceGroupRow;
  }

  /** Loads a group and checks that the caller may manage it (531 otherwise). */
  async getForUpdate(caller: Caller, id: number): Promise<InstanceGroupRow> {
    const g = await this.get(id);
    this.scoper.checkAccess(caller, { accountId: g.account_id, domainId: g.domain_id, domainPath: g.domain_path }, 'instance group');
    return g;
  }

  async create(caller: Caller, p: { name: string; account?: string | undefined; domainid?: number | undefined }): Promise<InstanceGroupRow> {
    const owner = p.account === undefined
      ? { id: caller.accountId, domainId: caller.domainId }
      : await this.scoper.accountByName(caller, p.account, p.domainid);
    const id = await this.db.kysely.transaction().execute(async (trx) => this.insert(trx, owner.id, owner.domainId, p.name));
    return this.get(id);
  }

  async update(caller: Caller, id: number, name: string | undefined): Promise<InstanceGroupRow> {
    const g = await this.getForUpdate(caller, id);
    if (name !== undefined && name !== g.name) {
      await this.db.kysely.transaction().execute(async (trx) => {
        if (await this.byName(trx, g.account_id, name)) throw paramError(`Unable to update vm group, a group with name ${name} already exists for the account`);
        await trx.updateTable('instance_groups').set({ name }).where('id', '=', g.id).execute();
      });
    }
    return this.get(id);
  }

  async delete(caller: Caller, id: number): Promise<void> {
    const g = await this.getForUpdate(caller, id);
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.deleteFrom('instance_group_vm_map').where('group_id', '=', g.id).execute();
      await trx.updateTable('instance_groups').set({ removed: Date.now() }).where('id', '=', g.id).execute();
    });
  }

  async list(scope: ListScope, f: { id?: number | undefined; name?: string | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: InstanceGroupRow[]; count: number }> {
    let q = this.scoper.apply(groupQuery(this.db.kysely), scope, 'g.account_id', 'g.domain_id');
    if (f.id !== undefined) q = q.where('g.id', '=', f.id);
    if (f.name !== undefined) q = q.where('g.name', '=', f.name);
    if (f.keyword) q = q.where('g.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('g.id')) as Promise<{ rows: InstanceGroupRow[]; count: number }>;
  }

  /**
   * Puts a VM into a group of its account, inside the VM area's transaction: by group id, or
   * by name (created when the account has none of that name, as deployVirtualMachine's
   * `group` does); `null` or '' takes it out of its group. Returns the group, if any.
   */
  async assign(trx: Kysely<Database>, vmId: number, group: string | number | null, accountId: number): Promise<{ id: number; uuid: string; name: string } | undefined> {
    await trx.deleteFrom('instance_group_vm_map').where('vm_id', '=', vmId).execute();
    if (group === null || group === '') return undefined;
    let g: { id: number; uuid: string; name: string } | undefined;
    if (typeof group === 'number') {
      g = await trx.selectFrom('instance_groups').select(['id', 'uuid', 'name']).where('id', '=', group).where('account_id', '=', accountId).where('removed', 'is', null).executeTakeFirst();
      if (!g) throw paramError('Unable to find a vm group with specified groupId');
    } else {
      g = await this.byName(trx, accountId, group);
      if (!g) {
        const a = await trx.selectFrom('accounts').select('domain_id').where('id', '=', accountId).executeTakeFirstOrThrow();
        const id = await this.insert(trx, accountId, a.domain_id, group);
        g = await trx.selectFrom('instance_groups').select(['id', 'uuid', 'name']).where('id', '=', id).executeTakeFirstOrThrow();
      }
    }
    await insertId(trx, this.db.dialect, 'instance_group_vm_map', { group_id: g.id, vm_id: vmId });
    return g;
  }

  /** The group of each VM (for the `group`/`groupid` fields of virtualmachine responses). */
  async groupsOfVms(vmIds: number[]): Promise<Map<number, { uuid: string; name: string }>> {
    if (vmIds.length === 0) return new Map();
    const rows = await this.db.kysely.selectFrom('instance_group_vm_map as m').innerJoin('instance_groups as g', 'g.id', 'm.group_id')
      .select(['m.vm_id', 'g.uuid', 'g.name']).where('m.vm_id', 'in', vmIds).where('g.removed', 'is', null).execute();
    return new Map(rows.map((r) => [r.vm_id, { uuid: r.uuid, name: r.name }]));
  }

  /** Removes a VM from its group (call when the VM is expunged). */
  async unassign(trx: Kysely<Database>, vmId: number): Promise<void> {
    await trx.deleteFrom('instance_group_vm_map').where('vm_id', '=', vmId).execute();
  }

  /** Account deletion: its groups go with it. */
  async forgetAccount(accountId: number): Promise<void> {
    await this.db.kysely.transaction().execute(async (trx) => {
      const ids = (await trx.selectFrom('instance_groups').select('id').where('account_id', '=', accountId).execute()).map((r) => r.id);
      if (ids.length) await trx.deleteFrom('instance_group_vm_map').where('group_id', 'in', ids).execute();
      await trx.updateTable('instance_groups').set({ removed: Date.now() }).where('account_id', '=', accountId).where('removed', 'is', null).execute();
    });
  }

  private byName(exec: Kysely<Database>, accountId: number, name: string) {
    return exec.selectFrom('instance_groups').select(['id', 'uuid', 'name']).where('account_id', '=', accountId).where('name', '=', name).where('removed', 'is', null).executeTakeFirst();
  }

  private async insert(trx: Kysely<Database>, accountId: number, domainId: number, name: string): Promise<number> {
    if (await this.byName(trx, accountId, name)) throw paramError(`Unable to create vm group, a group with name ${name} already exists for the account`);
    return insertId(trx, this.db.dialect, 'instance_groups', { uuid: randomUUID(), name, account_id: accountId, domain_id: domainId, created: Date.now(), removed: null });
  }
}
