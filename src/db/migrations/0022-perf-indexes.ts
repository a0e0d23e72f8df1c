import { index, type Migration } from './helpers.js';

/**
 * Every VM state change looks up the VM's open usage intervals by `vm_uuid`: with only
 * the `end_ms` index that read scanned every open interval of the zone, growing with the
 * number of running VMs (issue #5's deploy bench: 1,000 VMs).
 */
export const m0022PerfIndexes: Migration = {
  name: '0022-perf-indexes',
  async up(db) {
    await index(db, 'usage_intervals', ['vm_uuid', 'end_ms']);
  },
};
