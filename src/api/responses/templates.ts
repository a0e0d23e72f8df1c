/** Wire shapes of templates/ISOs (one object per zone copy) and their permissions. */
import { defineResponse, wireDate, type Wire } from './define.js';
import { displayPath } from './identity.js';
import { statusText, type TemplateZoneRow } from '../../services/templates/template.queries.js';

export const templateResponse = defineResponse({
  objectName: 'template',
  className: 'TemplateResponse',
  fields: {
    id: 'string', name: 'string', displaytext: 'string', ispublic: 'boolean', created: 'date', isready: 'boolean', passwordenabled: 'boolean',
    format: 'string', bootable: 'boolean', isfeatured: 'boolean', crossZones: 'boolean', ostypeid: 'string', ostypename: 'string', accountid: 'string',
    account: 'string', zoneid: 'string', zonename: 'string', status: 'string', size: 'long', physicalsize: 'long', templatetype: 'string',
    hypervisor: 'string', domain: 'string', domainpath: 'string', domainid: 'string', isextractable: 'boolean', checksum: 'string', url: 'string', hasannotations: 'boolean',
  },
});
export const isoResponse = defineResponse({ ...templateResponse, objectName: 'iso' });

export function toTemplate(t: TemplateZoneRow): Wire {
  const w: Wire = {
    id: t.uuid, name: t.name, displaytext: t.display_text, ispublic: t.public === 1, created: wireDate(t.created), isready: t.download_state === 'DOWNLOADED',
    passwordenabled: t.password_enabled === 1, format: t.format, bootable: t.bootable === 1, isfeatured: t.featured === 1, crossZones: t.cross_zones === 1,
    ostypeid: t.os_uuid ?? undefined, ostypename: t.os_name ?? undefined, accountid: t.account_uuid, account: t.account_name,
  };
  if (t.zone_uuid) { w.zoneid = t.zone_uuid; w.zonename = t.zone_name; }
  const status = statusText(t.download_state, t.download_pct, t.error_str);
  if (status) w.status = status;
  if (t.download_state === 'DOWNLOADED') { w.size = t.ref_size ?? t.size; w.physicalsize = t.physical_size ?? undefined; }
  Object.assign(w, {
    templatetype: t.template_type, hypervisor: t.hypervisor_type, domain: t.domain_name, domainpath: displayPath(t.domain_path), domainid: t.domain_uuid,
    isextractable: t.extractable === 1,
  });
  if (t.checksum) w.checksum = t.checksum;
  if (t.url) w.url = t.url;
  w.hasannotations = false;
  return w;
}

export const templatePermissionsResponse = defineResponse({
  objectName: 'templatepermission',
  className: 'TemplatePermissionsResponse',
  fields: { id: 'string', ispublic: 'boolean', domainid: 'string', account: 'list', projectids: 'list' },
});

export function toTemplatePermissions(p: { uuid: string; isPublic: boolean; domainUuid: string; accounts: string[] }): Wire {
  const w: Wire = { id: p.uuid, ispublic: p.isPublic, domainid: p.domainUuid };
  if (p.accounts.length) w.account = p.accounts;
  return w;
}
