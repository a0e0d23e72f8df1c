/**
 * Raw HTTP access to `/client/api` for tests that need exact control over what is sent:
 * the method, the parameter names' case, a hand-made signature, cookies, XML answers.
 */
import { sign } from '../../src/api/signature.js';

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON (undefined for XML answers). */
  json: Record<string, any> | undefined;
  /** The single response key and the object under it (JSON only). */
  key: string | undefined;
  inner: Record<string, any>;
  /** `Set-Cookie` headers. */
  cookies: string[];
}

export interface RawOptions {
  method?: 'GET' | 'POST';
  /** Signs the parameters (names as given) with this key pair. */
  keys?: { apiKey: string; secretKey: string };
  cookie?: string;
  /** Send the parameters in the body (POST) instead of the query string. */
  form?: boolean;
}

export const encodeParams = (params: Record<string, string>) =>
  Object.entries(params).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

export async function raw(url: string, params: Record<string, string>, opts: RawOptions = {}): Promise<RawAnswer> {
  const p = { ...params };
  if (opts.keys) {
    p['apiKey'] = opts.keys.apiKey;
    p['signature'] = sign(p, opts.keys.secretKey);
  }
  const method = opts.method ?? (opts.form ? 'POST' : 'GET');
  const q = encodeParams(p);
  const headers: Record<string, string> = {};
  if (opts.cookie) headers['cookie'] = opts.cookie;
  let res: Response;
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    res = await fetch(url, { method, headers, body: q });
  } else {
    res = await fetch(`${url}?${q}`, { method, headers });
  }
  const text = await res.text();
  let json: Record<string, any> | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const key = json ? Object.keys(json)[0] : undefined;
  return { status: res.status, headers: res.headers, text, json, key, inner: key && json ? json[key] : {}, cookies: res.headers.getSetCookie() };
}

/** `name=value` of a Set-Cookie header list. */
export function cookieValue(cookies: string[], name: string): string | undefined {
  for (const c of cookies) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (m) return m[1];
  }
  return undefined;
}

/** CloudStack's `expires` form (yyyy-MM-ddTHH:mm:ss+0000). */
export const cloudDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+0000');
