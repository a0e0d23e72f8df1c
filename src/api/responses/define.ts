/**
 * Response shapes as data: the object name, CloudStack's response class (for the catalog
 * test) and the wire fields with their types (for listApis and docs). Mappers that turn
 * domain rows into these objects live beside each shape.
 */
export type FieldType =
  | 'string' | 'integer' | 'long' | 'short' | 'boolean' | 'date' | 'double' | 'float'
  | 'list' | 'set' | 'map' | 'object' | 'responseobject';

export interface ResponseDef {
  objectName: string;
  className: string;
  fields: Record<string, FieldType>;
  /** Field descriptions for listApis/docs; a missing one falls back to the field name. */
  docs?: Record<string, string>;
}

export function defineResponse(def: ResponseDef): ResponseDef {
  return def;
}

export type Wire = Record<string, unknown>;

/** CloudStack's JSON date form: yyyy-MM-dd'T'HH:mm:ssZ with an RFC-822 offset, in UTC. */
export function wireDate(ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined) return undefined;
  // Lists render the same rows' dates again and again (a Date and its ISO text per field).
  let s = WIRE_DATES.get(ms);
  if (s === undefined) {
    if (WIRE_DATES.size >= 10_000) WIRE_DATES.clear();
    // toISOString is always yyyy-MM-ddTHH:mm:ss.sssZ for the years a row holds; keep up to the seconds.
    WIRE_DATES.set(ms, (s = `${new Date(ms).toISOString().slice(0, 19)}+0000`));
  }
  return s;
}

const WIRE_DATES = new Map<number, string>();

/**
 * `{ ...a, ...b }` for wire objects, keys in that order. V8's spread took ~60 µs to add an
 * account's 36 limit fields to it, copying both into an empty object ~1 µs (issue #2 bench:
 * a quarter of a signed listAccounts), so lists that add fields to every row use this.
 */
export function mergeWire(a: Wire, b: Wire | undefined): Wire {
  const o: Wire = {};
  for (const k of Object.keys(a)) o[k] = a[k];
  if (b) for (const k of Object.keys(b)) o[k] = b[k];
  return o;
}
