import { cpuFits, cpuNeed, hostCpuFactor } from '../capacity.js';
import type { HostFilter } from '../types.js';

/** cores × MHz × cpu.overprovisioning.factor − allocated ≥ the offering's cores × MHz; and enough cores. */
export const cpu: HostFilter = (h, { req, snapshot }) =>
  h.cpus >= req.cpuNumber && h.cpuSpeed >= req.cpuSpeed && cpuFits(h, hostCpuFactor(h, snapshot.factors.cpu), cpuNeed(req));
