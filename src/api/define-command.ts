/**
 * A CloudStack API command as data. The registry turns these into validation, role checks,
 * async job wrapping, listApis and docs; the handler only checks, calls a service and
 * returns wire objects.
 */
import type { InferParams, ParamSpecs } from './params.js';
import type { ResponseDef, Wire } from './responses/define.js';
import type { RoleType } from './roles.js';
import type { Caller } from '../services/caller.js';
import type { Services } from '../services/index.js';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema/index.js';

export type ResponseShape =
  | { kind: 'list'; of: ResponseDef }
  | { kind: 'object'; of: ResponseDef }
  /** Fields directly under the response key (login, queryAsyncJobResult). */
  | { kind: 'bare'; of: ResponseDef }
  | { kind: 'success' };

export const listOf = (of: ResponseDef): ResponseShape => ({ kind: 'list', of });
export const objectOf = (of: ResponseDef): ResponseShape => ({ kind: 'object', of });
export const bareOf = (of: ResponseDef): ResponseShape => ({ kind: 'bare', of });
export const success: ResponseShape = { kind: 'success' };

export interface ListResult {
  items: Wire[];
  /** Total matches regardless of paging. */
  count: number;
}
export interface SuccessResult {
  success: boolean;
  displaytext?: string;
}
export type HandlerResult = ListResult | Wire | SuccessResult | void;

export interface JobHandle {
  uuid: string;
  /** Sets `jobprocstatus`, visible to pollers. */
  progress(status: number): Promise<void>;
}

export interface CommandContext {
  caller: Caller;
  services: Services;
  requestId: string;
  /** Present while the handler runs inside an async job. */
  job?: JobHandle;
  /** All request parameters with lower-cased names (for the rare command that reads undeclared ones). */
  raw: Record<string, string>;
  /**
   * Set while an async `create` runs: the create step may call it inside the transaction that
   * makes the entity, which then also writes the job's row and Scheduled event (one commit
   * instead of two; the job still starts only once `create` has returned).
   */
  withinCreate?: WithinCreate;
}

/** Writes the job of an async create in the create step's own transaction (see `withinCreate`). */
export type WithinCreate = (trx: Kysely<Database>, created: CreateResult) => Promise<void>;

export interface CreateResult {
  /** UUID of the entity created before the job starts (returned as `id`). */
  uuid: string;
  /** Anything the job needs to find the entity again; stored with the job. */
  ref?: Record<string, unknown>;
}

export interface CommandDef<P extends ParamSpecs = ParamSpecs> {
  name: string;
  description: string;
  since?: string;
  /** Roles allowed by default (CloudStack's default role permissions). */
  roles: RoleType[];
  /** `true` for BaseAsyncCmd, `'create'` for BaseAsyncCreateCmd (immediate `id` + `jobid`). */
  async: false | true | 'create';
  /** CloudStack event type written for this action. */
  event?: string;
  /** Response key when it is not `lower(name)+"response"`. */
  responseName?: string;
  params: P;
  response: ResponseShape;
  /** `jobinstancetype` of the job (VirtualMachine, Volume, Host…). */
  instanceType?: string;
  /** The job may be re-run from the start after a server restart (its handler is idempotent). */
  resumable?: boolean;
  /** Async only: checks that must fail in the request itself; may name the job's instance. */
  prepare?(ctx: CommandContext, params: InferParams<P>): Promise<{ instanceUuid?: string } | void>;
  /** Async 'create' only: creates the entity before the job runs. */
  create?(ctx: CommandContext, params: InferParams<P>): Promise<CreateResult>;
  handler(ctx: CommandContext, params: InferParams<P>, created?: CreateResult): Promise<HandlerResult>;
}

export type AnyCommand = CommandDef<any>;

export function defineCommand<P extends ParamSpecs>(def: CommandDef<P>): CommandDef<P> {
  return def;
}

export function responseKey(cmd: AnyCommand): string {
  return cmd.responseName ?? `${cmd.name.toLowerCase()}response`;
}
