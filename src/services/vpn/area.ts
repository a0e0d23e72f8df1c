/** Remote access VPN and VPN users (on the virtual routers of isolated networks). */
import type { Area } from '../../area.js';
import { VpnService } from './vpn.service.js';

export interface VpnServices {
  vpn: VpnService;
}

export const VPN_AREA: Area = {
  name: 'vpn',
  async create({ db, services }) {
    return { services: { vpn: new VpnService(db, services.events, services.scoper, services.config, services.publicIps, services.networkNotifier) } };
  },
};
