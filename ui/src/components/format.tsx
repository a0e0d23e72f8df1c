import { Progress, Tag } from 'antd';
import type { Column, Row } from '../resources';

const GOOD = ['Running', 'Up', 'Enabled', 'enabled', 'Ready', 'Implemented', 'Allocated', 'Active', 'BackedUp', 'Add'];
const BAD = ['Error', 'Down', 'Alert', 'Disconnected', 'Destroyed', 'disabled', 'locked', 'ErrorInMaintenance', 'Disabled'];

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function cellValue(c: Column, row: Row): unknown {
  return c.value ? c.value(row) : row[c.key];
}

export function renderCell(c: Column, row: Row) {
  const v = cellValue(c, row);
  if (v === undefined || v === null || v === '') return '';
  switch (c.kind) {
    case 'state': {
      const s = String(v);
      return <Tag color={GOOD.includes(s) ? 'green' : BAD.includes(s) ? 'red' : 'blue'}>{s}</Tag>;
    }
    case 'progress': {
      // CloudStack's template status: "45% Downloaded" while downloading, else a word or an error.
      const pct = /^(\d+)% Downloaded$/.exec(String(v));
      return pct ? <Progress percent={Number(pct[1])} size="small" status="active" aria-label={String(v)} style={{ minWidth: 120 }} /> : String(v);
    }
    case 'bytes': return formatBytes(Number(v));
    case 'mb': return formatBytes(Number(v) * 1024 * 1024);
    case 'date': return new Date(String(v)).toLocaleString();
    case 'bool': return v === true || v === 'true' ? 'Yes' : 'No';
    default: return Array.isArray(v) ? v.join(', ') : String(v);
  }
}
