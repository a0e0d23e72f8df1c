import type { HostFilter } from '../types.js';

/** A primary pool for every disk, reachable from the host (its cluster, zone-wide, or its own). */
export const storage: HostFilter = (h, ctx) => ctx.poolsFor(h) !== null;
