/** The VM state table: every (state, event) pair, and transition() on every database. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloudError } from '../../src/api/errors.js';
import { openDb, type Db } from '../../src/db/dialect.js';
import { migrate } from '../../src/db/migrate.js';
import { VM_EVENTS, VM_STATES, VM_TRANSITIONS, nextState, transition, type VmEvent, type VmState } from '../../src/orchestration/state/vm-state.js';
import { dialectsUnderTest, freshDatabase, type TestDatabase } from '../helpers/databases.js';

/** CloudStack's VirtualMachine.State transitions (enums.json) among the states Nimbo has. */
const CLOUDSTACK: [VmState, VmEvent, VmState][] = [
  ['Stopped', 'StartRequested', 'Starting'], ['Stopped', 'DestroyRequested', 'Destroyed'], ['Stopped', 'StopRequested', 'Stopped'],
  ['Stopped', 'AgentReportStopped', 'Stopped'], ['Stopped', 'OperationFailedToError', 'Error'], ['Stopped', 'OperationFailed', 'Stopped'],
  ['Stopped', 'ExpungeOperation', 'Expunging'], ['Stopped', 'AgentReportShutdowned', 'Stopped'], ['Stopped', 'StorageMigrationRequested', 'Migrating'],
  ['Starting', 'OperationRetry', 'Starting'], ['Starting', 'OperationSucceeded', 'Running'], ['Starting', 'OperationFailed', 'Stopped'],
  ['Starting', 'AgentReportRunning', 'Running'], ['Starting', 'AgentReportStopped', 'Stopped'], ['Starting', 'AgentReportShutdowned', 'Stopped'],
  ['Destroyed', 'RecoveryRequested', 'Stopped'], ['Destroyed', 'ExpungeOperation', 'Expunging'], ['Running', 'MigrationRequested', 'Migrating'],
  ['Running', 'AgentReportRunning', 'Running'], ['Running', 'AgentReportStopped', 'Stopped'], ['Running', 'StopRequested', 'Stopping'],
  ['Running', 'AgentReportShutdowned', 'Stopped'], ['Running', 'AgentReportMigrated', 'Running'], ['Running', 'OperationSucceeded', 'Running'],
  ['Migrating', 'MigrationRequested', 'Migrating'], ['Migrating', 'OperationSucceeded', 'Running'], ['Migrating', 'OperationFailed', 'Running'],
  ['Migrating', 'AgentReportRunning', 'Running'], ['Migrating', 'AgentReportStopped', 'Stopped'], ['Migrating', 'AgentReportShutdowned', 'Stopped'],
  ['Stopping', 'OperationSucceeded', 'Stopped'], ['Stopping', 'OperationFailed', 'Running'], ['Stopping', 'AgentReportRunning', 'Running'],
  ['Stopping', 'AgentReportStopped', 'Stopped'], ['Stopping', 'StopRequested', 'Stopping'], ['Stopping', 'AgentReportShutdowned', 'Stopped'],
  ['Expunging', 'OperationFailed', 'Expunging'], ['Expunging', 'ExpungeOperation', 'Expunging'], ['Error', 'DestroyRequested', 'Expunging'],
  ['Error', 'ExpungeOperation', 'Expunging'],
];
/** Nimbo's additions: a deploy that gives up, and the seed's Down state. */
const NIMBO: [VmState, VmEvent, VmState][] = [
  ['Starting', 'OperationFailedToError', 'Error'],
  ['Starting', 'HostDown', 'Down'], ['Running', 'HostDown', 'Down'], ['Stopping', 'HostDown', 'Down'], ['Migrating', 'HostDown', 'Down'],
  ['Down', 'StartRequested', 'Starting'], ['Down', 'DestroyRequested', 'Destroyed'], ['Down', 'ExpungeOperation', 'Expunging'],
  ['Down', 'AgentReportRunning', 'Running'], ['Down', 'AgentReportStopped', 'Down'], ['Down', 'HostDown', 'Down'], ['Down', 'StopRequested', 'Stopped'],
];

