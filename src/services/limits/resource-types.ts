/**
 * CloudStack's resource types (Resource.ResourceType) as data: the number and name on the
 * wire, the global settings that give the default account and domain limits, the prefix of
 * the listAccounts/listDomains fields, and the unit conversion for storage.
 */

export const RESOURCE_TYPES = [
  { id: 0, name: 'user_vm', setting: 'user.vms', field: 'vm' },
  { id: 1, name: 'public_ip', setting: 'public.ips', field: 'ip' },
  { id: 2, name: 'volume', setting: 'volumes', field: 'volume' },
  { id: 3, name: 'snapshot', setting: 'snapshots', field: 'snapshot' },
  { id: 4, name: 'template', setting: 'templates', field: 'template' },
  { id: 5, name: 'project', setting: 'projects', field: 'project' },
  { id: 6, name: 'network', setting: 'networks', field: 'network' },
  { id: 7, name: 'vpc', setting: 'vpcs', field: 'vpc' },
  { id: 8, name: 'cpu', setting: 'cpus', field: 'cpu' },
  { id: 9, name: 'memory', setting: 'memory', field: 'memory' },
  { id: 10, name: 'primary_storage', setting: 'primary.storage', field: 'primarystorage' },
  { id: 11, name: 'secondary_storage', setting: 'secondary.storage', field: 'secondarystorage' },
] as const;

export type ResourceTypeDef = (typeof RESOURCE_TYPES)[number];
export type ResourceType = ResourceTypeDef['name'];

export const GIB = 1024 * 1024 * 1024;
export const UNLIMITED = -1;

const BY_NAME = new Map<string, ResourceTypeDef>(RESOURCE_TYPES.map((t) => [t.name, t]));
const BY_ID = new Map<number, ResourceTypeDef>(RESOURCE_TYPES.map((t) => [t.id, t]));

export function resourceType(name: ResourceType): ResourceTypeDef {
  return BY_NAME.get(name)!;
}

/** The type with this number, or undefined (the caller turns that into CloudStack's 431). */
export function resourceTypeById(id: number): ResourceTypeDef | undefined {
  return BY_ID.get(id);
}

/** Storage limits and counts are kept in bytes and shown in GiB (ResourceType.bytesToGiB). */
export const isStorage = (t: ResourceTypeDef) => t.name === 'primary_storage' || t.name === 'secondary_storage';

/** Stored limit (bytes for storage) → wire `max` (GiB for storage); -1 stays -1. */
export function limitToWire(t: ResourceTypeDef, max: number): number {
  if (max < 0 || !isStorage(t)) return max;
  return Math.ceil(max / GIB);
}

/** Wire `max` → stored limit. */
export function limitFromWire(t: ResourceTypeDef, max: number): number {
  if (max < 0 || !isStorage(t)) return max;
  return max * GIB;
}

/** Setting value → stored limit: storage defaults are GiB in max.*.primary/secondary.storage. */
export function limitFromSetting(t: ResourceTypeDef, value: string | null): number {
  const n = value === null || value.trim() === '' ? UNLIMITED : Number(value);
  if (!Number.isFinite(n)) return UNLIMITED;
  return limitFromWire(t, Math.trunc(n));
}

type WireFields = Record<string, string | number>;
type Setter = (o: any, limit: string, total: number, available: string) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The `<field>limit/total/available` stores of each type, spelt out: written as computed keys
 * (`o[`${field}limit`]`), 36 of them turned every account and domain object into a slow
 * dictionary (V8 allows 12 such additions), which cost the stores and JSON.stringify ~10 µs
 * per listAccounts row (core bench). A test checks these names against `field`.
 */
const SETTERS: Record<ResourceType, Setter> = {
  user_vm: (o, l, t, a) => { o.vmlimit = l; o.vmtotal = t; o.vmavailable = a; },
  public_ip: (o, l, t, a) => { o.iplimit = l; o.iptotal = t; o.ipavailable = a; },
  volume: (o, l, t, a) => { o.volumelimit = l; o.volumetotal = t; o.volumeavailable = a; },
  snapshot: (o, l, t, a) => { o.snapshotlimit = l; o.snapshottotal = t; o.snapshotavailable = a; },
  template: (o, l, t, a) => { o.templatelimit = l; o.templatetotal = t; o.templateavailable = a; },
  project: (o, l, t, a) => { o.projectlimit = l; o.projecttotal = t; o.projectavailable = a; },
  network: (o, l, t, a) => { o.networklimit = l; o.networktotal = t; o.networkavailable = a; },
  vpc: (o, l, t, a) => { o.vpclimit = l; o.vpctotal = t; o.vpcavailable = a; },
  cpu: (o, l, t, a) => { o.cpulimit = l; o.cputotal = t; o.cpuavailable = a; },
  memory: (o, l, t, a) => { o.memorylimit = l; o.memorytotal = t; o.memoryavailable = a; },
  primary_storage: (o, l, t, a) => { o.primarystoragelimit = l; o.primarystoragetotal = t; o.primarystorageavailable = a; },
  secondary_storage: (o, l, t, a) => { o.secondarystoragelimit = l; o.secondarystoragetotal = t; o.secondarystorageavailable = a; },
};

/**
 * Sets the limit/total/available fields of AccountResponse/DomainResponse for one type:
 * limit and available are strings ("Unlimited" or a number), total a number; storage in GiB
 * (secondary storage total as a float, as CloudStack serialises it).
 */
export function setLimitWireFields(out: WireFields, t: ResourceTypeDef, max: number, count: number): void {
  const storage = isStorage(t);
  SETTERS[t.name](
    out,
    max < 0 ? 'Unlimited' : String(storage ? limitToWire(t, max) : max),
    storage ? (t.name === 'secondary_storage' ? count / GIB : Math.floor(count / GIB)) : count,
    max < 0 ? 'Unlimited' : String(storage ? Math.floor((max - count) / GIB) : max - count),
  );
}

/** The three fields of one type as a new object. */
export function limitWireFields(t: ResourceTypeDef, max: number, count: number): WireFields {
  const out: WireFields = {};
  setLimitWireFields(out, t, max, count);
  return out;
}
