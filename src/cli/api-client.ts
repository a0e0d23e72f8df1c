/** A small signed CloudStack API client (used by the CLI, tests and benchmarks). */
import { sign } from '../api/signature.js';

export interface ClientOptions {
  endpoint: string;
  apiKey?: string | undefined;
  secretKey?: string | undefined;
  /** Sign with signatureversion=3 and an expiry this many seconds ahead. */
  expiresIn?: number;
  post?: boolean;
}

export interface ApiAnswer {
  status: number;
  body: Record<string, any>;
  /** The object under the single response key. */
  inner: Record<string, any>;
}

function cloudDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, '+0000');
}

export function signedQuery(params: Record<string, string>, opts: ClientOptions): string {
  const all: Record<string, string> = { ...params, response: params['response'] ?? 'json' };
  if (opts.apiKey && opts.secretKey) {
    all['apiKey'] = opts.apiKey;
    if (opts.expiresIn) {
      all['signatureVersion'] = '3';
      all['expires'] = cloudDate(new Date(Date.now() + opts.expiresIn * 1000));
    }
    all['signature'] = sign(all, opts.secretKey);
  }
  return Object.entries(all).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

export async function callApi(command: string, params: Record<string, string>, opts: ClientOptions): Promise<ApiAnswer> {
  const q = signedQuery({ command, ...params }, opts);
  const res = opts.post
    ? await fetch(opts.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: q })
    : await fetch(`${opts.endpoint}?${q}`);
  const text = await res.text();
  let body: Record<string, any>;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`non-JSON answer (HTTP ${res.status}): ${text.slice(0, 200)}`);
  }
  const key = Object.keys(body)[0]!;
  return { status: res.status, body, inner: body[key] ?? {} };
}

/** Polls queryAsyncJobResult until the job ends; `onTick` sees every poll. */
export async function waitForJob(jobId: string, opts: ClientOptions, onTick?: (elapsedMs: number, status: Record<string, any>) => void, intervalMs = 500, timeoutMs = 600_000): Promise<Record<string, any>> {
  const started = Date.now();
  for (;;) {
    const r = await callApi('queryAsyncJobResult', { jobid: jobId }, opts);
    if (r.status !== 200) throw new Error(`queryAsyncJobResult failed: ${JSON.stringify(r.inner)}`);
    onTick?.(Date.now() - started, r.inner);
    if (r.inner['jobstatus'] !== 0) return r.inner;
    if (Date.now() - started > timeoutMs) throw new Error(`job ${jobId} did not finish within ${timeoutMs / 1000}s`);
    await new Promise((res) => setTimeout(res, intervalMs));
  }
}
