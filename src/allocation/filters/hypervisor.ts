import type { HostFilter } from '../types.js';

/**
 * The template's hypervisor; ISOs and 'None' templates run anywhere. A simulated host stands
 * in for any hypervisor, so the built-in (KVM) template deploys on the demo zone's simulator.
 */
export const hypervisor: HostFilter = (h, { req }) =>
  req.hypervisor === null || req.hypervisor === 'None' || h.hypervisor === 'Simulator' || req.hypervisor.toLowerCase() === h.hypervisor.toLowerCase();
