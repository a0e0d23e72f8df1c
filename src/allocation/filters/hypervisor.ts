import type { HostFilter } from '../types.js';

/** The template's hypervisor; ISOs and 'None' templates run anywhere. */
export const hypervisor: HostFilter = (h, { req }) =>
  req.hypervisor === null || req.hypervisor === 'None' || req.hypervisor.toLowerCase() === h.hypervisor.toLowerCase();
