/** DomainRouterResponse (`router`): admins and domain admins only, so host and addresses are shown. */
import type { RouterView } from '../../services/routers/router-rows.js';
import { routerNics } from '../../services/routers/router-rows.js';
import { defineResponse, wireDate, type Wire } from './define.js';

export const routerResponse = defineResponse({
  objectName: 'router',
  className: 'DomainRouterResponse',
  fields: {
    id: 'string', name: 'string', state: 'string', role: 'string', zoneid: 'string', zonename: 'string', dns1: 'string', dns2: 'string', networkdomain: 'string',
    gateway: 'string', publicip: 'string', publicmacaddress: 'string', publicnetmask: 'string', publicnetworkid: 'string',
    guestipaddress: 'string', guestmacaddress: 'string', guestnetmask: 'string', guestnetworkid: 'string', guestnetworkname: 'string',
    linklocalip: 'string', linklocalmacaddress: 'string', linklocalnetmask: 'string',
    hostid: 'string', hostname: 'string', hypervisor: 'string', podid: 'string', serviceofferingid: 'string', serviceofferingname: 'string',
    account: 'string', domainid: 'string', domain: 'string', created: 'date', isredundantrouter: 'boolean', redundantstate: 'string',
    requiresupgrade: 'boolean', nic: 'set',
  },
});

export function toRouter(r: RouterView): Wire {
  const nics = routerNics(r);
  const [guest, control, pub] = [nics[0]!, nics[1]!, nics[2]];
  const o: Wire = {
    id: r.uuid, name: r.name, state: r.state, role: 'VIRTUAL_ROUTER', zoneid: r.zone_uuid, zonename: r.zone_name,
    ...(r.dns1 ? { dns1: r.dns1 } : {}), ...(r.dns2 ? { dns2: r.dns2 } : {}), ...(r.network_domain ? { networkdomain: r.network_domain } : {}),
  };
  if (pub) Object.assign(o, { gateway: pub.gateway, publicip: pub.ip, publicmacaddress: pub.mac, publicnetmask: pub.netmask, ...(r.public_vlan_uuid ? { publicnetworkid: r.public_vlan_uuid } : {}) });
  Object.assign(o, {
    guestipaddress: guest.ip, guestmacaddress: guest.mac, guestnetmask: guest.netmask, guestnetworkid: r.network_uuid, guestnetworkname: r.network_name,
    linklocalip: control.ip, linklocalmacaddress: control.mac, linklocalnetmask: control.netmask,
  });
  if (r.host_uuid) Object.assign(o, { hostid: r.host_uuid, hostname: r.host_name, hypervisor: r.host_hypervisor });
  if (r.pod_uuid) o['podid'] = r.pod_uuid;
  Object.assign(o, {
    serviceofferingid: r.so_uuid, serviceofferingname: r.so_name, account: r.account_name, domainid: r.domain_uuid, domain: r.domain_name,
    created: wireDate(Number(r.created)), isredundantrouter: false, redundantstate: 'UNKNOWN', requiresupgrade: false,
    nic: nics.map((n) => ({
      id: n.uuid, ipaddress: n.ip, netmask: n.netmask, ...(n.gateway ? { gateway: n.gateway } : {}), macaddress: n.mac, traffictype: n.trafficType,
      isdefault: n.isDefault, deviceid: String(n.deviceId), ...(n.broadcastUri ? { broadcasturi: n.broadcastUri, isolationuri: n.broadcastUri } : {}),
      ...(n.trafficType === 'Guest' ? { networkid: r.network_uuid, networkname: r.network_name, type: r.guest_type } : {}),
    })),
  });
  return o;
}
