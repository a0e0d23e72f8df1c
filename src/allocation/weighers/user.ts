/** Orderings by where the deploying account's VMs already are. */
import type { HostWeigher } from '../types.js';

/** userdispersing: hosts with fewer of the account's VMs first. */
export const userDispersing: HostWeigher = (h, { snapshot }) => snapshot.accountVmsByHost.get(h.id) ?? 0;
/** userconcentratedpod: pods holding more of the account's VMs first. */
export const userConcentratedPod: HostWeigher = (h, { accountVmsByPod }) => -(accountVmsByPod.get(h.podId) ?? 0);
