import type { HostFilter } from '../types.js';

/** Hosts, clusters and pods a failed attempt asked to avoid. */
export const avoid: HostFilter = (h, { req: { avoid: a } }) =>
  !a.hosts.has(h.id) && !a.clusters.has(h.clusterId) && !a.pods.has(h.podId);
