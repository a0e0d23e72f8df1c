/**
 * Parameter types with CloudStack's coercion rules (ParamProcessWorker): booleans are
 * true only for "true" (any case); lists split on commas; maps arrive as
 * `name[0].key=value`; strings have a maximum length; UUIDs resolve to internal ids.
 */
import { bindError, CloudError, paramError } from './errors.js';
import type { EntityName } from './entities.js';
import type { RoleType } from './roles.js';

export type ParamType =
  | 'boolean' | 'date' | 'float' | 'double' | 'integer' | 'short' | 'long' | 'list' | 'map' | 'string' | 'uuid' | 'tzdate';

export interface ParamSpec<T = unknown, R extends boolean = boolean> {
  type: ParamType;
  required: R;
  doc: string;
  length?: number;
  since?: string;
  entity?: EntityName;
  /** Element type of a list. */
  collection?: 'uuid' | 'long' | 'integer' | 'short' | 'string';
  /** Only these roles may set the parameter; for others it is ignored and hidden (CloudStack `authorized`). */
  roles?: RoleType[];
  /** Never stored in job rows or logs (passwords, keys). */
  sensitive?: boolean;
  /** Phantom field carrying the parsed type. */
  readonly __t?: T;
}

type Opts<R extends boolean> = {
  required?: R;
  doc?: string;
  since?: string;
  roles?: RoleType[];
  sensitive?: boolean;
};

function spec<T, R extends boolean>(type: ParamType, o: Opts<R> & Partial<ParamSpec>): ParamSpec<T, R> {
  const s: ParamSpec<T, R> = { type, required: (o.required ?? false) as R, doc: o.doc ?? '' };
  if (o.length !== undefined) s.length = o.length;
  if (o.since !== undefined) s.since = o.since;
  if (o.entity !== undefined) s.entity = o.entity;
  if (o.collection !== undefined) s.collection = o.collection;
  if (o.roles !== undefined) s.roles = o.roles;
  if (o.sensitive !== undefined) s.sensitive = o.sensitive;
  return s;
}

export type MapParam = Array<Record<string, string>>;

export const p = {
  string: <const R extends boolean = false>(o: Opts<R> & { length?: number } = {}) => spec<string, R>('string', { length: 255, ...o }),
  boolean: <const R extends boolean = false>(o: Opts<R> = {}) => spec<boolean, R>('boolean', o),
  integer: <const R extends boolean = false>(o: Opts<R> = {}) => spec<number, R>('integer', o),
  short: <const R extends boolean = false>(o: Opts<R> = {}) => spec<number, R>('short', o),
  long: <const R extends boolean = false>(o: Opts<R> = {}) => spec<number, R>('long', o),
  float: <const R extends boolean = false>(o: Opts<R> = {}) => spec<number, R>('float', o),
  double: <const R extends boolean = false>(o: Opts<R> = {}) => spec<number, R>('double', o),
  date: <const R extends boolean = false>(o: Opts<R> = {}) => spec<Date, R>('date', o),
  tzdate: <const R extends boolean = false>(o: Opts<R> = {}) => spec<Date, R>('tzdate', o),
  /** A UUID naming an entity; the handler receives the internal id. */
  uuid: <const R extends boolean = false>(o: Opts<R> & { entity: EntityName }) => spec<number, R>('uuid', o),
  map: <const R extends boolean = false>(o: Opts<R> = {}) => spec<MapParam, R>('map', o),
  uuidList: <const R extends boolean = false>(o: Opts<R> & { entity: EntityName }) =>
    spec<number[], R>('list', { ...o, collection: 'uuid' }),
  stringList: <const R extends boolean = false>(o: Opts<R> = {}) => spec<string[], R>('list', { ...o, collection: 'string' }),
  longList: <const R extends boolean = false>(o: Opts<R> = {}) => spec<number[], R>('list', { ...o, collection: 'long' }),
};

