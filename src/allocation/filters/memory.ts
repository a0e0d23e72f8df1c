import { hostMemFactor, memFits, memNeed } from '../capacity.js';
import type { HostFilter } from '../types.js';

/** Free memory (mem.overprovisioning.factor, 1 by default: memory is not over-provisioned). */
export const memory: HostFilter = (h, { req, snapshot }) => memFits(h, hostMemFactor(h, snapshot.factors.mem), memNeed(req));
