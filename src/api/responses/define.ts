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
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}
