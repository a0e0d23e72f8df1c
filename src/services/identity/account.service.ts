/** Accounts: creation with their first user, state changes, deletion with cleanup hooks. */
import { randomUUID } from 'node:crypto';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { CloudError, paramError, permissionDenied } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import { isRootAdmin, SYSTEM_ACCOUNT_ID } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import { accountQuery, lockDomainRow, type AccountRow } from './identity.queries.js';
import { applyScopeShape, scopeArgs, scopeShape, type ListScope, type Scoper } from './scope.js';
import type { UserService } from './user.service.js';
import { roleTypeOfAccountType, accountTypeOfRoleType, type RoleType } from '../../api/roles.js';
import { PagedQuery, type Page } from '../paging.js';

/** Called before an account is removed, so each area can release what the account owns. */
export type AccountCleanupHook = (accountId: number, caller: Caller) => Promise<void>;
/** Runs inside the transaction that creates an account (e.g. its default security group). */
export type AccountCreateHook = (trx: Kysely<Database>, account: { id: number; domainId: number }) => Promise<void>;

export interface NewAccount {
  accountName?: string | undefined;
  accountType?: number | undefined;
  roleId?: number | undefined;
  domainId?: number | undefined;
  networkDomain?: string | undefined;
  accountUuid?: string | undefined;
  user: {
    username: string;
    password: string;
    email: string;
    firstname: string;
    lastname: string;
    timezone?: string | undefined;
    userUuid?: string | undefined;
  };
}

