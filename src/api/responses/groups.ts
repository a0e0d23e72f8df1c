/** Wire shape of instance groups. */
import { defineResponse, wireDate, type Wire } from './define.js';
import { displayPath } from './identity.js';
import type { InstanceGroupRow } from '../../services/groups/instance-group.service.js';

export const instanceGroupResponse = defineResponse({
  objectName: 'instancegroup',
  className: 'InstanceGroupResponse',
  fields: { id: 'string', name: 'string', created: 'date', account: 'string', domainid: 'string', domain: 'string', domainpath: 'string', hasannotations: 'boolean' },
});

export function toInstanceGroup(g: InstanceGroupRow): Wire {
  return {
    id: g.uuid, name: g.name, created: wireDate(g.created), account: g.account_name, domainid: g.domain_uuid, domain: g.domain_name,
    domainpath: displayPath(g.domain_path), hasannotations: false,
  };
}