describe('VM_TRANSITIONS', () => {
  it('walks every (state, event) pair: exactly CloudStack\'s transitions plus Nimbo\'s, everything else illegal', () => {
    const expected = new Map([...CLOUDSTACK, ...NIMBO].map(([f, e, t]) => [`${f}/${e}`, t]));
    let legal = 0;
    for (const s of VM_STATES) {
      for (const e of VM_EVENTS) {
        assert.equal(nextState(s, e), expected.get(`${s}/${e}`), `${s} -${e}->`);
        if (nextState(s, e)) legal++;
      }
    }
    assert.equal(legal, expected.size);
    assert.equal(nextState('Bogus', 'StartRequested'), undefined);
    for (const row of Object.values(VM_TRANSITIONS)) for (const to of Object.values(row)) assert.ok(VM_STATES.includes(to));
  });
  it('keeps a Down VM\'s disks: it can start again', () => {
    assert.equal(nextState('Down', 'StartRequested'), 'Starting');
  });
});

for (const dialect of dialectsUnderTest()) {
  describe(`transition() on ${dialect}`, () => {
    let tdb: TestDatabase;
    let db: Db;
    before(async () => {
      tdb = await freshDatabase(dialect);
      db = openDb(tdb.url, tdb.dataDir);
      await migrate(db);
    });
    after(async () => {
      await db.close();
      await tdb.drop();
    });
    const insert = async (state: VmState, n: number) => {
      await db.kysely.insertInto('vm_instances').values({
        uuid: `u-${dialect}-${n}`, name: `vm${n}`, instance_name: `i-2-${n}-VM`, display_name: null, type: 'User', state,
        account_id: 2, domain_id: 1, zone_id: 1, pod_id: null, cluster_id: null, host_id: null, last_host_id: null,
        service_offering_id: 1, template_id: 1, iso_id: null, guest_os_id: 1, ha_enabled: 0, user_data: null,
        ssh_keypair_id: null, password: null, update_count: 0, state_changed: 0, created: 0, removed: null,
      }).execute();
      return db.kysely.selectFrom('vm_instances').select(['id', 'state', 'update_count']).where('uuid', '=', `u-${dialect}-${n}`).executeTakeFirstOrThrow();
    };
    const read = (id: number) => db.kysely.selectFrom('vm_instances').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('applies every legal pair and refuses every illegal one without changing the row', async () => {
      let n = 0;
      for (const s of VM_STATES) {
        for (const e of VM_EVENTS) {
          const vm = await insert(s, n++);
          const vmRef = { id: vm.id, state: vm.state, update_count: Number(vm.update_count) };
          const to = nextState(s, e);
          if (to) {
            const r = await transition(db.kysely, vmRef, e, { host_id: 7 }, 123);
            assert.equal(r.state, to);
            const row = await read(vm.id);
            assert.equal(row.state, to);
            assert.equal(Number(row.update_count), 1);
            assert.equal(Number(row.state_changed), 123);
            assert.equal(row.host_id, 7);
          } else {
            await assert.rejects(transition(db.kysely, vmRef, e), (err: unknown) => err instanceof CloudError && err.kind === 'InvalidState');
            const row = await read(vm.id);
            assert.equal(row.state, s);
            assert.equal(Number(row.update_count), 0);
          }
        }
      }
    });
    it('loses to a concurrent transition (optimistic lock on state and update_count)', async () => {
      const vm = await insert('Stopped', 10_000);
      const ref = { id: vm.id, state: vm.state, update_count: Number(vm.update_count) };
      await transition(db.kysely, ref, 'StopRequested');
      await assert.rejects(transition(db.kysely, ref, 'StartRequested'), /concurrently/);
      assert.equal((await read(vm.id)).state, 'Stopped');
    });
  });
}
