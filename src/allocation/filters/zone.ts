import type { HostFilter } from '../types.js';

/** Hosts in the VM's zone. */
export const zone: HostFilter = (h, { req }) => h.zoneId === req.zoneId;
