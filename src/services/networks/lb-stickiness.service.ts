/**
 * Load balancer stickiness policies (CloudStack LoadBalancingRulesManagerImpl with the
 * virtual router's HAProxy capability): one policy per LB rule, method LbCookie, AppCookie or
 * SourceBased, each with its own parameter names. Events LB.STICKINESSPOLICY.CREATE/DELETE
 * commit with the change; the router document carries the policy (stickiness of its LB).
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { forUpdate, insertId } from '../../db/dialect.js';
import type { LbStickinessPoliciesTable } from '../../db/schema/networks.js';
import { paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { RuleRow, RuleService } from './rule.service.js';
import type { NetworkNotifier } from './notifier.js';

export type StickinessRow = Selectable<LbStickinessPoliciesTable>;

/** Method → parameter → value check (HAProxy's stickiness options as the virtual router offers them). */
const num = /^\d+$/;
const time = /^\d+[smhd]?$/;
const size = /^\d+[kmg]?$/i;
const flag = /^(true|false)$/i;
const METHODS: Record<string, Record<string, RegExp | null>> = {
  LbCookie: { 'cookie-name': null, mode: /^(rewrite|insert|prefix)$/, nocache: flag, indirect: flag, postonly: flag, domain: null },
  AppCookie: { 'cookie-name': null, length: num, holdtime: time, 'request-learn': flag, prefix: flag, mode: /^(path-parameters|query-string)$/ },
  SourceBased: { tablesize: size, expire: time },
};

export class LbStickinessService {
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly rules: RuleService,
    private readonly notifier: NetworkNotifier,
  ) {}

  /** createLBStickinessPolicy's create step: validates method and params, inserts the policy with its event. */
  async create(caller: Caller, p: { ruleId: number; name: string; description?: string | undefined; method: string; params?: Array<Record<string, string>> | undefined }): Promise<StickinessRow> {
    const r = await this.rules.getOwned(caller, p.ruleId, ['LoadBalancing']);
    const method = Object.keys(METHODS).find((m) => m.toLowerCase() === p.method.toLowerCase());
    if (!method) throw paramError(`Failed to create Stickiness policy: Stickiness method ${p.method} is not supported; supported methods are ${Object.keys(METHODS).join(', ')}`);
    const params: Record<string, string> = {};
    for (const row of p.params ?? []) {
      const name = row['name']?.toLowerCase();
      const value = row['value'] ?? '';
      if (!name) throw paramError('Failed to create Stickiness policy: every param needs a name');
      if (!(name in METHODS[method]!)) throw paramError(`Failed : Stickiness policy does not support param name :${name}`);
      const check = METHODS[method]![name];
      if (check && !check.test(value)) throw paramError(`Failed : Stickiness policy param ${name} has an invalid value: ${value}`);
      params[name] = value;
    }
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      // Lock the rule so two concurrent creates cannot both see "no policy yet".
      await forUpdate(trx.selectFrom('firewall_rules').select('id').where('id', '=', r.id), this.db.dialect).execute();
      const have = await trx.selectFrom('lb_stickiness_policies').select('uuid').where('rule_id', '=', r.id).where('removed', 'is', null).executeTakeFirst();
      if (have) throw paramError(`Failed to create Stickiness policy: Already policy attached ${have.uuid}`);
      const uuid = randomUUID();
      const pid = await insertId(trx, this.db.dialect, 'lb_stickiness_policies', { uuid, rule_id: r.id, name: p.name, description: p.description ?? null, method, params: JSON.stringify(params), created: Date.now(), removed: null });
      await this.events.record({ type: 'LB.STICKINESSPOLICY.CREATE', description: `Created stickiness policy ${p.name} on load balancer rule ${r.name ?? r.uuid}`, userId: caller.userId, accountId: r.account_id, domainId: r.domain_id, resourceType: 'StickinessPolicy', resourceUuid: uuid }, trx);
      return pid;
    });
    return this.get(id);
  }

  /** The create job: the router gets the rule with its policy. */
  async apply(id: number): Promise<StickinessRow> {
    const s = await this.get(id);
    const r = await this.rules.get(s.rule_id, ['LoadBalancing']);
    await this.notifier.changed(r.network_id);
    return s;
  }

  async get(id: number): Promise<StickinessRow> {
    const s = await this.db.kysely.selectFrom('lb_stickiness_policies').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
    if (!s) throw paramError('Unable to find stickiness policy by id');
    return s;
  }

  /** The policy and its rule, if the caller may act on the rule. */
  async getOwned(caller: Caller, id: number): Promise<{ policy: StickinessRow; rule: RuleRow }> {
    const policy = await this.get(id);
    return { policy, rule: await this.rules.getOwned(caller, policy.rule_id, ['LoadBalancing']) };
  }

  async delete(caller: Caller, id: number): Promise<void> {
    const { policy, rule } = await this.getOwned(caller, id);
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('lb_stickiness_policies').set({ removed: Date.now() }).where('id', '=', policy.id).where('removed', 'is', null).execute();
      await this.events.record({ type: 'LB.STICKINESSPOLICY.DELETE', description: `Deleted stickiness policy ${policy.name}`, userId: caller.userId, accountId: rule.account_id, domainId: rule.domain_id, resourceType: 'StickinessPolicy', resourceUuid: policy.uuid }, trx);
    });
    await this.notifier.changed(rule.network_id);
  }

  /** listLBStickinessPolicies: the rule (by its id or a policy's) with its live policies. */
  async ofRule(caller: Caller, p: { ruleId?: number | undefined; id?: number | undefined }): Promise<{ rule: RuleRow; policies: StickinessRow[] }> {
    let ruleId = p.ruleId;
    if (p.id !== undefined) {
      const s = await this.get(p.id);
      if (ruleId !== undefined && ruleId !== s.rule_id) throw paramError('The stickiness policy does not belong to the load balancer rule');
      ruleId = s.rule_id;
    }
    if (ruleId === undefined) throw paramError('Either lbruleid or id must be specified');
    const rule = await this.rules.getOwned(caller, ruleId, ['LoadBalancing']);
    let q = this.db.kysely.selectFrom('lb_stickiness_policies').selectAll().where('rule_id', '=', rule.id).where('removed', 'is', null);
    if (p.id !== undefined) q = q.where('id', '=', p.id);
    return { rule, policies: await q.orderBy('id').execute() };
  }
}
