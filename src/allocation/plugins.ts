/**
 * The one registration table of the planner's plug-ins and the `vm.allocation.algorithm`
 * presets built from them. Operators add a policy with `registerAllocator` (docs/allocators.md).
 */
import { avoid } from './filters/avoid.js';
import { cpu } from './filters/cpu.js';
import { hostState } from './filters/host-state.js';
import { hostTags } from './filters/host-tags.js';
import { hypervisor } from './filters/hypervisor.js';
import { memory } from './filters/memory.js';
import { storage } from './filters/storage.js';
import { target } from './filters/target.js';
import { zone } from './filters/zone.js';
import type { AllocatorPreset, HostFilter, HostWeigher } from './types.js';
import { osPreference } from './weighers/os-preference.js';
import { firstFit, leastConsumed, mostConsumed, random } from './weighers/simple.js';
import { userConcentratedPod, userDispersing } from './weighers/user.js';

export const ALLOCATION_PLUGINS: {
  filters: Record<string, HostFilter>;
  weighers: Record<string, HostWeigher>;
  presets: Record<string, AllocatorPreset>;
} = {
  filters: {
    zone, target, 'host-state': hostState, hypervisor, 'host-tags': hostTags, avoid, cpu, memory, storage,
  },
  weighers: {
    'os-preference': osPreference, random, firstfit: firstFit, 'least-consumed': leastConsumed, 'most-consumed': mostConsumed,
    'user-dispersing': userDispersing, 'user-concentrated-pod': userConcentratedPod,
  },
  presets: {},
};

/** Every preset runs the same filters: cheap ones first, storage (pool lookups) last. */
export const STANDARD_FILTERS = ['zone', 'target', 'host-state', 'hypervisor', 'host-tags', 'avoid', 'cpu', 'memory', 'storage'];

const preset = (...weighers: string[]): AllocatorPreset => ({ filters: STANDARD_FILTERS, weighers: ['os-preference', ...weighers] });

Object.assign(ALLOCATION_PLUGINS.presets, {
  random: preset('random'),
  firstfit: preset('firstfit'),
  userdispersing: preset('user-dispersing', 'random'),
  userconcentratedpod_random: preset('user-concentrated-pod', 'random'),
  userconcentratedpod_firstfit: preset('user-concentrated-pod', 'firstfit'),
  firstfitleastconsumed: preset('least-consumed', 'firstfit'),
  // The seed's two policies: vertical fills a node before the next, horizontal spreads across nodes.
  vertical: preset('most-consumed', 'firstfit'),
  horizontal: preset('least-consumed', 'firstfit'),
});

/**
 * Registers a custom policy: its own filters/weighers (names must be new) and a preset that
 * `vm.allocation.algorithm` can then name. Returns a function that unregisters it.
 */
export function registerAllocator(
  name: string,
  def: { filters?: Record<string, HostFilter>; weighers?: Record<string, HostWeigher>; preset: AllocatorPreset },
): () => void {
  const clash = [
    ...Object.keys(def.filters ?? {}).filter((k) => k in ALLOCATION_PLUGINS.filters),
    ...Object.keys(def.weighers ?? {}).filter((k) => k in ALLOCATION_PLUGINS.weighers),
    ...(name in ALLOCATION_PLUGINS.presets ? [name] : []),
  ];
  if (clash.length) throw new Error(`allocator plug-in names already registered: ${clash.join(', ')}`);
  Object.assign(ALLOCATION_PLUGINS.filters, def.filters);
  Object.assign(ALLOCATION_PLUGINS.weighers, def.weighers);
  for (const n of [...def.preset.filters, ...def.preset.weighers]) {
    if (!(n in ALLOCATION_PLUGINS.filters) && !(n in ALLOCATION_PLUGINS.weighers)) throw new Error(`unknown allocator plug-in ${n}`);
  }
  ALLOCATION_PLUGINS.presets[name] = def.preset;
  return () => {
    for (const k of Object.keys(def.filters ?? {})) delete ALLOCATION_PLUGINS.filters[k];
    for (const k of Object.keys(def.weighers ?? {})) delete ALLOCATION_PLUGINS.weighers[k];
    delete ALLOCATION_PLUGINS.presets[name];
  };
}
