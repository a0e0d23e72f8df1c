/**
 * Recurring snapshot policies: at most one per interval type per volume (a unique index);
 * creating one for an interval the volume already has updates that policy, as CloudStack
 * does. `maxsnaps` is bounded by `snapshot.max.<interval>` and the account's snapshot limit.
 */
import { randomUUID } from 'node:crypto';
import { CloudError, paramError } from '../../api/errors.js';
import { insertId, type Db } from '../../db/dialect.js';
import { isRootAdmin, type Caller } from '../caller.js';
import type { Services } from '../index.js';
import { checkTimeZone, nextRun, parseSchedule } from './schedule.js';
import { INTERVAL_TYPES, type IntervalType } from './snapshot.queries.js';
import type { SnapshotService } from './snapshot.service.js';

export interface PolicyInput {
  volumeid: number;
  intervaltype: string;
  schedule: string;
  timezone: string;
  maxsnaps: number;
  fordisplay?: boolean | undefined;
}

export function intervalOf(s: string): IntervalType {
  const i = INTERVAL_TYPES.find((t) => t === s.trim().toUpperCase());
  if (!i) throw paramError(`Unsupported interval type ${s}; use HOURLY, DAILY, WEEKLY or MONTHLY`);
  return i;
}

export class SnapshotPolicyService {
  constructor(private readonly db: Db, private readonly services: Services, private readonly snapshots: SnapshotService, private readonly clock: () => number) {}

  async access(caller: Caller, id: number) {
    const p = await this.db.kysely.selectFrom('snapshot_policies').selectAll().where('id', '=', id).executeTakeFirst();
    if (!p) throw paramError('Unable to find snapshot policy');
    this.services.scoper.checkAccess(caller, { accountId: p.account_id, domainId: p.domain_id, domainPath: await this.services.scoper.domainPath(p.domain_id) }, 'snapshot policy');
    return p;
  }

  /** createSnapshotPolicy: a new policy, or the volume's policy of that interval updated. Returns its id. */
  async create(caller: Caller, p: PolicyInput): Promise<number> {
    const v = await this.snapshots.volumeFor(caller, p.volumeid);
    if (v.state !== 'Ready') throw new CloudError('InvalidState', `VolumeId: ${v.uuid} is not in Ready state but ${v.state}. Cannot take snapshot.`);
    const interval = intervalOf(p.intervaltype);
    const schedule = parseSchedule(interval, p.schedule);
    checkTimeZone(p.timezone);
    if (p.maxsnaps <= 0) throw paramError('maxSnaps should be greater than 0');
    const cap = await this.services.config.getNumber(`snapshot.max.${interval.toLowerCase()}`);
    if (p.maxsnaps > cap) throw paramError(`maxSnaps exceeds limit: ${cap} for interval type: ${interval}`);
    if (!isRootAdmin(caller)) {
      const limit = await this.services.limits.accountLimit(v.account_id, 'snapshot');
      if (limit >= 0 && p.maxsnaps > limit) throw paramError('Max number of snapshots shouldn\'t exceed the domain/account level snapshot limit');
    }
    const next = nextRun(schedule, p.timezone, this.clock());
    const display = p.fordisplay === false ? 0 : 1;
    return this.db.kysely.transaction().execute(async (trx) => {
      const cur = await trx.selectFrom('snapshot_policies').select(['id', 'uuid']).where('volume_id', '=', v.id).where('interval_type', '=', interval).executeTakeFirst();
      const owner = { userId: caller.userId, accountId: v.account_id, domainId: v.domain_id, resourceType: 'SnapshotPolicy' };
      if (cur) {
        await trx.updateTable('snapshot_policies').set({ schedule: p.schedule.trim(), timezone: p.timezone, max_snaps: p.maxsnaps, display, next_run: next }).where('id', '=', cur.id).execute();
        await this.services.events.record({ type: 'SNAPSHOTPOLICY.UPDATE', description: `Updated ${interval} snapshot policy of volume ${v.uuid}`, resourceUuid: cur.uuid, ...owner }, trx);
        return cur.id;
      }
      const uuid = randomUUID();
      const id = await insertId(trx, this.db.dialect, 'snapshot_policies', {
        uuid, volume_id: v.id, account_id: v.account_id, domain_id: v.domain_id, interval_type: interval, schedule: p.schedule.trim(), timezone: p.timezone,
        max_snaps: p.maxsnaps, display, next_run: next, created: this.clock(),
      });
      await this.services.events.record({ type: 'SNAPSHOTPOLICY.CREATE', description: `Created ${interval} snapshot policy for volume ${v.uuid}`, resourceUuid: uuid, ...owner }, trx);
      return id;
    });
  }

  /** updateSnapshotPolicy: CloudStack's command changes only whether the policy is shown to the user. */
  async update(caller: Caller, id: number, p: { fordisplay?: boolean | undefined }): Promise<void> {
    const pol = await this.access(caller, id);
    await this.db.kysely.transaction().execute(async (trx) => {
      if (p.fordisplay !== undefined) await trx.updateTable('snapshot_policies').set({ display: p.fordisplay ? 1 : 0 }).where('id', '=', id).execute();
      await this.services.events.record({
        type: 'SNAPSHOTPOLICY.UPDATE', description: `Updated snapshot policy ${pol.uuid}`, userId: caller.userId, accountId: pol.account_id,
        domainId: pol.domain_id, resourceType: 'SnapshotPolicy', resourceUuid: pol.uuid,
      }, trx);
    });
  }

  /** deleteSnapshotPolicies: all or nothing; the snapshots the policies took stay. */
  async delete(caller: Caller, ids: number[]): Promise<void> {
    if (!ids.length) throw paramError('No policy id (or list of ids) specified.');
    const pols: Array<Awaited<ReturnType<SnapshotPolicyService['access']>>> = [];
    for (const id of ids) pols.push(await this.access(caller, id));
    await this.db.kysely.transaction().execute(async (trx) => {
      for (const pol of pols) {
        await trx.deleteFrom('snapshot_policies').where('id', '=', pol.id).execute();
        await this.services.events.record({
          type: 'SNAPSHOTPOLICY.DELETE', description: `Deleted snapshot policy ${pol.uuid}`, userId: caller.userId, accountId: pol.account_id,
          domainId: pol.domain_id, resourceType: 'SnapshotPolicy', resourceUuid: pol.uuid,
        }, trx);
      }
    });
  }
}