export class AccountService {
  users!: UserService;
  private readonly cleanupHooks: AccountCleanupHook[] = [];
  private readonly createHooks: AccountCreateHook[] = [];
  /** Bumped on every identity change so cached callers are dropped. */
  onChange: () => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly scoper: Scoper,
  ) {}

  addCleanupHook(h: AccountCleanupHook): void {
    this.cleanupHooks.push(h);
  }

  addCreateHook(h: AccountCreateHook): void {
    this.createHooks.push(h);
  }

  async get(id: number): Promise<AccountRow> {
    const a = await accountQuery(this.db.kysely).where('a.id', '=', id).executeTakeFirst();
    if (!a) throw paramError('Unable to find account by id');
    return a as AccountRow;
  }

  /** Loads an account and checks that the caller may manage it. */
  async getForUpdate(caller: Caller, id: number): Promise<AccountRow> {
    const a = await this.get(id);
    this.scoper.checkAccess(caller, { accountId: a.id, domainId: a.domain_id, domainPath: a.domain_path }, 'account');
    return a;
  }

  /** Resolves `account`+`domainid` or `id` to one account (CloudStack's pair of selectors). */
  async resolve(caller: Caller, p: { id?: number | undefined; account?: string | undefined; domainid?: number | undefined }): Promise<AccountRow> {
    if (p.id !== undefined) return this.getForUpdate(caller, p.id);
    if (p.account !== undefined) {
      if (p.domainid === undefined) throw paramError('Either id or account name and domain id are required');
      const a = await this.scoper.accountByName(caller, p.account, p.domainid);
      return this.getForUpdate(caller, a.id);
    }
    throw paramError('Either id or account name and domain id are required');
  }

  private async roleFor(trx: Kysely<Database>, roleId: number | undefined, accountType: number | undefined): Promise<{ id: number; type: RoleType }> {
    if (roleId !== undefined) {
      const r = await trx.selectFrom('roles').select(['id', 'role_type']).where('id', '=', roleId).where('removed', 'is', null).executeTakeFirst();
      if (!r) throw paramError('Unable to find role by id');
      if (accountType !== undefined && accountTypeOfRoleType(r.role_type as RoleType) !== accountType) throw paramError('The role type does not match the account type');
      return { id: r.id, type: r.role_type as RoleType };
    }
    const type = roleTypeOfAccountType(accountType ?? 0);
    const r = await trx.selectFrom('roles').select(['id']).where('role_type', '=', type).where('is_default', '=', 1).orderBy('id').executeTakeFirstOrThrow();
    return { id: r.id, type };
  }

  async create(caller: Caller, p: NewAccount): Promise<AccountRow> {
    const domainId = p.domainId ?? caller.domainId;
    await this.scoper.checkDomainAccess(caller, domainId);
    if (caller.roleType === 'User') throw permissionDenied('Users cannot create accounts');
    const name = p.accountName ?? p.user.username;
    const k = this.db.kysely;
    const id = await k.transaction().execute(async (trx) => {
      await lockDomainRow(trx, this.db.dialect, domainId);
      const role = await this.roleFor(trx, p.roleId, p.accountType);
      // Only a root admin makes admins; domain admins make users and domain admins below them.
      if (!isRootAdmin(caller) && role.type === 'Admin') throw permissionDenied('Only a root admin can create root admin accounts');
      const dup = await trx.selectFrom('accounts').select('id').where('account_name', '=', name).where('domain_id', '=', domainId).where('removed', 'is', null).executeTakeFirst();
      if (dup) throw paramError(`The specified account: ${name} already exists`);
      const uuid = p.accountUuid ?? randomUUID();
      const accountId = await insertId(trx, this.db.dialect, 'accounts', {
        uuid, account_name: name, type: accountTypeOfRoleType(role.type), role_id: role.id, domain_id: domainId, state: 'enabled',
        network_domain: p.networkDomain ?? null, default_zone_id: null, cleanup_needed: 0, created: Date.now(), removed: null,
      });
      await this.users.insert(trx, accountId, domainId, { ...p.user, isDefault: true });
      for (const hook of this.createHooks) await hook(trx, { id: accountId, domainId });
      await this.events.record({ type: 'ACCOUNT.CREATE', description: `Account ${name} created`, userId: caller.userId, accountId, domainId, resourceType: 'Account', resourceUuid: uuid }, trx);
      return accountId;
    });
    this.onChange();
    return this.get(id);
  }

  async update(caller: Caller, a: AccountRow, p: { newName?: string | undefined; networkDomain?: string | undefined; roleId?: number | undefined }): Promise<AccountRow> {
    if (a.id === SYSTEM_ACCOUNT_ID) throw permissionDenied('The system account cannot be modified');
    await this.db.kysely.transaction().execute(async (trx) => {
      const set: Record<string, unknown> = {};
      if (p.newName !== undefined && p.newName !== a.account_name) {
        await lockDomainRow(trx, this.db.dialect, a.domain_id);
        const dup = await trx.selectFrom('accounts').select('id').where('account_name', '=', p.newName).where('domain_id', '=', a.domain_id).where('removed', 'is', null).executeTakeFirst();
        if (dup) throw paramError(`There already exists an account with the name:${p.newName} in the domain:${a.domain_id} with existing account id:${dup.id}`);
        set.account_name = p.newName;
      }
      if (p.networkDomain !== undefined) set.network_domain = p.networkDomain || null;
      if (p.roleId !== undefined) {
        const role = await this.roleFor(trx, p.roleId, undefined);
        if (accountTypeOfRoleType(role.type) !== a.type) throw paramError('The new role must be of the same role type as the account');
        set.role_id = role.id;
      }
      if (Object.keys(set).length) await trx.updateTable('accounts').set(set).where('id', '=', a.id).execute();
      await this.events.record({ type: 'ACCOUNT.UPDATE', description: `Account ${a.account_name} updated`, userId: caller.userId, accountId: a.id, domainId: a.domain_id, resourceType: 'Account', resourceUuid: a.uuid }, trx);
    });
    this.onChange();
    return this.get(a.id);
  }

  /** enabled → disabled | locked, and back; disabling stops the account's VMs (hook). */
  async setState(caller: Caller, a: AccountRow, state: 'enabled' | 'disabled' | 'locked'): Promise<AccountRow> {
    if (a.id === SYSTEM_ACCOUNT_ID) throw permissionDenied('The system account cannot be modified');
    if (a.id === caller.accountId && state !== 'enabled') throw permissionDenied('An account cannot disable or lock itself');
    // CloudStack has no ACCOUNT.LOCK: locking is a disable (AccountManagerImpl.lockAccount).
    const type = state === 'enabled' ? 'ACCOUNT.ENABLE' : 'ACCOUNT.DISABLE';
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('accounts').set({ state }).where('id', '=', a.id).execute();
      await this.events.record({ type, description: `Account ${a.account_name} ${state}`, userId: caller.userId, accountId: a.id, domainId: a.domain_id, resourceType: 'Account', resourceUuid: a.uuid }, trx);
    });
    this.onChange();
    return this.get(a.id);
  }

  async delete(caller: Caller, id: number): Promise<void> {
    const a = await this.getForUpdate(caller, id);
    if (a.id === SYSTEM_ACCOUNT_ID) throw permissionDenied('The system account cannot be deleted');
    if (a.id === caller.accountId) throw permissionDenied('An account cannot delete itself');
    if (a.type === 1) {
      const admins = await this.db.kysely.selectFrom('accounts').select(this.db.kysely.fn.countAll<number>().as('n')).where('type', '=', 1).where('removed', 'is', null).where('id', '!=', SYSTEM_ACCOUNT_ID).executeTakeFirstOrThrow();
      if (Number(admins.n) <= 1) throw new CloudError('PermissionDenied', 'Cannot delete the last root admin account');
    }
    for (const hook of this.cleanupHooks) await hook(a.id, caller);
    const now = Date.now();
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ removed: now, state: 'disabled', api_key: null, secret_key: null }).where('account_id', '=', a.id).where('removed', 'is', null).execute();
      await trx.deleteFrom('sessions').where('user_id', 'in', (eb) => eb.selectFrom('users').select('id').where('account_id', '=', a.id)).execute();
      await trx.updateTable('accounts').set({ removed: now, state: 'disabled' }).where('id', '=', a.id).execute();
      await this.events.record({ type: 'ACCOUNT.DELETE', description: `Account ${a.account_name} deleted`, userId: caller.userId, accountId: a.id, domainId: a.domain_id, resourceType: 'Account', resourceUuid: a.uuid }, trx);
    });
    this.onChange();
  }

  // listAccounts is the core bench's hot path: its query is a template per shape (db/prepared.ts).
  private readonly listQuery = new PagedQuery<AccountRow>((k, $, shape) => {
    const [scope, id, name, type, state, keyword] = shape.split(',');
    let q = applyScopeShape(accountQuery(k), scope!, 'a.id', 'a.domain_id', $).where('a.id', '!=', SYSTEM_ACCOUNT_ID);
    if (id) q = q.where('a.id', '=', $<number>('id'));
    if (name) q = q.where('a.account_name', '=', $<string>('name'));
    if (type) q = q.where('a.type', '=', $<number>('type'));
    if (state) q = q.where('a.state', '=', $<string>('state'));
    if (keyword) q = q.where('a.account_name', likeInsensitive(this.db.dialect), $<string>('keyword'));
    return q.orderBy('a.id') as SelectQueryBuilder<any, any, AccountRow>;
  }, { cacheRows: true });

  async list(caller: Caller, scope: ListScope, f: { id?: number | undefined; name?: string | undefined; accounttype?: number | undefined; state?: string | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: readonly AccountRow[]; count: number }> {
    void caller;
    const args: Record<string, unknown> = scopeArgs(scope);
    const flag = (v: unknown) => (v === undefined ? '' : '1');
    if (f.id !== undefined) args['id'] = f.id;
    if (f.name !== undefined) args['name'] = f.name;
    if (f.accounttype !== undefined) args['type'] = f.accounttype;
    if (f.state !== undefined) args['state'] = f.state.toLowerCase();
    if (f.keyword) args['keyword'] = likePattern(f.keyword);
    const shape = [scopeShape(scope), flag(f.id), flag(f.name), flag(f.accounttype), flag(f.state), f.keyword ? '1' : ''].join(',');
    return page.runPrepared(this.listQuery, this.db.kysely, shape, args);
  }
}
