/** Renders an API answer as a plain-text table: lists as rows, single objects as key/value pairs. */
function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return Array.isArray(v) ? `[${v.length}]` : '{…}';
  return String(v);
}

function grid(rows: Record<string, unknown>[]): string {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k) && typeof r[k] !== 'object') cols.push(k);
  const shown = cols.slice(0, 8);
  const width = shown.map((c) => Math.min(40, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (vals: string[]) => vals.map((v, i) => v.slice(0, width[i]).padEnd(width[i]!)).join('  ');
  return [line(shown), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(shown.map((c) => cell(r[c]))))].join('\n');
}

export function renderTable(body: Record<string, unknown>): string {
  const lists = Object.entries(body).filter(([, v]) => Array.isArray(v) && (v as unknown[]).every((x) => x && typeof x === 'object'));
  if (lists.length === 1) {
    const [name, items] = lists[0] as [string, Record<string, unknown>[]];
    return `${grid(items)}\n(${body['count'] ?? items.length} ${name})`;
  }
  const objs = Object.entries(body).filter(([, v]) => v && typeof v === 'object' && !Array.isArray(v));
  const target = objs.length === 1 && Object.keys(body).length === 1 ? (objs[0]![1] as Record<string, unknown>) : body;
  if (Object.keys(target).length === 0) return '(none)';
  const w = Math.max(...Object.keys(target).map((k) => k.length));
  return Object.entries(target).map(([k, v]) => `${k.padEnd(w)}  ${typeof v === 'object' ? JSON.stringify(v) : cell(v)}`).join('\n');
}
