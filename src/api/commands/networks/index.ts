/** Guest networking (issue #7): network offerings, guest networks, public IPs, rules. */
import type { AnyCommand } from '../../define-command.js';
import listNetworkOfferings from './listNetworkOfferings.js';
import createNetworkOffering from './createNetworkOffering.js';
import updateNetworkOffering from './updateNetworkOffering.js';
import deleteNetworkOffering from './deleteNetworkOffering.js';
import createNetwork from './createNetwork.js';
import listNetworks from './listNetworks.js';
import updateNetwork from './updateNetwork.js';
import restartNetwork from './restartNetwork.js';
import deleteNetwork from './deleteNetwork.js';
import associateIpAddress from './associateIpAddress.js';
import disassociateIpAddress from './disassociateIpAddress.js';
import listPublicIpAddresses from './listPublicIpAddresses.js';

export const NETWORKS_COMMANDS: AnyCommand[] = [
  listNetworkOfferings, createNetworkOffering, updateNetworkOffering, deleteNetworkOffering,
  createNetwork, listNetworks, updateNetwork, restartNetwork, deleteNetwork,
  associateIpAddress, disassociateIpAddress, listPublicIpAddresses,
];
