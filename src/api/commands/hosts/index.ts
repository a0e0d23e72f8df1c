import type { AnyCommand } from '../../define-command.js';
import addHost from './addHost.js';
import listHosts from './listHosts.js';
import updateHost from './updateHost.js';
import reconnectHost from './reconnectHost.js';
import deleteHost from './deleteHost.js';
import configureSimulator from './configureSimulator.js';
import cleanupSimulatorMock from './cleanupSimulatorMock.js';
import prepareHostForMaintenance from './prepareHostForMaintenance.js';
import cancelHostMaintenance from './cancelHostMaintenance.js';

export const HOST_COMMANDS: AnyCommand[] = [addHost, listHosts, updateHost, reconnectHost, deleteHost, configureSimulator, cleanupSimulatorMock, prepareHostForMaintenance, cancelHostMaintenance] as AnyCommand[];
