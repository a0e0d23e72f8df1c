/** The infrastructure area's commands (zones, pods, clusters, storage, physical networks, IP ranges, capacity). */
import type { AnyCommand } from '../../define-command.js';
import addCluster from './addCluster.js';
import listHypervisors from './listHypervisors.js';
import listInternalLoadBalancerElements from './listInternalLoadBalancerElements.js';
import configureInternalLoadBalancerElement from './configureInternalLoadBalancerElement.js';
import addImageStore from './addImageStore.js';
import addSecondaryStorage from './addSecondaryStorage.js';
import addTrafficType from './addTrafficType.js';
import cancelStorageMaintenance from './cancelStorageMaintenance.js';
import configureVirtualRouterElement from './configureVirtualRouterElement.js';
import createPhysicalNetwork from './createPhysicalNetwork.js';
import createPod from './createPod.js';
import createStoragePool from './createStoragePool.js';
import createVlanIpRange from './createVlanIpRange.js';
import createZone from './createZone.js';
import deleteCluster from './deleteCluster.js';
import deleteImageStore from './deleteImageStore.js';
import deletePhysicalNetwork from './deletePhysicalNetwork.js';
import deletePod from './deletePod.js';
import deleteStoragePool from './deleteStoragePool.js';
import deleteTrafficType from './deleteTrafficType.js';
import deleteVlanIpRange from './deleteVlanIpRange.js';
import deleteZone from './deleteZone.js';
import enableStorageMaintenance from './enableStorageMaintenance.js';
import listCapacity from './listCapacity.js';
import listClusters from './listClusters.js';
import listImageStores from './listImageStores.js';
import listNetworkServiceProviders from './listNetworkServiceProviders.js';
import listPhysicalNetworks from './listPhysicalNetworks.js';
import listPods from './listPods.js';
import listStoragePools from './listStoragePools.js';
import listStorageProviders from './listStorageProviders.js';
import listTrafficTypes from './listTrafficTypes.js';
import listVirtualRouterElements from './listVirtualRouterElements.js';
import listVlanIpRanges from './listVlanIpRanges.js';
import listZones from './listZones.js';
import updateCluster from './updateCluster.js';
import updateNetworkServiceProvider from './updateNetworkServiceProvider.js';
import updatePhysicalNetwork from './updatePhysicalNetwork.js';
import updatePod from './updatePod.js';
import updateStoragePool from './updateStoragePool.js';
import updateTrafficType from './updateTrafficType.js';
import updateVlanIpRange from './updateVlanIpRange.js';
import updateZone from './updateZone.js';

export const INFRA_COMMANDS: AnyCommand[] = [
  addCluster,
  listHypervisors,
  listInternalLoadBalancerElements,
  configureInternalLoadBalancerElement,
  addImageStore,
  addSecondaryStorage,
  addTrafficType,
  cancelStorageMaintenance,
  configureVirtualRouterElement,
  createPhysicalNetwork,
  createPod,
  createStoragePool,
  createVlanIpRange,
  createZone,
  deleteCluster,
  deleteImageStore,
  deletePhysicalNetwork,
  deletePod,
  deleteStoragePool,
  deleteTrafficType,
  deleteVlanIpRange,
  deleteZone,
  enableStorageMaintenance,
  listCapacity,
  listClusters,
  listImageStores,
  listNetworkServiceProviders,
  listPhysicalNetworks,
  listPods,
  listStoragePools,
  listStorageProviders,
  listTrafficTypes,
  listVirtualRouterElements,
  listVlanIpRanges,
  listZones,
  updateCluster,
  updateNetworkServiceProvider,
  updatePhysicalNetwork,
  updatePod,
  updateStoragePool,
  updateTrafficType,
  updateVlanIpRange,
  updateZone,
];
