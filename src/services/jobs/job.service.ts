/**
 * Durable async jobs. A job row is written with its Scheduled event before the API call
 * returns; the work runs in this process; the final status, result and Completed event are
 * written in one transaction. On start-up, jobs left in progress by this server are either
 * resumed (their command is declared resumable) or failed with a clear message.
 *
 * In a farm (PostgreSQL/MariaDB) a job is also leased: `lease_until` is renewed with the
 * server's heartbeat, and a job whose lease ran out (its server died) is claimed by another
 * server with `FOR UPDATE SKIP LOCKED` and resumed or failed there. Failing an interrupted
 * job first runs the compensation registered for its instance type (e.g. a VM left Starting
 * is settled from what its host reports).
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/dialect.js';
import { likeInsensitive, likePattern } from '../../db/dialect.js';
import { insertIdTemplate, QueryTemplate } from '../../db/prepared.js';
import type { EventService } from '../events/event.service.js';
import type { Caller } from '../caller.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { Page } from '../paging.js';
import type { AsyncJobsTable } from '../../db/schema/core.js';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema/index.js';

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

/** Puts an entity an interrupted job left half-way into a stable state (best effort). */
export type Compensation = (instanceUuid: string, job: Selectable<AsyncJobsTable>) => Promise<void>;

export type JobWork = (job: { uuid: string; id: number; progress(n: number): Promise<void> }) => Promise<JobOutcome>;

