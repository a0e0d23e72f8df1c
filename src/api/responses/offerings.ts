/** Wire shapes of service/disk offerings and OS types. */
import { defineResponse, wireDate, type Wire } from './define.js';
import type { ServiceOfferingRow } from '../../services/offerings/service-offering.service.js';
import type { DiskOfferingRow } from '../../services/offerings/disk-offering.service.js';
import type { OsTypeRow } from '../../services/offerings/guest-os.service.js';

export const serviceOfferingResponse = defineResponse({
  objectName: 'serviceoffering',
  className: 'ServiceOfferingResponse',
  fields: {
    id: 'string', name: 'string', state: 'string', displaytext: 'string', cpunumber: 'integer', cpuspeed: 'integer', memory: 'integer', created: 'date',
    storagetype: 'string', provisioningtype: 'string', offerha: 'boolean', limitcpuuse: 'boolean', isvolatile: 'boolean', storagetags: 'string',
    domainid: 'string', domain: 'string', hosttags: 'string', issystem: 'boolean', defaultuse: 'boolean', systemvmtype: 'string', networkrate: 'integer',
    iscustomized: 'boolean', dynamicscalingenabled: 'boolean', hasannotations: 'boolean',
  },
});

export function toServiceOffering(o: ServiceOfferingRow): Wire {
  const w: Wire = {
    id: o.uuid, name: o.name, state: o.state, displaytext: o.display_text, cpunumber: o.cpu_number, cpuspeed: o.cpu_speed, memory: o.ram_size,
    created: wireDate(o.created), storagetype: o.storage_type, provisioningtype: 'thin', offerha: o.offer_ha === 1, limitcpuuse: o.limit_cpu_use === 1,
    isvolatile: false,
  };
  if (o.tags) w.storagetags = o.tags;
  if (o.domain_uuid) { w.domainid = o.domain_uuid; w.domain = o.domain_name; }
  if (o.host_tag) w.hosttags = o.host_tag;
  w.issystem = o.is_system === 1;
  w.defaultuse = o.default_use === 1;
  if (o.vm_type) w.systemvmtype = o.vm_type;
  if (o.network_rate !== null) w.networkrate = o.network_rate;
  w.iscustomized = false;
  w.dynamicscalingenabled = false;
  w.hasannotations = false;
  return w;
}

export const diskOfferingResponse = defineResponse({
  objectName: 'diskoffering',
  className: 'DiskOfferingResponse',
  fields: {
    id: 'string', domainid: 'string', domain: 'string', name: 'string', state: 'string', displaytext: 'string', disksize: 'long', created: 'date',
    iscustomized: 'boolean', tags: 'string', storagetype: 'string', provisioningtype: 'string', displayoffering: 'boolean', hasannotations: 'boolean',
  },
});

export function toDiskOffering(o: DiskOfferingRow): Wire {
  const w: Wire = { id: o.uuid };
  if (o.domain_uuid) { w.domainid = o.domain_uuid; w.domain = o.domain_name; }
  Object.assign(w, {
    name: o.name, state: o.state, displaytext: o.display_text, disksize: Math.round(o.disk_size / 1024 ** 3), created: wireDate(o.created),
    iscustomized: o.customized === 1,
  });
  if (o.tags) w.tags = o.tags;
  Object.assign(w, { storagetype: o.storage_type, provisioningtype: 'thin', displayoffering: true, hasannotations: false });
  return w;
}

export const osTypeResponse = defineResponse({
  objectName: 'ostype',
  className: 'GuestOSResponse',
  fields: { id: 'string', oscategoryid: 'string', oscategoryname: 'string', name: 'string', description: 'string', isuserdefined: 'boolean', fordisplay: 'boolean' },
});

export function toOsType(o: OsTypeRow): Wire {
  return { id: o.uuid, oscategoryid: o.category_uuid, oscategoryname: o.category_name, name: o.display_name, description: o.display_name, isuserdefined: false, fordisplay: true };
}

export const osCategoryResponse = defineResponse({
  objectName: 'oscategory',
  className: 'GuestOSCategoryResponse',
  fields: { id: 'string', name: 'string', isfeatured: 'boolean' },
});

export function toOsCategory(c: { uuid: string; name: string }): Wire {
  return { id: c.uuid, name: c.name, isfeatured: false };
}
