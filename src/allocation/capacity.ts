/** Capacity arithmetic shared by the filters and the reservation re-check under row lock. */
import type { HostInfo, VmRequirements } from './types.js';

export const MiB = 1024 * 1024;

/** MHz a VM of these requirements reserves. */
export const cpuNeed = (req: Pick<VmRequirements, 'cpuNumber' | 'cpuSpeed'>) => req.cpuNumber * req.cpuSpeed;
/** Bytes of memory a VM reserves. */
export const memNeed = (req: Pick<VmRequirements, 'ramMiB'>) => req.ramMiB * MiB;

/** cores × MHz × cpu.overprovisioning.factor − allocated ≥ need. */
export function cpuFits(h: Pick<HostInfo, 'cpus' | 'cpuSpeed' | 'cpuAllocated'>, factor: number, need: number): boolean {
  return h.cpus * h.cpuSpeed * factor - h.cpuAllocated >= need;
}

/** total × mem.overprovisioning.factor − allocated ≥ need (the factor defaults to 1: no over-provisioning). */
export function memFits(h: Pick<HostInfo, 'totalMemory' | 'memoryAllocated'>, factor: number, need: number): boolean {
  return h.totalMemory * factor - h.memoryAllocated >= need;
}

/** capacity × storage.overprovisioning.factor − allocated ≥ need (thin disks). */
export function poolFits(p: { capacityBytes: number; allocatedBytes: number }, factor: number, need: number): boolean {
  return p.capacityBytes * factor - p.allocatedBytes >= need;
}

/** Share of the host's CPU and memory in use, 0..1 (the larger of the two). */
export function consumed(h: HostInfo, cpuFactor: number, memFactor: number): number {
  const cpu = h.cpuAllocated / Math.max(1, h.cpus * h.cpuSpeed * cpuFactor);
  const mem = h.memoryAllocated / Math.max(1, h.totalMemory * memFactor);
  return Math.max(cpu, mem);
}

export const hostCpuFactor = (h: Pick<HostInfo, 'cpuFactor'>, global: number) => h.cpuFactor ?? global;
export const hostMemFactor = (h: Pick<HostInfo, 'memFactor'>, global: number) => h.memFactor ?? global;
export const poolStorageFactor = (p: { storageFactor?: number | null }, global: number) => p.storageFactor ?? global;
