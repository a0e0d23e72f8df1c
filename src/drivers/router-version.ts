/** The version of a router document: sha256 of its canonical JSON (object keys sorted), the same on server and agent. */
import { createHash } from 'node:crypto';

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export function documentVersion(doc: unknown): string {
  return createHash('sha256').update(canonicalJson(doc)).digest('hex');
}
