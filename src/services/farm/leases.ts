/**
 * Farm-wide schedulers (HA worker, alert monitor, expunger, usage job, snapshot policies)
 * run on exactly one server at a time: each tick first asks `holds(name)`, which claims or
 * renews the scheduler's `scheduler_leases` row with one conditional UPDATE (ours already, or
 * expired) so that two servers can never both win. A server that dies keeps its leases until
 * they expire; then the next server to tick takes them. A single SQLite server holds them all.
 */
import type { Db } from '../../db/dialect.js';

export class SchedulerLeases {
  /** Leases we hold and until when, so a tick renews only past half the lease. */
  private readonly held = new Map<string, number>();

  constructor(private readonly db: Db, private readonly msid: string, readonly ttlMs: number) {}

  async holds(name: string, now = Date.now()): Promise<boolean> {
    if (this.db.dialect === 'sqlite') return true;
    const mine = this.held.get(name);
    if (mine !== undefined && mine - now > this.ttlMs / 2) return true;
    const k = this.db.kysely;
    const expires = now + this.ttlMs;
    const won = await k.updateTable('scheduler_leases').set({ holder: this.msid, expires }).where('name', '=', name)
      .where((eb) => eb.or([eb('holder', '=', this.msid), eb('expires', '<', now)])).executeTakeFirst();
    if (Number(won.numUpdatedRows) === 1) return this.keep(name, expires);
    this.held.delete(name);
    const row = await k.selectFrom('scheduler_leases').select('holder').where('name', '=', name).executeTakeFirst();
    if (row) return false;
    try {
      // First tick ever of this scheduler: the primary key lets one server's insert win.
      await k.insertInto('scheduler_leases').values({ name, holder: this.msid, expires }).execute();
      return this.keep(name, expires);
    } catch {
      return false;
    }
  }

  /** Gives our leases up at an orderly stop so another server takes over at its next tick. */
  async releaseAll(): Promise<void> {
    this.held.clear();
    if (this.db.dialect === 'sqlite') return;
    await this.db.kysely.updateTable('scheduler_leases').set({ expires: 0 }).where('holder', '=', this.msid).execute();
  }

  private keep(name: string, expires: number): true {
    this.held.set(name, expires);
    return true;
  }
}
