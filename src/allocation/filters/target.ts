import type { HostFilter } from '../types.js';

/** An administrator's hostid/clusterid/podid target of deployVirtualMachine. */
export const target: HostFilter = (h, { req: { target: t } }) =>
  (t.hostId === undefined || h.id === t.hostId) &&
  (t.clusterId === undefined || h.clusterId === t.clusterId) &&
  (t.podId === undefined || h.podId === t.podId);
