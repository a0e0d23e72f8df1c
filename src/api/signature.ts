/**
 * CloudStack request signatures (ApiServer.verifyRequest): HMAC-SHA1 over the sorted,
 * URL-encoded, lower-cased parameter string, base64, compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Values java.net.URLEncoder leaves as they are: most keys, commands, dates' digits. */
const JAVA_SAFE = /^[A-Za-z0-9._*-]*$/;

/** java.net.URLEncoder: leaves A-Za-z0-9 . - * _ alone; we then write spaces as %20. */
export function javaUrlEncode(s: string): string {
  // Every signed request encodes each value; most need no encoding at all (issue #2 bench).
  if (JAVA_SAFE.test(s)) return s;
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
  let out = '';
  for (const k of Object.keys(params).sort()) {
    if (k.length === 9 && k.toLowerCase() === 'signature') continue;
    out += `${out ? '&' : ''}${k}=${encode(params[k]!)}`;
  }
  return out;
}

export function sign(params: Record<string, string>, secretKey: string, encode?: (s: string) => string): string {
  return createHmac('sha1', secretKey).update(canonicalString(params, encode).toLowerCase()).digest('base64');
}

/**
 * Compares a computed signature with the one sent in time independent of their contents.
 * `expected` is always a base64 SHA-1 (28 characters), a public length: refusing another
 * length at once tells a client nothing it does not know.
 */
function constantTimeEquals(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
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