export class JobService {
  readonly msid: string;
  private running = new Map<string, Promise<void>>();
  private readonly log: (msg: string, err?: unknown) => void;
  /** How long a job's lease lasts past the last heartbeat (farm databases only). */
  leaseMs = 30_000;
  private readonly compensations = new Map<string, Compensation>();

  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly scoper: Scoper,
    opts: { msid: string; log?: (msg: string, err?: unknown) => void },
  ) {
    this.msid = opts.msid;
    this.log = opts.log ?? (() => {});
  }

  /** A single SQLite server owns every job; leases matter only on a shared database. */
  private get farm(): boolean {
    return this.db.dialect !== 'sqlite';
  }

  /** Registers the compensation run when a job on this instance type is interrupted. */
  onInterrupted(instanceType: string, fn: Compensation): void {
    this.compensations.set(instanceType, fn);
  }

  /** Writes the job row (and its Scheduled event), then starts the work. */
  async submit(spec: SubmitSpec, work: JobWork): Promise<{ uuid: string; id: number }> {
    const job = await this.db.kysely.transaction().execute((trx) => this.insert(trx, spec));
    this.start(job.id, job.uuid, spec, work, job.startEventId);
    return { uuid: job.uuid, id: job.id };
  }

  /**
   * Writes the job row and its Scheduled event in the caller's transaction (an async create
   * writes them with its entity); the caller then `start`s it once that has committed.
   */
  async insert(trx: Kysely<Database>, spec: SubmitSpec): Promise<{ uuid: string; id: number; startEventId: number | null }> {
    const uuid = spec.uuid ?? randomUUID();
    const now = Date.now();
    const c = spec.caller;
    let startEventId: number | null = null;
    if (spec.eventType) {
      startEventId = await this.events.record(
        { type: spec.eventType, state: 'Scheduled', description: spec.eventDescription ?? `${spec.cmd} scheduled`, userId: c.userId, accountId: spec.ownerAccountId ?? c.accountId, domainId: spec.ownerDomainId ?? c.domainId, resourceType: spec.instanceType ?? null, resourceUuid: spec.instanceUuid ?? null },
        trx,
      );
    }
    const id = await INSERT_JOB(trx, this.db.dialect, {
      uuid, user_id: c.userId, account_id: c.accountId, domain_id: c.domainId, cmd: spec.cmd, cmd_info: JSON.stringify(spec.params),
      status: JOB_STATUS.IN_PROGRESS, process_status: 0, result_code: 0, result_type: null, result: null,
      instance_type: spec.instanceType ?? null, instance_uuid: spec.instanceUuid ?? null, start_event_id: startEventId,
      msid: this.msid, lease_until: this.farm ? now + this.leaseMs : null, created: now, updated: now, completed: null,
    });
    return { uuid, id, startEventId };
  }

  /**
   * Runs the work of an existing job row (used by submit and by recovery). `startEventId`,
   * when the caller just wrote the row, saves reading it back.
   */
  start(id: number, uuid: string, spec: SubmitSpec, work: JobWork, startEventId?: number | null): void {
    const run = (async () => {
      await new Promise((r) => setImmediate(r));
      const c = spec.caller;
      const owner = { accountId: spec.ownerAccountId ?? c.accountId, domainId: spec.ownerDomainId ?? c.domainId };
      const startId = startEventId !== undefined ? startEventId
        : (await this.db.kysely.selectFrom('async_jobs').select('start_event_id').where('id', '=', id).executeTakeFirst())?.start_event_id ?? null;
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
      const done = await FINISH.run(trx, this.farm ? 'farm' : '', {
        status: o.ok ? JOB_STATUS.SUCCEEDED : JOB_STATUS.FAILED, code: o.ok ? 0 : o.code, type: o.type, result: JSON.stringify(o.result ?? null), now, id, msid: this.msid,
      });
      if (this.farm && Number(done.numAffectedRows) === 0) {
        this.log(`job ${id} was taken over by another management server; its outcome here is dropped`);
        return;
      }
      if (spec.eventType && o.ok && startId !== null && spec.instanceUuid) {
        // The action already wrote its Completed event in its own transaction: adopt it as
        // the job's, so a job has exactly Scheduled, Started and Completed (as in CloudStack).
        const adopted = await ADOPT.run(trx, '', { startId, type: spec.eventType, uuid: spec.instanceUuid });
        if (Number(adopted.numAffectedRows) > 0) return;
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

  /**
   * Resolves once the job has finished here and its outcome is committed (at once when this
   * process does not run it): an in-process caller, such as the bench, waits for this instead
   * of polling queryAsyncJobResult at a fixed interval.
   */
  async settled(uuid: string): Promise<void> {
    await this.running.get(uuid);
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
    // In a farm only ours and those whose lease ran out (their server died or stopped).
    if (this.farm) {
      const all: Selectable<AsyncJobsTable>[] = [];
      for (let batch = await this.claimExpired(Date.now(), true); ; batch = await this.claimExpired(Date.now(), true)) {
        all.push(...batch);
        if (batch.length < 100) return all;
      }
    }
    // A single SQLite server owns every job.
    const rows = await this.db.kysely.selectFrom('async_jobs').selectAll().where('status', '=', JOB_STATUS.IN_PROGRESS).execute();
    if (rows.length) {
      await this.db.kysely.updateTable('async_jobs').set({ msid: this.msid, updated: Date.now() }).where('id', 'in', rows.map((r) => r.id)).execute();
    }
    return rows;
  }

  /** Extends the lease of every job this server runs (called with each heartbeat). */
  async renewLeases(now = Date.now()): Promise<void> {
    if (!this.farm) return;
    await this.db.kysely.updateTable('async_jobs').set({ lease_until: now + this.leaseMs }).where('msid', '=', this.msid).where('status', '=', JOB_STATUS.IN_PROGRESS).execute();
  }

  /**
   * Claims in-progress jobs whose lease ran out (and, at start-up, those our previous run
   * left): rows locked by another server's claim are skipped, so each job goes to one server.
   */
  async claimExpired(now = Date.now(), includeOwn = false, limit = 100): Promise<Selectable<AsyncJobsTable>[]> {
    return this.db.kysely.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('async_jobs').selectAll().where('status', '=', JOB_STATUS.IN_PROGRESS)
        .where((eb) => {
          // No lease: written by a server of an older version, taken over only once that one is Down.
          const unleasedOfGone = eb.and([eb('lease_until', 'is', null), eb('msid', 'not in', eb.selectFrom('management_servers').select('msid').where('state', '=', 'Up'))]);
          const expired = eb.or([eb('lease_until', '<', now), unleasedOfGone]);
          const others = eb.or([eb('msid', '!=', this.msid), eb('msid', 'is', null)]);
          return includeOwn ? eb.or([eb('msid', '=', this.msid), eb('msid', 'is', null), expired]) : eb.and([others, expired]);
        })
        .orderBy('id').limit(limit).forUpdate().skipLocked().execute();
      if (rows.length) {
        await trx.updateTable('async_jobs').set({ msid: this.msid, lease_until: now + this.leaseMs, updated: now }).where('id', 'in', rows.map((r) => r.id)).execute();
      }
      return rows.map((r) => ({ ...r, msid: this.msid }));
    });
  }

  /** Fails an interrupted job (after its compensation); `eventType` closes its Scheduled event. */
  async failOrphan(row: Selectable<AsyncJobsTable>, caller: Caller, reason: string, eventType?: string): Promise<void> {
    const fix = row.instance_type && row.instance_uuid ? this.compensations.get(row.instance_type) : undefined;
    if (fix) await fix(row.instance_uuid!, row).catch((err) => this.log(`compensating interrupted job ${row.uuid} failed`, err));
    const spec: SubmitSpec = { cmd: row.cmd, caller, params: {}, instanceType: row.instance_type ?? undefined, instanceUuid: row.instance_uuid ?? undefined, eventType: row.start_event_id !== null ? eventType : undefined };
    await this.finish(row.id, { ok: false, code: 530, type: 'object', result: { errorcode: 530, errortext: reason } }, spec, row.start_event_id, { accountId: row.account_id, domainId: row.domain_id });
  }

  private jobQuery() {
    return jobQuery(this.db.kysely);
  }

  async get(id: number): Promise<JobRow | undefined> {
    const [row] = await JOB_BY_ID.execute(this.db.kysely, '', { id });
    return row as JobRow | undefined;
  }

  async list(scope: ListScope, f: { startdate?: Date | undefined; keyword?: string | undefined; id?: number | undefined }, page: Page): Promise<{ rows: JobRow[]; count: number }> {
    let q = this.scoper.apply(this.jobQuery(), scope, 'j.account_id', 'j.domain_id');
    if (f.id !== undefined) q = q.where('j.id', '=', f.id);
    if (f.startdate) q = q.where('j.created', '>=', f.startdate.getTime());
    if (f.keyword) q = q.where('j.cmd', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('j.id')) as Promise<{ rows: JobRow[]; count: number }>;
  }
}

function jobQuery(k: Kysely<Database>) {
  return k
    .selectFrom('async_jobs as j')
    .innerJoin('accounts as a', 'a.id', 'j.account_id')
    .innerJoin('domains as d', 'd.id', 'j.domain_id')
    .innerJoin('users as u', 'u.id', 'j.user_id')
    .selectAll('j')
    .select(['a.uuid as account_uuid', 'a.account_name', 'd.uuid as domain_uuid', 'd.path as domain_path', 'u.uuid as user_uuid']);
}

// Every deploy writes and finishes a job and is polled about twice (issue #5 bench): templates.
const INSERT_JOB = insertIdTemplate('async_jobs', ['uuid', 'user_id', 'account_id', 'domain_id', 'cmd', 'cmd_info', 'status', 'process_status', 'result_code', 'result_type', 'result',
  'instance_type', 'instance_uuid', 'start_event_id', 'msid', 'lease_until', 'created', 'updated', 'completed']);
const JOB_BY_ID = new QueryTemplate((k, $) => jobQuery(k).where('j.id', '=', $<number>('id')));
/** Shape 'farm': a job another server took over (our lease ran out) is that server's to finish. */
const FINISH = new QueryTemplate((k, $, shape) => {
  const q = k.updateTable('async_jobs')
    .set({ status: $('status'), result_code: $('code'), result_type: $('type'), result: $('result'), updated: $('now'), completed: $('now') })
    .where('id', '=', $<number>('id'));
  return shape === 'farm' ? q.where('status', '=', JOB_STATUS.IN_PROGRESS).where('msid', '=', $<string>('msid')) : q;
});
const ADOPT = new QueryTemplate((k, $) => k.updateTable('events').set({ start_id: $<number>('startId') }).where('type', '=', $<string>('type')).where('state', '=', 'Completed')
  .where('start_id', 'is', null).where('resource_uuid', '=', $<string>('uuid')).where('id', '>', $<number>('startId')));
