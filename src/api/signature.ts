/**
 * CloudStack request signatures (ApiServer.verifyRequest): HMAC-SHA1 over the sorted,
 * URL-encoded, lower-cased parameter string, base64, compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** java.net.URLEncoder: leaves A-Za-z0-9 . - * _ alone; we then write spaces as %20. */
export function javaUrlEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Python's quote_plus(value, safe='*') with '+'→'%20' (cs, Marvin) and libcloud's safe='[]*'. */
function pythonUrlEncode(s: string, extraSafe: string): string {
  let out = encodeURIComponent(s).replace(/[!'()]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  for (const ch of extraSafe) out = out.split(encodeURIComponent(ch)).join(ch);
  return out;
}

/** The exact string CloudStack signs, before lower-casing. */
export function canonicalString(params: Record<string, string>, encode: (s: string) => string = javaUrlEncode): string {
  return Object.keys(params)
    .filter((k) => k.toLowerCase() !== 'signature')
    .sort()
    .map((k) => `${k}=${encode(params[k]!)}`)
    .join('&');
}

export function sign(params: Record<string, string>, secretKey: string, encode?: (s: string) => string): string {
  return createHmac('sha1', secretKey).update(canonicalString(params, encode).toLowerCase()).digest('base64');
}

function constantTimeEquals(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  // Compare equal-length buffers always, so the time does not reveal the length match.
  const len = Math.max(ba.length, bb.length);
  const pa = Buffer.alloc(len);
  const pb = Buffer.alloc(len);
  ba.copy(pa);
  bb.copy(pb);
  return timingSafeEqual(pa, pb) && ba.length === bb.length;
}

/**
 * Checks a signature. The Java encoding is authoritative; Python-based clients differ only
 * for `~` and (libcloud) `[` `]` in values, so those variants are tried when such a
 * character is present.
 */
export function verifySignature(params: Record<string, string>, secretKey: string, signature: string): boolean {
  if (constantTimeEquals(sign(params, secretKey), signature)) return true;
  const values = Object.values(params).join('');
  if (!/[~[\]]/.test(values)) return false;
  return (
    constantTimeEquals(sign(params, secretKey, (s) => pythonUrlEncode(s, '~')), signature) ||
    constantTimeEquals(sign(params, secretKey, (s) => pythonUrlEncode(s, '~[]')), signature)
  );
}
