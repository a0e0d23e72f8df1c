/**
 * Durable async jobs. A job row is written with its Scheduled event before the API call
 * returns; the work runs in this process; the final status, result and Completed event are
 * written in one transaction. On start-up, jobs left in progress by this server are either
 * resumed (their command is declared resumable) or failed with a clear message.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import type { EventService } from '../events/event.service.js';
import type { Caller } from '../caller.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { Page } from '../paging.js';
import type { AsyncJobsTable } from '../../db/schema/core.js';
import type { Selectable } from 'kysely';

export const JOB_STATUS = { IN_PROGRESS: 0, SUCCEEDED: 1, FAILED: 2, CANCELLED: 3 } as const;

export type JobRow = Selectable<AsyncJobsTable> & { account_uuid: string; account_name: string; domain_uuid: string; domain_path: string; user_uuid: string };

export interface JobOutcome {
  ok: boolean;
  code: number;
  /** `object` or `text`. */
  type: 'object' | 'text';
  /** The `jobresult` value. */
  result: unknown;
}

export interface SubmitSpec {
  uuid?: string | undefined;
  cmd: string;
  caller: Caller;
  params: Record<string, string>;
  instanceType?: string | undefined;
  instanceUuid?: string | undefined;
  eventType?: string | undefined;
  eventDescription?: string | undefined;
  /** Account owning the affected resource (for the events); defaults to the caller's. */
  ownerAccountId?: number | undefined;
  ownerDomainId?: number | undefined;
}

export type JobWork = (job: { uuid: string; id: number; progress(n: number): Promise<void> }) => Promise<JobOutcome>;

