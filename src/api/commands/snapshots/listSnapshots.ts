import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { snapshotResponse, toSnapshot } from '../../responses/snapshots.js';
import { listSnapshots } from '../../../services/snapshots/snapshot.queries.js';
import { accountListParams, listResult, pageOf, scopeOf } from '../common.js';
import { USER_ROLES } from './common.js';

export default defineCommand({
  name: 'listSnapshots',
  description: 'Lists the volume snapshots the caller may see (its own by default), newest first.',
  roles: [...USER_ROLES],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'Snapshot', doc: 'The snapshot' }),
    ids: p.uuidList({ entity: 'Snapshot', doc: 'These snapshots' }),
    name: p.string({ doc: 'Name of the snapshot' }),
    volumeid: p.uuid({ entity: 'Volume', doc: 'Snapshots of this volume' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Snapshots in this zone' }),
    snapshottype: p.string({ doc: 'MANUAL or RECURRING' }),
    intervaltype: p.string({ doc: 'HOURLY, DAILY, WEEKLY or MONTHLY (MANUAL for manual snapshots)' }),
  },
  response: listOf(snapshotResponse),
  async handler(ctx, params) {
    const scope = await scopeOf(ctx, params);
    return listResult(await listSnapshots(ctx.services.snapshots.db, ctx.services.scoper, scope, params, pageOf(ctx, params)), toSnapshot);
  },
});
