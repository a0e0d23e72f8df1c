/**
 * Runs one API command for an authenticated caller: role check, parameter parsing,
 * sync execution or async job submission, and the wire body. Knows nothing of HTTP.
 */
import type { Selectable } from 'kysely';
import { CloudError, toErrorResponse } from './errors.js';
import { parseParams, type UuidResolver } from './params.js';
import { jobResultBody, syncBody } from './envelope.js';
import type { AnyCommand, CommandContext, CreateResult, WithinCreate } from './define-command.js';
import { responseKey } from './define-command.js';
import type { Registry } from './registry.js';
import type { Caller } from '../services/caller.js';
import { isRootAdmin } from '../services/caller.js';
import type { Services } from '../services/index.js';
import type { Wire } from './responses/define.js';
import type { AsyncJobsTable } from '../db/schema/core.js';
import type { JobOutcome, JobWork, SubmitSpec } from '../services/jobs/job.service.js';

/** Parameters never written to job rows (they may carry secrets or are transport details). */
const TRANSPORT_PARAMS = new Set(['command', 'response', 'apikey', 'signature', 'signatureversion', 'expires', 'sessionkey', '_']);

export interface DispatchResult {
  key: string;
  body: Wire;
  status: number;
}

export class Dispatcher {
  constructor(
    private readonly registry: Registry,
    private readonly services: Services,
    private readonly resolve: UuidResolver,
    private readonly log: { error(obj: unknown, msg: string): void },
  ) {}

  async unavailable(caller: Caller, name: string): Promise<CloudError> {
    return new CloudError('UnsupportedAction', `The API [${name}] does not exist or is not available for the account for user id [${caller.userUuid}].`);
  }

  /** Whether the caller's role may call the command. */
  async allowed(caller: Caller, cmd: AnyCommand): Promise<boolean> {
    return this.services.roles.isAllowed(caller.roleId, caller.roleType, cmd.name, cmd.roles);
  }

  async dispatch(caller: Caller, cmd: AnyCommand, raw: Record<string, string>, requestId: string): Promise<DispatchResult> {
    const key = responseKey(cmd);
    try {
      if (!(await this.allowed(caller, cmd))) throw await this.unavailable(caller, cmd.name);
      const params = await parseParams(cmd.params, { commandLabel: key.replace(/response$/, ''), resolve: this.resolve, raw }, (roles) => roles.includes(caller.roleType));
      const ctx: CommandContext = { caller, services: this.services, requestId, raw };
      if (!cmd.async) {
        const result = await cmd.handler(ctx, params as never);
        return { key, body: syncBody(cmd.response, result), status: 200 };
      }
      return await this.submit(cmd, ctx, params, raw, key);
    } catch (err) {
      return this.errorResult(key, err, caller, requestId);
    }
  }

  errorResult(key: string, err: unknown, caller: Caller | null, requestId: string): DispatchResult {
    const e = toErrorResponse(err, caller ? isRootAdmin(caller) : false);
    if (!e.known) this.log.error({ err, requestId }, 'unexpected error in API command');
    // CloudStack answers every 432 under `errorresponse`, other errors under the command's key.
    return { key: e.status === 432 ? 'errorresponse' : key, body: e.body as unknown as Wire, status: e.status };
  }

