/**
 * Quota credits and balances (CloudStack's quotaCredits, quotaBalance, quotaSummary). An
 * account's balance at a moment is what it was credited up to then minus the charges of its
 * usage records that had ended by then, priced by the tariffs (QuotaService.charges). Only
 * the credits are stored; balances are computed from them and the records on request, so a
 * tariff change or a re-run period can never leave a stale balance behind.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/dialect.js';
import { paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { Page } from '../paging.js';
import type { QuotaService } from './quota.service.js';

export interface CreditRow { uuid: string; credit: number; created: number; creditor_uuid: string | null; creditor_name: string | null }

export interface BalanceView { start: number; end: number; startQuota: number; endQuota: number; credits: CreditRow[] }

export interface SummaryRow {
  account_uuid: string; account_name: string; domain_uuid: string; domain_name: string; state: string; balance: number; quota: number; start: number; end: number;
}

/** Balances are money: keep them to the cent-fraction CloudStack prints, without float noise. */
const money = (x: number) => Math.round(x * 1e6) / 1e6;

export class QuotaCreditService {
  clock: () => number = () => Date.now();

  constructor(private readonly db: Db, private readonly quota: QuotaService, private readonly scoper: Scoper) {}

  /** quotaCredits: adds `value` (negative withdraws) to the account's balance now. */
  async add(caller: Caller, account: { id: number; domainId: number }, value: number): Promise<CreditRow> {
    if (!Number.isFinite(value)) throw paramError('The credit value must be a number');
    const row = { uuid: randomUUID(), account_id: account.id, domain_id: account.domainId, credit: value, creditor_user_id: caller.userId, created: this.clock() };
    await this.db.kysely.insertInto('quota_credits').values(row).execute();
    return (await this.credits(account.id, row.created, row.created)).find((c) => c.uuid === row.uuid)!;
  }

  /** Credits made in [from, to], oldest first, with their creditor. */
  async credits(accountId: number, from: number | undefined, to: number): Promise<CreditRow[]> {
    let q = this.db.kysely.selectFrom('quota_credits as c').leftJoin('users as u', 'u.id', 'c.creditor_user_id')
      .select(['c.uuid', 'c.credit', 'c.created', 'u.uuid as creditor_uuid', 'u.username as creditor_name']).where('c.account_id', '=', accountId).where('c.created', '<=', to);
    if (from !== undefined) q = q.where('c.created', '>=', from);
    return (await q.orderBy('c.created').orderBy('c.id').execute()).map((c) => ({ ...c, credit: Number(c.credit), created: Number(c.created) }));
  }

  /** The account's balance at `at`: its credits up to then minus the charges of records ended by then. */
  async balanceAt(accountId: number, at: number): Promise<number> {
    const c = await this.db.kysely.selectFrom('quota_credits').select((eb) => eb.fn.sum<number>('credit').as('total')).where('account_id', '=', accountId).where('created', '<=', at).executeTakeFirst();
    const charged = (await this.quota.charges(accountId, { to: at })).reduce((a, l) => a + l.quota, 0);
    return money(Number(c?.total ?? 0) - charged);
  }

  /** quotaBalance: the balance at the start and the end of [start, end] and the credits in between (no dates: now). */
  async balance(accountId: number, start?: Date, end?: Date): Promise<BalanceView> {
    if (start && end && start.getTime() > end.getTime()) throw paramError('Incorrect Date range. Start date is after end date');
    const now = this.clock();
    // A bare end date means its last second (23:59:59): the records of that day end at the next midnight.
    const to = end ? end.getTime() + 1000 : now;
    const from = start ? Math.min(start.getTime(), to) : to;
    return { start: from, end: to, startQuota: await this.balanceAt(accountId, from), endQuota: await this.balanceAt(accountId, to), credits: start ? await this.credits(accountId, from, to) : [] };
  }

  /**
   * quotaSummary: each account's balance now and its charges this month (GMT). Accounts with
   * quota activity (a credit or a usage record) only, unless `listAll`.
   */
  async summary(scope: ListScope, f: { listAll?: boolean | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: SummaryRow[]; count: number }> {
    let q = this.scoper.apply(this.db.kysely.selectFrom('accounts as a').innerJoin('domains as d', 'd.id', 'a.domain_id')
      .select(['a.id', 'a.uuid as account_uuid', 'a.account_name', 'a.state', 'd.uuid as domain_uuid', 'd.name as domain_name']).where('a.removed', 'is', null), scope, 'a.id', 'a.domain_id');
    if (f.keyword) q = q.where('a.account_name', 'like', `%${f.keyword.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
    if (!f.listAll) {
      q = q.where((eb) => eb.or([
        eb.exists(eb.selectFrom('quota_credits as qc').select('qc.id').whereRef('qc.account_id', '=', 'a.id')),
        eb.exists(eb.selectFrom('usage_records as ur').select('ur.id').whereRef('ur.account_id', '=', 'a.id')),
      ]));
    }
    const r = await page.run(q.orderBy('a.id'));
    const end = this.clock();
    const d = new Date(end);
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const rows: SummaryRow[] = [];
    for (const a of r.rows) {
      const quota = (await this.quota.charges(a.id, { from: start, to: end })).reduce((x, l) => x + l.quota, 0);
      rows.push({ ...a, balance: await this.balanceAt(a.id, end), quota: money(quota), start, end });
    }
    return { rows, count: r.count };
  }
}
