/**
 * Request parameters as CloudStack's servlet sees them: the raw query string re-decoded
 * with `+` as space (last occurrence wins) merged with a form body (first occurrence wins).
 */
function decode(s: string): string {
  // Most names and many values need no decoding at all; skip the regex and the decoder.
  if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
  const t = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(t);
  } catch {
    return t;
  }
}

export function parseUrlEncoded(raw: string, firstWins: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    const k = decode(i < 0 ? part : part.slice(0, i));
    const v = i < 0 ? '' : decode(part.slice(i + 1));
    if (firstWins && k in out) continue;
    out[k] = v;
  }
  return out;
}

/** Original-case parameters (for the signature) and a lower-cased view (for binding). */
export function requestParams(queryString: string, body: string | undefined): { original: Record<string, string>; lower: Record<string, string> } {
  // Most requests are GETs: no body to merge.
  const original = body ? { ...parseUrlEncoded(body, true), ...parseUrlEncoded(queryString, false) } : parseUrlEncoded(queryString, false);
  const lower: Record<string, string> = {};
  for (const k in original) lower[k.toLowerCase()] = original[k]!;
  return { original, lower };
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (!(k in out)) out[k] = decode(part.slice(i + 1).trim());
  }
  return out;
}
