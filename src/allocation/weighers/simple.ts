/** The simple orderings: random, first fit (host id), least consumed, vertical (pack), horizontal (spread). */
import { consumed, hostCpuFactor, hostMemFactor } from '../capacity.js';
import type { HostWeigher } from '../types.js';

export const random: HostWeigher = () => Math.random();
export const firstFit: HostWeigher = (h) => h.id;

const use: HostWeigher = (h, { snapshot: { factors } }) =>
  consumed(h, hostCpuFactor(h, factors.cpu), hostMemFactor(h, factors.mem));

/** Least consumed first (firstfitleastconsumed, and the seed's horizontal policy: spread). */
export const leastConsumed: HostWeigher = use;
/** Most consumed first: fill a node before the next (the seed's vertical policy: pack, saving power). */
export const mostConsumed: HostWeigher = (h, ctx) => -use(h, ctx);
