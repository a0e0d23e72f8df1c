/**
 * The infrastructure area: zones, pods, clusters, primary and secondary storage, physical
 * networks and providers, IP ranges and capacity. No background work.
 */
import type { Area } from '../../area.js';
import { TableProbe } from './infra.queries.js';
import { ZoneService } from './zone.service.js';
import { PodService } from './pod.service.js';
import { ClusterService } from './cluster.service.js';
import { StoragePoolService } from './storage-pool.service.js';
import { ImageStoreService } from './image-store.service.js';
import { PhysicalNetworkService } from './physical-network.service.js';
import { NetworkProviderService } from './network-provider.service.js';
import { VlanRangeService } from './vlan-range.service.js';
import { CapacityService } from './capacity.service.js';

export interface InfraServices {
  zones: ZoneService;
  pods: PodService;
  clusters: ClusterService;
  storagePools: StoragePoolService;
  imageStores: ImageStoreService;
  physicalNetworks: PhysicalNetworkService;
  networkProviders: NetworkProviderService;
  vlanRanges: VlanRangeService;
  capacity: CapacityService;
}

export const INFRA_AREA: Area = {
  name: 'infra',
  async create({ db, services }) {
    const probe = new TableProbe(db);
    const { events, config } = services;
    const infra: InfraServices = {
      zones: new ZoneService(db, events, probe),
      pods: new PodService(db, events, probe),
      clusters: new ClusterService(db, events, probe),
      storagePools: new StoragePoolService(db, probe),
      imageStores: new ImageStoreService(db, config, probe),
      physicalNetworks: new PhysicalNetworkService(db, probe),
      networkProviders: new NetworkProviderService(db, probe),
      vlanRanges: new VlanRangeService(db, events),
      capacity: new CapacityService(db, config, probe),
    };
    return { services: infra };
  },
};
