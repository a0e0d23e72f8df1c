/**
 * The metrics plugin's responses (VmMetricsResponse, HostMetricsResponse, VolumeMetricsResponse,
 * VmMetricsStatsResponse): the base object plus figures pre-formatted for people, as
 * CloudStack's MetricsServiceImpl prints them.
 */
import { defineResponse, type Wire } from './define.js';
import { hostResponse } from './host.js';
import { userVmResponse } from './vm.js';
import { volumeResponse } from './volume.js';
import { ghz, gibOfBytes, mib } from './stats.js';

export const vmMetricsResponse = defineResponse({
  objectName: 'virtualmachine',
  className: 'VmMetricsResponse',
  fields: {
    ...userVmResponse.fields, cputotal: 'string', memorytotal: 'string', networkread: 'string', networkwrite: 'string', diskread: 'string',
    diskwrite: 'string', diskiopstotal: 'long',
  },
});

export const hostMetricsResponse = defineResponse({
  objectName: 'host',
  className: 'HostMetricsResponse',
  fields: {
    ...hostResponse.fields, instances: 'string', systeminstances: 'string', cputotalghz: 'string', cpuusedghz: 'string', cpuallocatedghz: 'string',
    memorytotalgb: 'string', memoryusedgb: 'string', memoryallocatedgb: 'string', networkread: 'string', networkwrite: 'string',
    cputhreshold: 'boolean', cpudisablethreshold: 'boolean', cpuallocatedthreshold: 'boolean', cpuallocateddisablethreshold: 'boolean',
    memorythreshold: 'boolean', memorydisablethreshold: 'boolean', memoryallocatedthreshold: 'boolean', memoryallocateddisablethreshold: 'boolean',
  },
});

export const volumeMetricsResponse = defineResponse({
  objectName: 'volume',
  className: 'VolumeMetricsResponse',
  fields: { ...volumeResponse.fields, sizegb: 'string' },
});

export const vmUsageHistoryResponse = defineResponse({
  objectName: 'virtualmachine',
  className: 'VmMetricsStatsResponse',
  fields: { id: 'string', name: 'string', displayname: 'string', stats: 'list' },
});

const n = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** VmMetricsResponse's own fields from a VM wire object that carries its statistics. */
export function vmMetricsFields(vm: Wire): Wire {
  const o: Wire = {};
  const cpus = n(vm['cpunumber']);
  const speed = n(vm['cpuspeed']);
  if (cpus !== undefined && speed !== undefined) o['cputotal'] = `${((cpus * speed) / 1000).toFixed(1)} Ghz`;
  const mem = n(vm['memory']);
  if (mem !== undefined) o['memorytotal'] = `${(mem / 1024).toFixed(2)} GB`;
  const map: Array<[from: string, to: string]> = [['networkkbsread', 'networkread'], ['networkkbswrite', 'networkwrite'], ['diskkbsread', 'diskread'], ['diskkbswrite', 'diskwrite']];
  for (const [from, to] of map) {
    const v = n(vm[from]);
    if (v !== undefined) o[to] = mib(v);
  }
  const r = n(vm['diskioread']);
  const w = n(vm['diskiowrite']);
  if (r !== undefined && w !== undefined) o['diskiopstotal'] = r + w;
  return o;
}

export interface HostThresholds {
  cpuNotify: number;
  cpuDisable: number;
  memNotify: number;
  memDisable: number;
  cpuFactor: number;
  memFactor: number;
}

/** HostMetricsResponse's own fields from a host wire object (with its measured use, when collected). */
export function hostMetricsFields(h: Wire, counts: { running: number; total: number; sysRunning: number; sysTotal: number }, t: HostThresholds): Wire {
  const cpuTotalMhz = (n(h['cpunumber']) ?? 0) * (n(h['cpuspeed']) ?? 0);
  const cpuAlloc = n(h['cpuallocatedvalue']) ?? 0;
  const memTotal = n(h['memorytotal']) ?? 0;
  const memAlloc = n(h['memoryallocated']) ?? 0;
  const o: Wire = {
    instances: `${counts.running} / ${counts.total}`, systeminstances: `${counts.sysRunning} / ${counts.sysTotal}`,
    cputotalghz: ghz(cpuTotalMhz), cpuallocatedghz: ghz(cpuAlloc), memorytotalgb: gibOfBytes(memTotal), memoryallocatedgb: gibOfBytes(memAlloc),
  };
  const used = typeof h['cpuused'] === 'string' ? Number(h['cpuused'].replace('%', '')) : undefined;
  const memUsed = n(h['memoryused']);
  if (used !== undefined) {
    o['cpuusedghz'] = ghz((used / 100) * cpuTotalMhz);
    o['cputhreshold'] = used > 100 * t.cpuNotify;
    o['cpudisablethreshold'] = used > 100 * t.cpuDisable;
  }
  if (memUsed !== undefined) {
    o['memoryusedgb'] = gibOfBytes(memUsed);
    o['memorythreshold'] = memUsed > memTotal * t.memNotify;
    o['memorydisablethreshold'] = memUsed > memTotal * t.memDisable;
  }
  const rx = n(h['networkkbsread']);
  const tx = n(h['networkkbswrite']);
  if (rx !== undefined) o['networkread'] = gibOfBytes(rx * 1024);
  if (tx !== undefined) o['networkwrite'] = gibOfBytes(tx * 1024);
  // Allocation is compared with the over-provisioned capacity, as the allocator sees it.
  Object.assign(o, {
    cpuallocatedthreshold: cpuAlloc > cpuTotalMhz * t.cpuFactor * t.cpuNotify, cpuallocateddisablethreshold: cpuAlloc > cpuTotalMhz * t.cpuFactor * t.cpuDisable,
    memoryallocatedthreshold: memAlloc > memTotal * t.memFactor * t.memNotify, memoryallocateddisablethreshold: memAlloc > memTotal * t.memFactor * t.memDisable,
  });
  return o;
}
