/** UserVmResponse (`virtualmachine`). The host is shown to root admins only. */
import { isRootAdmin, type Caller } from '../../services/caller.js';
import type { NicView, VmView } from '../../services/vms/vm-query.js';
import { defineResponse, wireDate, type Wire } from './define.js';
import { VM_STATS_FIELDS } from './stats.js';

export const userVmResponse = defineResponse({
  objectName: 'virtualmachine',
  className: 'UserVmResponse',
  fields: {
    id: 'string', name: 'string', displayname: 'string', account: 'string', domainid: 'string', domain: 'string', domainpath: 'string',
    created: 'date', lastupdated: 'date', state: 'string', haenable: 'boolean', groupid: 'string', group: 'string', zoneid: 'string', zonename: 'string',
    hostid: 'string', hostname: 'string', templateid: 'string', templatename: 'string', templatedisplaytext: 'string', templateformat: 'string',
    passwordenabled: 'boolean', isoid: 'string', isoname: 'string', isodisplaytext: 'string', serviceofferingid: 'string', serviceofferingname: 'string',
    cpunumber: 'integer', cpuspeed: 'integer', memory: 'integer', guestosid: 'string', ostypeid: 'string', osdisplayname: 'string',
    rootdeviceid: 'long', rootdevicetype: 'string', securitygroup: 'set', password: 'string', nic: 'set', hypervisor: 'string',
    instancename: 'string', details: 'map', keypairs: 'string', affinitygroup: 'set', displayvm: 'boolean', isdynamicallyscalable: 'boolean',
    userdata: 'string', vmtype: 'string', tags: 'set',
    ...VM_STATS_FIELDS,
  },
});

/** NicResponse as CloudStack nests it in `nic`. */
/** The VLAN (broadcast/isolation URI) is shown to root admins only, as CloudStack does. */
export function toNic(n: NicView, admin: boolean): Wire {
  const o: Wire = {
    id: n.uuid, networkid: n.network_uuid, networkname: n.network_name, netmask: n.netmask, gateway: n.gateway, ipaddress: n.ip_address,
    isdefault: n.is_default === 1, macaddress: n.mac_address, traffictype: n.traffic_type, type: n.guest_type, deviceid: String(n.device_id),
  };
  if (admin && n.broadcast_uri) (o['broadcasturi'] = n.broadcast_uri), (o['isolationuri'] = n.broadcast_uri);
  return o;
}

export function toUserVm(v: VmView, caller: Caller, opts: { password?: string; details?: boolean; nics?: NicView[] } = {}): Wire {
  const admin = isRootAdmin(caller);
  const o: Wire = {
    id: v.uuid, name: v.name, displayname: v.display_name ?? v.name, account: v.account_name, domainid: v.domain_uuid, domain: v.domain_name,
    domainpath: v.domain_path, created: wireDate(Number(v.created)), lastupdated: wireDate(Number(v.state_changed)), state: v.state,
    haenable: v.ha_enabled === 1,
  };
  if (v.group_uuid) (o['groupid'] = v.group_uuid), (o['group'] = v.group_name);
  o['zoneid'] = v.zone_uuid;
  o['zonename'] = v.zone_name;
  if (admin && v.host_uuid) (o['hostid'] = v.host_uuid), (o['hostname'] = v.host_name);
  if (v.template_uuid) {
    Object.assign(o, { templateid: v.template_uuid, templatename: v.template_name, templatedisplaytext: v.template_display, templateformat: v.template_format });
  }
  o['passwordenabled'] = v.password_enabled === 1;
  if (v.iso_uuid) Object.assign(o, { isoid: v.iso_uuid, isoname: v.iso_name, isodisplaytext: v.iso_display });
  Object.assign(o, {
    serviceofferingid: v.so_uuid, serviceofferingname: v.so_name, cpunumber: Number(v.cpu_number), cpuspeed: Number(v.cpu_speed), memory: Number(v.ram_size),
    guestosid: v.os_uuid, ostypeid: v.os_uuid, osdisplayname: v.os_name, rootdeviceid: 0, rootdevicetype: 'ROOT',
    securitygroup: [], nic: (opts.nics ?? []).map((n) => toNic(n, admin)),
    hypervisor: v.host_hypervisor ?? v.template_hypervisor ?? 'Simulator',
  });
  if (opts.password !== undefined) o['password'] = opts.password;
  if (admin) o['instancename'] = v.instance_name;
  if (v.keypair_name) o['keypairs'] = v.keypair_name;
  Object.assign(o, { affinitygroup: [], displayvm: true, isdynamicallyscalable: false });
  if (opts.details) o['details'] = {};
  if (v.user_data !== null && opts.details) o['userdata'] = v.user_data;
  o['vmtype'] = 'UserVm';
  o['tags'] = [];
  return o;
}
