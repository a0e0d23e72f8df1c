/**
 * CloudStack's response envelopes in JSON and XML (ApiResponseSerializer). One key at the
 * top, null fields omitted, empty lists as `{}`.
 */
import type { ListResult, ResponseShape } from './define-command.js';
import type { ErrorBody } from './errors.js';
import type { Wire } from './responses/define.js';

export const CLOUDSTACK_VERSION = '4.22.0.0';

/** Removes null/undefined fields recursively so clients can test key presence. */
export function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) o[k] = prune(x);
    return o;
  }
  return v;
}

/** The body under the response key for a synchronous command. */
export function syncBody(shape: ResponseShape, result: unknown): Wire {
  switch (shape.kind) {
    case 'list': {
      const r = result as ListResult;
      if (r.items.length === 0) return r.count > 0 ? { count: r.count } : {};
      return { count: r.count, [shape.of.objectName]: r.items };
    }
    case 'object':
      return { [shape.of.objectName]: result as Wire };
    case 'bare':
      return result as Wire;
    case 'success': {
      // Synchronous success is a string, as CloudStack's serializer writes it (libcloud compares to 'true').
      const r = (result ?? { success: true }) as { success: boolean; displaytext?: string };
      const o: Wire = { success: String(r.success) };
      if (r.displaytext) o.displaytext = r.displaytext;
      return o;
    }
  }
}

/** The `jobresult` object of a finished async job. */
export function jobResultBody(shape: ResponseShape, result: unknown): Wire {
  switch (shape.kind) {
    case 'success': {
      const r = (result ?? { success: true }) as { success: boolean; displaytext?: string };
      const o: Wire = { success: r.success };
      if (r.displaytext) o.details = r.displaytext;
      return o;
    }
    case 'list': {
      const r = result as ListResult;
      return r.items.length === 0 ? {} : { count: r.count, [shape.of.objectName]: r.items };
    }
    case 'object':
      return { [shape.of.objectName]: result as Wire };
    case 'bare':
      return result as Wire;
  }
}

/**
 * Whether a JSON text has an object field whose value is null: `":null` followed by `,` or
 * `}`, where the quote ends a key (an even number of backslashes before it; a quote inside a
 * string is always escaped). Scanning the text is cheaper than walking the body.
 */
export function hasNullField(json: string): boolean {
  for (let i = json.indexOf('":null'); i >= 0; i = json.indexOf('":null', i + 1)) {
    const after = json.charCodeAt(i + 6);
    if (after !== 44 /* , */ && after !== 125 /* } */) continue;
    let slashes = 0;
    while (json.charCodeAt(i - 1 - slashes) === 92 /* \\ */) slashes++;
    if (slashes % 2 === 0) return true;
  }
  return false;
}

export function toJson(key: string, body: Wire | ErrorBody): string {
  // Most bodies have no null field: serialise once and prune only when the text shows one (issue #2 bench).
  const text = JSON.stringify({ [key]: body });
  return hasNullField(text) ? JSON.stringify({ [key]: prune(body) }) : text;
}

const XML_ESC: Record<string, string> = { '"': '&quot;', "'": '&apos;', '<': '&lt;', '>': '&gt;', '&': '&amp;' };
const esc = (s: string) => s.replace(/["'<>&]/g, (c) => XML_ESC[c]!);

function xmlValue(name: string, v: unknown, out: string[]): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    for (const item of v) xmlValue(name, item, out);
    return;
  }
  if (typeof v === 'object') {
    out.push(`<${name}>`);
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) xmlValue(k, x, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${esc(String(v))}</${name}>`);
}

export function toXml(key: string, body: Wire | ErrorBody, withVersion: boolean): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(withVersion ? `<${key} cloud-stack-version="${CLOUDSTACK_VERSION}">` : `<${key}>`);
  for (const [k, v] of Object.entries(body)) {
    // uuidList is a JSON-only detail of error bodies.
    if (k === 'uuidList') continue;
    xmlValue(k, v, out);
  }
  out.push(`</${key}>`);
  return out.join('');
}
