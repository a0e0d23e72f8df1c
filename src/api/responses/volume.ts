/** VolumeResponse (`volume`). Storage pool, path and placement are shown to root admins only. */
import { isRootAdmin, type Caller } from '../../services/caller.js';
import type { VolumeView } from '../../services/volumes/volume-query.js';
import { defineResponse, wireDate, type Wire } from './define.js';

export const volumeResponse = defineResponse({
  objectName: 'volume',
  className: 'VolumeResponse',
  fields: {
    id: 'string', name: 'string', zoneid: 'string', zonename: 'string', type: 'string', deviceid: 'long', virtualmachineid: 'string',
    vmname: 'string', vmdisplayname: 'string', vmstate: 'string', vmtype: 'string', provisioningtype: 'string', size: 'long',
    created: 'date', state: 'string', account: 'string', domainid: 'string', domain: 'string', domainpath: 'string', storagetype: 'string',
    hypervisor: 'string', diskofferingid: 'string', diskofferingname: 'string', diskofferingdisplaytext: 'string', storage: 'string',
    storageid: 'string', attached: 'date', destroyed: 'boolean', serviceofferingid: 'string', serviceofferingname: 'string',
    serviceofferingdisplaytext: 'string', templateid: 'string', templatename: 'string', templatedisplaytext: 'string',
    isextractable: 'boolean', displayvolume: 'boolean', path: 'string', virtualsize: 'long', quiescevm: 'boolean',
    supportsstoragesnapshot: 'boolean', clusterid: 'string', clustername: 'string', podid: 'string', podname: 'string', tags: 'set',
  },
});

export function toVolume(v: VolumeView, caller: Caller): Wire {
  const admin = isRootAdmin(caller);
  const o: Wire = { id: v.uuid, name: v.name, zoneid: v.zone_uuid, zonename: v.zone_name, type: v.volume_type };
  if (v.vm_uuid) {
    Object.assign(o, { deviceid: Number(v.device_id), virtualmachineid: v.vm_uuid, vmname: v.vm_name, vmdisplayname: v.vm_display ?? v.vm_name, vmstate: v.vm_state });
    o['vmtype'] = v.vm_type;
  }
  Object.assign(o, {
    provisioningtype: 'thin', size: Number(v.size), created: wireDate(Number(v.created)), state: v.state, account: v.account_name,
    domainid: v.domain_uuid, domain: v.domain_name, domainpath: v.domain_path, storagetype: v.pool_scope === 'HOST' ? 'local' : 'shared',
    hypervisor: v.host_hypervisor ?? (v.pool_hypervisor && v.pool_hypervisor !== 'Any' ? v.pool_hypervisor : undefined) ?? v.template_hypervisor ?? 'None',
  });
  if (v.offering_uuid) Object.assign(o, { diskofferingid: v.offering_uuid, diskofferingname: v.offering_name, diskofferingdisplaytext: v.offering_display });
  if (v.volume_type === 'ROOT' && v.so_uuid) Object.assign(o, { serviceofferingid: v.so_uuid, serviceofferingname: v.so_name, serviceofferingdisplaytext: v.so_display });
  if (v.template_uuid) Object.assign(o, { templateid: v.template_uuid, templatename: v.template_name, templatedisplaytext: v.template_display });
  if (admin && v.pool_uuid) Object.assign(o, { storage: v.pool_name, storageid: v.pool_uuid });
  // Clients test the presence of `attached` to decide whether a volume is in use.
  if (v.vm_uuid) o['attached'] = wireDate(Number(v.attached ?? v.created));
  o['destroyed'] = v.state === 'Destroy';
  Object.assign(o, { isextractable: true, displayvolume: true });
  if (admin) {
    if (v.path) o['path'] = v.path;
    if (v.cluster_uuid) Object.assign(o, { clusterid: v.cluster_uuid, clustername: v.cluster_name });
    if (v.pod_uuid) Object.assign(o, { podid: v.pod_uuid, podname: v.pod_name });
  }
  Object.assign(o, { virtualsize: Number(v.size), quiescevm: false, supportsstoragesnapshot: false, tags: [] });
  return o;
}