export class JobService {
  readonly msid: string;
  private running = new Map<string, Promise<void>>();
  private readonly log: (msg: string, err?: unknown) => void;

  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly scoper: Scoper,
    opts: { msid: string; log?: (msg: string, err?: unknown) => void },
  ) {
    this.msid = opts.msid;
    this.log = opts.log ?? (() => {});
  }

  /** Writes the job row (and its Scheduled event), then starts the work. */
  async submit(spec: SubmitSpec, work: JobWork): Promise<{ uuid: string; id: number }> {
    const uuid = spec.uuid ?? randomUUID();
    const now = Date.now();
    const k = this.db.kysely;
    const c = spec.caller;
    const id = await k.transaction().execute(async (trx) => {
      let startEventId: number | null = null;
      if (spec.eventType) {
        startEventId = await this.events.record(
          { type: spec.eventType, state: 'Scheduled', description: spec.eventDescription ?? `${spec.cmd} scheduled`, userId: c.userId, accountId: spec.ownerAccountId ?? c.accountId, domainId: spec.ownerDomainId ?? c.domainId, resourceType: spec.instanceType ?? null, resourceUuid: spec.instanceUuid ?? null },
          trx,
        );
      }
      return insertId(trx, this.db.dialect, 'async_jobs', {
        uuid, user_id: c.userId, account_id: c.accountId, domain_id: c.domainId, cmd: spec.cmd, cmd_info: JSON.stringify(spec.params),
        status: JOB_STATUS.IN_PROGRESS, process_status: 0, result_code: 0, result_type: null, result: null,
        instance_type: spec.instanceType ?? null, instance_uuid: spec.instanceUuid ?? null, start_event_id: startEventId,
        msid: this.msid, lease_until: null, created: now, updated: now, completed: null,
      });
    });
    this.start(id, uuid, spec, work);
    return { uuid, id };
  }

  /** Runs the work of an existing job row (used by submit and by recovery). */
  start(id: number, uuid: string, spec: SubmitSpec, work: JobWork): void {
    const run = (async () => {
      await new Promise((r) => setImmediate(r));
      const c = spec.caller;
      const owner = { accountId: spec.ownerAccountId ?? c.accountId, domainId: spec.ownerDomainId ?? c.domainId };
      const row = await this.db.kysely.selectFrom('async_jobs').select('start_event_id').where('id', '=', id).executeTakeFirst();
      const startId = row?.start_event_id ?? null;
      if (spec.eventType) {
        await this.events.record({ type: spec.eventType, state: 'Started', description: spec.eventDescription ?? `${spec.cmd} started`, userId: c.userId, ...owner, startId, resourceType: spec.instanceType ?? null, resourceUuid: spec.instanceUuid ?? null });
      }
      let outcome: JobOutcome;
      try {
        outcome = await work({ uuid, id, progress: (n) => this.progress(id, n) });
      } catch (err) {
        this.log(`job ${uuid} (${spec.cmd}) failed unexpectedly`, err);
        outcome = { ok: false, code: 530, type: 'object', result: { errorcode: 530, errortext: 'Internal error executing command, please contact your system administrator' } };
      }
      await this.finish(id, outcome, spec, startId, owner);
    })().catch((err) => this.log(`job ${uuid} bookkeeping failed`, err));
    this.running.set(uuid, run);
    void run.finally(() => this.running.delete(uuid));
  }

  private async progress(id: number, n: number): Promise<void> {
    await this.db.kysely.updateTable('async_jobs').set({ process_status: n, updated: Date.now() }).where('id', '=', id).execute();
  }

  private async finish(id: number, o: JobOutcome, spec: SubmitSpec, startId: number | null, owner: { accountId: number; domainId: number }): Promise<void> {
    const now = Date.now();
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx
        .updateTable('async_jobs')
        .set({ status: o.ok ? JOB_STATUS.SUCCEEDED : JOB_STATUS.FAILED, result_code: o.ok ? 0 : o.code, result_type: o.type, result: JSON.stringify(o.result ?? null), updated: now, completed: now })
        .where('id', '=', id)
        .execute();
      if (spec.eventType && o.ok && startId !== null && spec.instanceUuid) {
        // The action already wrote its Completed event in its own transaction: adopt it as
        // the job's, so a job has exactly Scheduled, Started and Completed (as in CloudStack).
        const adopted = await trx
          .updateTable('events')
          .set({ start_id: startId })
          .where('type', '=', spec.eventType)
          .where('state', '=', 'Completed')
          .where('start_id', 'is', null)
          .where('resource_uuid', '=', spec.instanceUuid)
          .where('id', '>', startId)
          .executeTakeFirst();
        if (Number(adopted.numUpdatedRows) > 0) return;
      }
      if (spec.eventType) {
        const errText = !o.ok && o.result && typeof o.result === 'object' ? String((o.result as { errortext?: unknown }).errortext ?? '') : '';
        await this.events.record(
          { type: spec.eventType, state: 'Completed', level: o.ok ? 'INFO' : 'ERROR', description: o.ok ? (spec.eventDescription ?? `${spec.cmd} completed`) : `Error while ${spec.cmd}: ${errText}`, userId: spec.caller.userId, ...owner, startId, resourceType: spec.instanceType ?? null, resourceUuid: spec.instanceUuid ?? null },
          trx,
        );
      }
    });
  }

  /** Resolves when every job started by this process has finished (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  /**
   * Jobs left in progress by this server's previous run (same msid) or by a server that is
   * marked Down, claimed for this server: hand each to `resume`, which re-runs or fails it.
   */
  async orphans(): Promise<Selectable<AsyncJobsTable>[]> {
    let q = this.db.kysely.selectFrom('async_jobs').selectAll().where('status', '=', JOB_STATUS.IN_PROGRESS);
    // A single SQLite server owns every job; in a farm only ours and those of stopped servers.
    if (this.db.dialect !== 'sqlite') {
      q = q.where((eb) =>
        eb.or([
          eb('msid', '=', this.msid),
          eb('msid', 'is', null),
          eb('msid', 'in', eb.selectFrom('management_servers').select('msid').where('state', '=', 'Down')),
        ]),
      );
    }
    const rows = await q.execute();
    if (rows.length) {
      await this.db.kysely.updateTable('async_jobs').set({ msid: this.msid, updated: Date.now() }).where('id', 'in', rows.map((r) => r.id)).execute();
    }
    return rows;
  }

  async failOrphan(row: Selectable<AsyncJobsTable>, caller: Caller, reason: string): Promise<void> {
    const spec: SubmitSpec = { cmd: row.cmd, caller, params: {}, instanceType: row.instance_type ?? undefined, instanceUuid: row.instance_uuid ?? undefined };
    await this.finish(row.id, { ok: false, code: 530, type: 'object', result: { errorcode: 530, errortext: reason } }, spec, row.start_event_id, { accountId: row.account_id, domainId: row.domain_id });
  }

  private jobQuery() {
    return this.db.kysely
      .selectFrom('async_jobs as j')
      .innerJoin('accounts as a', 'a.id', 'j.account_id')
      .innerJoin('domains as d', 'd.id', 'j.domain_id')
      .innerJoin('users as u', 'u.id', 'j.user_id')
      .selectAll('j')
      .select(['a.uuid as account_uuid', 'a.account_name', 'd.uuid as domain_uuid', 'd.path as domain_path', 'u.uuid as user_uuid']);
  }

  async get(id: number): Promise<JobRow | undefined> {
    return (await this.jobQuery().where('j.id', '=', id).executeTakeFirst()) as JobRow | undefined;
  }

  async list(scope: ListScope, f: { startdate?: Date | undefined; keyword?: string | undefined; id?: number | undefined }, page: Page): Promise<{ rows: JobRow[]; count: number }> {
    let q = this.scoper.apply(this.jobQuery(), scope, 'j.account_id', 'j.domain_id');
    if (f.id !== undefined) q = q.where('j.id', '=', f.id);
    if (f.startdate) q = q.where('j.created', '>=', f.startdate.getTime());
    if (f.keyword) q = q.where('j.cmd', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('j.id')) as Promise<{ rows: JobRow[]; count: number }>;
  }
}