  private storedParams(cmd: AnyCommand, raw: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (TRANSPORT_PARAMS.has(k)) continue;
      if (cmd.params[k]?.sensitive) continue;
      out[k] = v;
    }
    return out;
  }

  private async submit(cmd: AnyCommand, ctx: CommandContext, params: Record<string, unknown>, raw: Record<string, string>, key: string): Promise<DispatchResult> {
    let instanceUuid: string | undefined;
    let created: CreateResult | undefined;
    if (cmd.prepare) instanceUuid = (await cmd.prepare(ctx, params as never))?.instanceUuid;
    const stored = this.storedParams(cmd, raw);
    const customJobId = raw['customjobid'];
    const spec = (): SubmitSpec => (
      { uuid: customJobId && /^[0-9a-f-]{36}$/i.test(customJobId) ? customJobId.toLowerCase() : undefined, cmd: cmd.name, caller: ctx.caller, params: stored, instanceType: cmd.instanceType, instanceUuid, eventType: cmd.event });
    const work: JobWork = (job) => this.runJob(cmd, { ...ctx, job: { uuid: job.uuid, progress: job.progress } }, params, created);
    // A create step may write the job with its entity, in its own transaction (withinCreate).
    let written: { uuid: string; id: number; startEventId: number | null } | undefined;
    if (cmd.async === 'create') {
      if (!cmd.create) throw new CloudError('Internal', `${cmd.name} is async-create but has no create step`);
      const withinCreate: WithinCreate = async (trx, c) => {
        if (written) throw new CloudError('Internal', `${cmd.name} wrote its job twice`);
        instanceUuid = c.uuid;
        if (c.ref) stored['__ref'] = JSON.stringify(c.ref);
        written = await this.services.jobs.insert(trx, spec());
      };
      created = await cmd.create({ ...ctx, withinCreate }, params as never);
      instanceUuid = created.uuid;
    }
    if (created?.ref) stored['__ref'] = JSON.stringify(created.ref);
    let job: { uuid: string; id: number };
    if (written) {
      job = written;
      this.services.jobs.start(written.id, written.uuid, spec(), work, written.startEventId);
    } else {
      job = await this.services.jobs.submit(spec(), work);
    }
    const body: Wire = created ? { id: created.uuid, jobid: job.uuid } : { jobid: job.uuid };
    return { key, body, status: 200 };
  }

  private async runJob(cmd: AnyCommand, ctx: CommandContext, params: Record<string, unknown>, created: CreateResult | undefined): Promise<JobOutcome> {
    try {
      const result = await cmd.handler(ctx, params as never, created);
      return { ok: true, code: 0, type: 'object', result: jobResultBody(cmd.response, result) };
    } catch (err) {
      const e = toErrorResponse(err, isRootAdmin(ctx.caller));
      if (!e.known) this.log.error({ err, job: ctx.job?.uuid }, 'unexpected error in async job');
      return { ok: false, code: e.body.errorcode, type: 'object', result: { errorcode: e.body.errorcode, errortext: e.body.errortext } };
    }
  }

  /** After a restart: re-run a resumable job from its stored parameters, or fail it. */
  async resume(row: Selectable<AsyncJobsTable>): Promise<void> {
    const cmd = this.registry.get(row.cmd);
    const caller = (await this.services.auth.callerOfUser(row.user_id)) ?? (await this.services.auth.system());
    if (!cmd || !cmd.resumable) {
      await this.services.jobs.failOrphan(row, caller, `Job ${row.uuid} (${row.cmd}) was interrupted because the management server stopped while it ran; the command cannot be resumed, so check the state of the affected resource and try again.`, cmd?.event);
      return;
    }
    const raw = JSON.parse(row.cmd_info) as Record<string, string>;
    const ctx: CommandContext = { caller, services: this.services, requestId: `resume-${row.uuid}`, raw };
    let created: CreateResult | undefined;
    if (raw['__ref'] !== undefined || row.instance_uuid) {
      created = { uuid: row.instance_uuid ?? '', ref: raw['__ref'] ? JSON.parse(raw['__ref']) : undefined } as CreateResult;
    }
    try {
      const params = await parseParams(cmd.params, { commandLabel: cmd.name.toLowerCase(), resolve: this.resolve, raw }, (roles) => roles.includes(caller.roleType));
      this.services.jobs.start(row.id, row.uuid, { cmd: row.cmd, caller, params: raw, instanceType: row.instance_type ?? undefined, instanceUuid: row.instance_uuid ?? undefined, eventType: cmd.event }, (job) =>
        this.runJob(cmd, { ...ctx, job: { uuid: job.uuid, progress: job.progress } }, params, cmd.async === 'create' ? created : undefined),
      );
    } catch (err) {
      await this.services.jobs.failOrphan(row, caller, `Job ${row.uuid} could not be resumed after a restart: ${err instanceof Error ? err.message : String(err)}`, cmd.event);
    }
  }
}
