/**
 * Every error a command can end with, and the one table that turns it into CloudStack's
 * wire codes. Services throw `CloudError`; `toErrorResponse` is the only converter.
 */

export type ErrorKind =
  /** A parameter is missing, malformed or names something that does not exist (431). */
  | 'ParamError'
  /** A map/list parameter could not be decoded at all (430). */
  | 'MalformedParameter'
  /** Credentials or signature missing or wrong (401). */
  | 'Unauthorized'
  /** The caller may not touch this entity: another account's VM, a domain outside its subtree (531). */
  | 'PermissionDenied'
  /** The command is unknown to the caller or not allowed for its role, or the entity's state forbids the action (432). */
  | 'UnsupportedAction'
  /** The operation is not legal in the entity's current state (431 in CloudStack's InvalidParameterValue style). */
  | 'InvalidState'
  /** An account or domain resource limit would be exceeded (532). */
  | 'AccountLimit'
  /** No host/pool/IP can satisfy the request (533). */
  | 'InsufficientCapacity'
  /** A host, pool or agent needed for the action is not reachable (534). */
  | 'ResourceUnavailable'
  /** Allocating a resource failed, e.g. a limit reached while reserving (535). */
  | 'ResourceAllocation'
  /** The entity is in use and cannot be removed (536). */
  | 'ResourceInUse'
  /** A network rule overlaps an existing one (537). */
  | 'NetworkRuleConflict'
  /** Too many requests (429). */
  | 'ApiLimitExceeded'
  /** HTTP method not allowed, e.g. GET login (405). */
  | 'MethodNotAllowed'
  /** Anything unexpected (530). */
  | 'Internal';

interface ErrorCode {
  errorcode: number;
  /** CloudStack's CSExceptionErrorCode of the matching Java exception; absent for servlet-level errors. */
  cserrorcode?: number;
  /** Non-root callers see a generic text instead of the detail (BaseCmd.USER_ERROR_MESSAGE). */
  hideFromNonAdmin?: boolean;
}

export const ERROR_CODES: Record<ErrorKind, ErrorCode> = {
  ParamError: { errorcode: 431, cserrorcode: 4350 },
  MalformedParameter: { errorcode: 430, cserrorcode: 9999 },
  Unauthorized: { errorcode: 401 },
  PermissionDenied: { errorcode: 531, cserrorcode: 4365 },
  UnsupportedAction: { errorcode: 432, cserrorcode: 4555 },
  InvalidState: { errorcode: 431, cserrorcode: 4350 },
  AccountLimit: { errorcode: 532, cserrorcode: 4280 },
  InsufficientCapacity: { errorcode: 533, cserrorcode: 4325, hideFromNonAdmin: true },
  ResourceUnavailable: { errorcode: 534, cserrorcode: 4380, hideFromNonAdmin: true },
  ResourceAllocation: { errorcode: 535, cserrorcode: 4370 },
  ResourceInUse: { errorcode: 536, cserrorcode: 4375 },
  NetworkRuleConflict: { errorcode: 537, cserrorcode: 4360 },
  ApiLimitExceeded: { errorcode: 429, cserrorcode: 4545 },
  MethodNotAllowed: { errorcode: 405 },
  Internal: { errorcode: 530, cserrorcode: 4250, hideFromNonAdmin: true },
};

export const USER_ERROR_MESSAGE = 'Internal error executing command, please contact your system administrator';

export interface UuidRef {
  uuid: string;
  description: string;
}

export class CloudError extends Error {
  readonly kind: ErrorKind;
  readonly uuidList: UuidRef[];
  /** For capacity errors: the scope the planner should avoid next (host, cluster, pod, zone, pool). */
  readonly scope: string | undefined;
  /** Overrides the kind's `cserrorcode` (9999 where CloudStack throws a bare ServerApiException). */
  readonly cserrorcode: number | undefined;
  constructor(kind: ErrorKind, message: string, opts: { uuidList?: UuidRef[]; scope?: string; cause?: unknown; cserrorcode?: number } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.uuidList = opts.uuidList ?? [];
    this.scope = opts.scope;
    this.cserrorcode = opts.cserrorcode;
  }
}

/** CloudStack's CSExceptionErrorCode of ServerApiException itself. */
export const SERVER_API_EXCEPTION_CODE = 9999;

export const paramError = (message: string) => new CloudError('ParamError', message);
/** A 431 raised while binding request parameters (ParamProcessWorker's ServerApiException: cserrorcode 9999). */
export const bindError = (message: string) => new CloudError('ParamError', message, { cserrorcode: SERVER_API_EXCEPTION_CODE });
export const notFound = (what: string, id: string) =>
  new CloudError('ParamError', `Unable to find ${what} with specified id ${id}`);
export const permissionDenied = (message: string) => new CloudError('PermissionDenied', message);

export interface ErrorBody {
  uuidList: UuidRef[];
  errorcode: number;
  cserrorcode?: number;
  errortext: string;
}

/**
 * Turns anything thrown into the wire error. Unknown errors become 530 with a generic
 * message; the caller logs the cause with the request id.
 */
export function toErrorResponse(err: unknown, callerIsRootAdmin: boolean): { status: number; body: ErrorBody; known: boolean } {
  const known = err instanceof CloudError;
  const kind: ErrorKind = known ? (err as CloudError).kind : 'Internal';
  const code = ERROR_CODES[kind];
  let text = known ? (err as CloudError).message : USER_ERROR_MESSAGE;
  if (code.hideFromNonAdmin && !callerIsRootAdmin) text = USER_ERROR_MESSAGE;
  const cs = known ? ((err as CloudError).cserrorcode ?? code.cserrorcode) : code.cserrorcode;
  // Key order as ExceptionResponse serialises it: uuidList, errorcode, cserrorcode, errortext.
  const body: ErrorBody = { uuidList: known ? (err as CloudError).uuidList : [], errorcode: code.errorcode, ...(cs !== undefined ? { cserrorcode: cs } : {}), errortext: text };
  return { status: code.errorcode, body, known };
}
