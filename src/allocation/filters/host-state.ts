import type { HostFilter } from '../types.js';

/** Up and Enabled hosts, not in (or entering) maintenance, in an Enabled pod and cluster. */
export const hostState: HostFilter = (h) =>
  h.status === 'Up' && h.resourceState === 'Enabled' && h.clusterEnabled && h.podEnabled;
