/** SnapshotResponse (`snapshot`) and SnapshotPolicyResponse (`snapshotpolicy`). */
import type { PolicyView, SnapshotView } from '../../services/snapshots/snapshot.queries.js';
import { INTERVAL_TYPES } from '../../services/snapshots/snapshot.queries.js';
import { defineResponse, wireDate, type Wire } from './define.js';
import { displayPath } from './identity.js';

export const snapshotResponse = defineResponse({
  objectName: 'snapshot',
  className: 'SnapshotResponse',
  fields: {
    id: 'string', account: 'string', domainid: 'string', domain: 'string', domainpath: 'string', snapshottype: 'string', volumeid: 'string',
    volumename: 'string', volumetype: 'string', volumestate: 'string', created: 'date', name: 'string', intervaltype: 'string', state: 'string',
    physicalsize: 'long', virtualsize: 'long', zoneid: 'string', zonename: 'string', revertable: 'boolean', datastoreid: 'string',
    datastorename: 'string', datastoretype: 'string', tags: 'set', hasannotations: 'boolean',
  },
  docs: {
    snapshottype: 'MANUAL, or the interval (HOURLY, DAILY, WEEKLY, MONTHLY) of the policy that took it',
    physicalsize: 'Bytes this snapshot\'s backup stores on secondary storage (only the changes since its parent when incremental)',
    virtualsize: 'Size of the volume when the snapshot was taken (bytes)',
  },
});

export function toSnapshot(s: SnapshotView): Wire {
  const type = s.interval_type ?? 'MANUAL';
  const w: Wire = {
    id: s.uuid, account: s.account_name, domainid: s.domain_uuid, domain: s.domain_name, domainpath: displayPath(s.domain_path),
    snapshottype: type, volumeid: s.volume_uuid, volumename: s.volume_name, volumetype: s.volume_type, volumestate: s.volume_state,
    created: wireDate(Number(s.created)), name: s.name, intervaltype: type, state: s.state, physicalsize: Number(s.physical_size),
    virtualsize: Number(s.size), zoneid: s.zone_uuid, zonename: s.zone_name, revertable: false,
  };
  if (s.store_uuid) Object.assign(w, { datastoreid: s.store_uuid, datastorename: s.store_name, datastoretype: 'Image' });
  w['tags'] = [];
  w['hasannotations'] = false;
  return w;
}

export const snapshotPolicyResponse = defineResponse({
  objectName: 'snapshotpolicy',
  className: 'SnapshotPolicyResponse',
  fields: {
    id: 'string', volumeid: 'string', volumename: 'string', schedule: 'string', intervaltype: 'short', maxsnaps: 'integer', timezone: 'string',
    fordisplay: 'boolean', zone: 'set', tags: 'set', hasannotations: 'boolean',
  },
  docs: { intervaltype: 'The interval as a number (CloudStack\'s wire form): 0 HOURLY, 1 DAILY, 2 WEEKLY, 3 MONTHLY' },
});

export function toSnapshotPolicy(p: PolicyView): Wire {
  return {
    id: p.uuid, volumeid: p.volume_uuid, volumename: p.volume_name, schedule: p.schedule,
    intervaltype: INTERVAL_TYPES.indexOf(p.interval_type as (typeof INTERVAL_TYPES)[number]), maxsnaps: Number(p.max_snaps), timezone: p.timezone,
    // `zone` lists the extra zones a policy copies snapshots to (zoneids), which Nimbo does not offer.
    fordisplay: p.display === 1, zone: [], tags: [], hasannotations: false,
  };
}
