/** Wire shapes of resource limits and counts, and the limit fields of accounts and domains. */
import { defineResponse, type Wire } from './define.js';
import { displayPath } from './identity.js';
import type { CountEntry, LimitEntry, OwnerInfo } from '../../services/limits/limit-admin.service.js';
import { limitToWire } from '../../services/limits/resource-types.js';

export const resourceLimitResponse = defineResponse({
  objectName: 'resourcelimit',
  className: 'ResourceLimitResponse',
  fields: { account: 'string', domainid: 'string', domain: 'string', domainpath: 'string', resourcetype: 'string', resourcetypename: 'string', max: 'long' },
});

export const resourceCountResponse = defineResponse({
  objectName: 'resourcecount',
  className: 'ResourceCountResponse',
  fields: { account: 'string', domainid: 'string', domain: 'string', domainpath: 'string', resourcetype: 'string', resourcetypename: 'string', resourcecount: 'long' },
});

function ownerWire(o: OwnerInfo): Wire {
  return { account: o.kind === 'account' ? o.accountName : undefined, domainid: o.domainUuid, domain: o.domainName, domainpath: displayPath(o.domainPath) };
}

/** `resourcetype` is a string on the wire (CloudStack's field is a String; go-cloudstack types it so). */
export function toResourceLimit(e: LimitEntry): Wire {
  return { ...ownerWire(e.owner), resourcetype: String(e.type.id), resourcetypename: e.type.name, max: limitToWire(e.type, e.max) };
}

export function toResourceCount(e: CountEntry): Wire {
  return { ...ownerWire(e.owner), resourcetype: String(e.type.id), resourcetypename: e.type.name, resourcecount: e.count };
}
