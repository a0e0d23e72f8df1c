/**
 * Keeps `usage_intervals` in step with the resources: given the slots a resource should have
 * open now (from its current state) and the usage ids it governs, closes the intervals that no
 * longer match and opens the missing ones at `at`, the time of the event being recorded. Doing
 * this in the event's own transaction makes the projection exactly as durable as the event log,
 * and reconciling against state (rather than trusting the event type) makes repeated or
 * unexpected events harmless: a second VM.START opens nothing, a VM.STOP for a VM that never
 * ran closes nothing.
 */
import type { Kysely } from 'kysely';
import { QueryTemplate } from '../../db/prepared.js';
import type { Database } from '../../db/schema/index.js';

/** One billable thing a resource has while in its current state. */
export interface UsageSlot {
  usageType: number;
  usageId: string;
  accountId: number;
  domainId: number;
  zoneUuid: string | null;
  vmUuid?: string | null;
  name?: string | null;
  offeringUuid?: string | null;
  templateUuid?: string | null;
  size?: number | null;
  extra?: Record<string, string | number | boolean> | null;
}

/** What a resource implies: every usage id it governs, and the slots open for it now. */
export interface ResourceUsage {
  usageIds: string[];
  slots: UsageSlot[];
  /**
   * Security-group usage is keyed by the group, shared by many VMs: a VM governs only its own
   * (type 10) intervals of those groups, and all of its own open ones, also of groups it has
   * left (they need not be in `usageIds`).
   */
  vmUuid?: string;
}

const SECURITY_GROUP = 10;

interface Row {
  id: number; account_id: number; domain_id: number; zone_uuid: string | null; usage_type: number; usage_id: string; vm_uuid: string | null; name: string | null;
  offering_uuid: string | null; template_uuid: string | null; size: number | null; extra: string | null; start_ms: number;
}

function toRow(s: UsageSlot) {
  return {
    account_id: s.accountId, domain_id: s.domainId, zone_uuid: s.zoneUuid, usage_type: s.usageType, usage_id: s.usageId, vm_uuid: s.vmUuid ?? null,
    name: s.name ?? null, offering_uuid: s.offeringUuid ?? null, template_uuid: s.templateUuid ?? null, size: s.size ?? null, extra: s.extra ? JSON.stringify(s.extra) : null,
  };
}

const key = (r: { usage_type: number; usage_id: string; zone_uuid: string | null; vm_uuid: string | null }) => `${r.usage_type}|${r.usage_id}|${r.zone_uuid ?? ''}|${r.usage_type === SECURITY_GROUP ? r.vm_uuid : ''}`;

/** Same billing attributes: anything else (new offering, resize, new owner) starts a new interval. */
function same(a: ReturnType<typeof toRow>, b: Row): boolean {
  return a.account_id === Number(b.account_id) && a.domain_id === Number(b.domain_id) && a.vm_uuid === b.vm_uuid && a.name === b.name && a.offering_uuid === b.offering_uuid
    && a.template_uuid === b.template_uuid && (a.size === null ? b.size === null : b.size !== null && a.size === Number(b.size)) && a.extra === b.extra;
}

const COLUMNS = ['account_id', 'domain_id', 'zone_uuid', 'usage_type', 'usage_id', 'vm_uuid', 'name', 'offering_uuid', 'template_uuid', 'size', 'extra', 'start_ms', 'end_ms'] as const;

/**
 * The deploy path reconciles four times per VM (issue #5 bench): its statements are templates
 * (db/prepared.ts). Shapes: `<n>` usage ids, `<n>,vm` also the VM's own security-group rows.
 */
const OPEN = new QueryTemplate<Row>((k, $, shape) => {
  const [n, vm] = shape.split(',');
  const q = k.selectFrom('usage_intervals').selectAll();
  if (!vm) return q.where('usage_id', 'in', $.list<string>('ids', Number(n))).where('end_ms', 'is', null);
  // Each branch names its whole index (usage_id, end_ms) / (vm_uuid, end_ms): one OR of two index searches.
  return q.where((eb) => eb.or([
    eb.and([eb('usage_id', 'in', $.list<string>('ids', Number(n))), eb('end_ms', 'is', null)]),
    eb.and([eb('usage_type', '=', SECURITY_GROUP), eb('vm_uuid', '=', $<string>('vm')), eb('end_ms', 'is', null)]),
  ]));
});
const CLOSE = new QueryTemplate((k, $, n) => k.updateTable('usage_intervals').set({ end_ms: $<number>('at') }).where('id', 'in', $.list<number>('ids', Number(n))));
const OPEN_NEW = new QueryTemplate((k, $, n) => k.insertInto('usage_intervals').values(Array.from({ length: Number(n) }, (_, i) =>
  Object.fromEntries(COLUMNS.map((c) => [c, $(`${c}.${i}`)])) as { [C in (typeof COLUMNS)[number]]: never })));

export async function reconcileUsage(exec: Kysely<Database>, r: ResourceUsage, at: number): Promise<void> {
  if (r.usageIds.length === 0) return;
  const ids = [...new Set(r.usageIds)];
  const open = await OPEN.execute(exec, r.vmUuid === undefined ? String(ids.length) : `${ids.length},vm`, { ids, vm: r.vmUuid });
  const want = new Map(r.slots.map((s) => { const row = toRow(s); return [key(row), row]; }));
  const kept = new Set<string>();
  const close: number[] = [];
  for (const o of open) {
    if (Number(o.usage_type) === SECURITY_GROUP && o.vm_uuid !== (r.vmUuid ?? null)) continue;
    const k = key({ ...o, usage_type: Number(o.usage_type) });
    const w = want.get(k);
    if (w && !kept.has(k) && same(w, o)) kept.add(k);
    else close.push(o.id);
  }
  if (close.length > 0) await CLOSE.execute(exec, String(close.length), { at, ids: close });
  const add = [...want.entries()].filter(([k]) => !kept.has(k)).map(([, row]) => ({ ...row, start_ms: at, end_ms: null }));
  if (add.length === 0) return;
  const args: Record<string, unknown> = {};
  add.forEach((row, i) => { for (const c of COLUMNS) args[`${c}.${i}`] = row[c]; });
  await OPEN_NEW.execute(exec, String(add.length), args);
}
