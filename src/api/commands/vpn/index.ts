/** Remote access VPN and VPN users (on the virtual routers of isolated networks). */
import type { AnyCommand } from '../../define-command.js';
import createRemoteAccessVpn from './createRemoteAccessVpn.js';
import deleteRemoteAccessVpn from './deleteRemoteAccessVpn.js';
import listRemoteAccessVpns from './listRemoteAccessVpns.js';
import addVpnUser from './addVpnUser.js';
import removeVpnUser from './removeVpnUser.js';
import listVpnUsers from './listVpnUsers.js';

export const VPN_COMMANDS: AnyCommand[] = [createRemoteAccessVpn, deleteRemoteAccessVpn, listRemoteAccessVpns, addVpnUser, removeVpnUser, listVpnUsers];