export type ParamSpecs = Record<string, ParamSpec<any, boolean>>;
export type InferParams<P extends ParamSpecs> = {
  [K in keyof P]: P[K] extends ParamSpec<infer T, true> ? T : P[K] extends ParamSpec<infer T, boolean> ? T | undefined : never;
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID_RE.test(s);
const CONTROL_RE = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/;

/** Looks an entity up by UUID (including removed rows) and returns its internal id. */
export type UuidResolver = (entity: EntityName, uuid: string) => Promise<number | undefined>;

export function invalidIdError(command: string, name: string, value: string): CloudError {
  return bindError(
    `Unable to execute API command ${command} due to invalid value. Invalid parameter ${name} value=${value} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`,
  );
}

/** Java's Integer/Short/Long ranges (Long is limited to what a JS number holds exactly). */
const INT_RANGE: Record<string, [number, number]> = {
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Parses like Integer.valueOf/Float.valueOf; a bad value is ParamProcessWorker's "invalid value" 431. */
function parseNumber(name: string, raw: string, type: string, cx: ParseContext): number {
  const s = raw.trim();
  const range = INT_RANGE[type];
  const n = Number(s);
  const ok = range ? /^[+-]?\d+$/.test(s) && n >= range[0] && n <= range[1] : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && Number.isFinite(n);
  if (!ok) throw bindError(`Unable to execute API command ${cx.commandLabel} due to invalid value ${raw} for parameter ${name}`);
  return n;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A real calendar date (no 2025-02-30 rolling over into March), for a `yyyy-MM-dd` the
 * caller matched. Plain arithmetic: every signed request checks its `expires` date.
 */
function validDay(ymd: string): boolean {
  const y = Number(ymd.slice(0, 4));
  const m = Number(ymd.slice(5, 7));
  const d = Number(ymd.slice(8, 10));
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return m >= 1 && m <= 12 && d >= 1 && d <= DAYS_IN_MONTH[m - 1]! + (m === 2 && leap ? 1 : 0);
}

/** CloudStack's accepted date forms: ISO with offset or Z, `yyyy-MM-dd HH:mm:ss`, `yyyy-MM-dd`. */
export function parseCloudDate(raw: string, endOfDay = false): Date | undefined {
  const s = raw.trim();
  let iso: string | undefined;
  let m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (m) {
    const off = m[4] ?? 'Z';
    const norm = off === 'Z' ? 'Z' : off.length === 5 ? `${off.slice(0, 3)}:${off.slice(3)}` : off;
    iso = `${m[1]}T${m[2]}${m[3]?.slice(0, 4) ?? ''}${norm}`;
  } else if ((m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(s))) {
    iso = `${m[1]}T${m[2]}Z`;
  } else if ((m = /^(\d{4}-\d{2}-\d{2})$/.exec(s))) {
    iso = `${m[1]}T${endOfDay ? '23:59:59' : '00:00:00'}Z`;
  }
  if (!iso || !validDay(m![1]!)) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export interface ParseContext {
  /** Lower-case command name used in CloudStack's messages ("listaccounts"). */
  commandLabel: string;
  resolve: UuidResolver;
  /** All request parameters, keys lower-cased (needed for map parameters). */
  raw: Record<string, string>;
}

/** Values that clients send for "no value": libcloud sends Python's `None` literally. */
const ABSENT = new Set(['', 'None', 'null']);

async function parseScalar(name: string, s: ParamSpec, raw: string, cx: ParseContext, elem?: string): Promise<unknown> {
  const type = elem ?? s.type;
  switch (type) {
    case 'string': {
      const max = s.length ?? 255;
      if (raw.length > max) throw paramError(`Value greater than max allowed length ${max} for param: ${name}`);
      return raw;
    }
    case 'boolean':
      return raw.toLowerCase() === 'true';
    case 'integer':
    case 'short':
    case 'long':
    case 'float':
    case 'double':
      return parseNumber(name, raw, type, cx);
    case 'date':
    case 'tzdate': {
      const d = parseCloudDate(raw, name === 'enddate');
      if (!d) throw bindError(`Unable to parse date ${raw} for command ${cx.commandLabel}, please pass dates in the format mentioned in the api documentation`);
      return d;
    }
    case 'uuid': {
      if (!isUuid(raw)) {
        // CloudStack ignores non-UUID values of post-3.x parameters and rejects the rest.
        if (s.since) return undefined;
        throw invalidIdError(cx.commandLabel, name, raw);
      }
      const id = await cx.resolve(s.entity!, raw.toLowerCase());
      if (id === undefined) throw invalidIdError(cx.commandLabel, name, raw);
      return id;
    }
    default:
      throw new CloudError('Internal', `unsupported parameter type ${type}`);
  }
}

function parseMap(name: string, raw: Record<string, string>): Array<Record<string, string>> | undefined {
  const rows = new Map<number, Record<string, string>>();
  const prefix = `${name}[`;
  for (const [k, v] of Object.entries(raw)) {
    if (!k.startsWith(prefix)) continue;
    const m = /^[^[]+\[(\d+)\]\.(.+)$/.exec(k);
    if (!m) throw new CloudError('MalformedParameter', `Unable to decode parameter ${k}; if specifying an object array, please use parameter[index].field=XXX, e.g. userGroupList[0].group=httpGroup`);
    const i = Number(m[1]);
    const row = rows.get(i) ?? {};
    row[m[2]!] = v;
    rows.set(i, row);
  }
  if (rows.size === 0) return undefined;
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}

/**
 * Validates and converts all declared parameters. `isAllowed` says whether the caller's
 * role may set a role-restricted parameter; others are silently dropped (CloudStack).
 */
export async function parseParams(
  specs: ParamSpecs,
  cx: ParseContext,
  isAllowed: (roles: RoleType[]) => boolean,
): Promise<Record<string, unknown>> {
  // ApiServer.checkCharacterInkParams looks at every value, declared or not.
  for (const [name, raw] of Object.entries(cx.raw)) {
    if (CONTROL_RE.test(raw)) throw bindError(`Received value containing illegal ASCII non-printable characters for parameter ${name}`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(specs)) {
    if (s.roles && !isAllowed(s.roles)) continue;
    if (s.type === 'map') {
      const m = parseMap(name, cx.raw);
      if (m === undefined && s.required) throw missing(cx.commandLabel, name);
      if (m !== undefined) out[name] = m;
      continue;
    }
    const raw = cx.raw[name];
    if (raw === undefined) {
      if (s.required) throw missing(cx.commandLabel, name);
      continue;
    }
    if (ABSENT.has(raw.trim())) {
      if (s.required) throw paramError(`Invalid value provided for API arg: ${name}`);
      continue;
    }
    if (s.type === 'list') {
      const items = raw.split(',').map((x) => x.trim()).filter((x) => x !== '');
      const vals: unknown[] = [];
      for (const it of items) {
        const v = await parseScalar(name, s, it, cx, s.collection ?? 'string');
        if (v !== undefined) vals.push(v);
      }
      out[name] = vals;
      continue;
    }
    const v = await parseScalar(name, s, raw, cx);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function missing(label: string, name: string): CloudError {
  return bindError(`Unable to execute API command ${label} due to missing parameter ${name}`);
}
