/**
 * Snapshots and recurring snapshot policies (issue #6): the services, the `snapshot` limit
 * counter, and the scheduler as this area's background work. On start a server fails the
 * snapshots it left half-taken (their jobs are failed the same way by the job service).
 */
import type { Area } from '../../area.js';
import { snapshotTransition, type SnapshotEvent } from '../../orchestration/state/snapshot-state.js';
import { SnapshotPolicyService } from './policy.service.js';
import { SnapshotScheduler } from './scheduler.js';
import { SnapshotService } from './snapshot.service.js';
import { SnapshotRestoreService } from './restore.js';

export interface SnapshotsServices {
  snapshots: SnapshotService;
  snapshotPolicies: SnapshotPolicyService;
  snapshotScheduler: SnapshotScheduler;
  /** Volumes and private templates from snapshots (and templates from volumes). */
  snapshotRestore: SnapshotRestoreService;
}

const IN_FLIGHT = ['Allocated', 'Creating', 'CreatedOnPrimary', 'BackingUp'];

export const SNAPSHOTS_AREA: Area = {
  name: 'snapshots',
  async create({ db, services, logger, options }) {
    const log = logger.child({ area: 'snapshots' });
    const snapshots = new SnapshotService(db, services);
    const snapshotPolicies = new SnapshotPolicyService(db, services, snapshots, Date.now);
    const snapshotScheduler = new SnapshotScheduler(db, services, snapshots, { log });
    const snapshotRestore = new SnapshotRestoreService(db, services, snapshots);

    services.limits.registerCounter('snapshot', async (accountId, exec) => {
      const r = await exec.selectFrom('snapshots').select((eb) => eb.fn.countAll().as('n')).where('account_id', '=', accountId)
        .where('removed', 'is', null).where('state', '<>', 'Error').executeTakeFirst();
      return Number(r?.n ?? 0);
    });

    // A deleted account's policies go, and so do its snapshots (their backups too, chain by chain).
    services.accounts.addCleanupHook(async (accountId, caller) => {
      await db.kysely.deleteFrom('snapshot_policies').where('account_id', '=', accountId).execute();
      const rows = await db.kysely.selectFrom('snapshots').selectAll().where('account_id', '=', accountId).where('removed', 'is', null)
        .where('state', 'in', ['BackedUp', 'Error']).orderBy('id', 'desc').execute();
      for (const r of rows) await snapshots.destroy(caller, r).catch((e) => log.warn({ err: e, snapshotId: r.id }, 'could not delete a snapshot of a deleted account'));
    });

    return {
      services: { snapshots, snapshotPolicies, snapshotScheduler, snapshotRestore },
      lifecycle: {
        async start() {
          const stale = await db.kysely.selectFrom('snapshots').select(['id', 'state', 'account_id']).where('msid', '=', services.msid)
            .where('state', 'in', IN_FLIGHT).where('removed', 'is', null).execute();
          for (const s of stale) {
            await db.kysely.transaction().execute(async (trx) => {
              await snapshotTransition(trx, s.id, s.state, 'OperationFailed' satisfies SnapshotEvent, { primary_path: null });
              await services.limits.decrement(trx, s.account_id, 'snapshot', 1);
            }).catch((e) => log.warn({ err: e, snapshotId: s.id }, 'could not fail an interrupted snapshot'));
          }
          // CloudStack polls every snapshot.poll.interval (300 s); a minute at most keeps runs close to their time.
          if (options['snapshotScheduler'] !== 'false') {
            const every = Math.min(60, Math.max(1, await services.config.getNumber('snapshot.poll.interval'))) * 1000;
            snapshotScheduler.startTimer(every);
          }
        },
        async stop() {
          await snapshotScheduler.stop();
        },
      },
    };
  },
};
