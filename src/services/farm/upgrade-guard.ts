/**
 * Rolling upgrades (issue #12): servers of version N and N+1 may run side by side while a
 * release brings no migration. A release that does must not change the schema under a server
 * still running the old code, so pending migrations refuse to run while another server's
 * heartbeat is fresh, unless forced (NIMBO_MIGRATE_FORCE=1, `nimbo db migrate --force`).
 * Once a newer release has migrated the database, a server of an older one refuses to start
 * on it (its code does not know that schema), as CloudStack refuses a database newer than its code.
 */
import type { Db } from '../../db/dialect.js';
import { pendingMigrations, unknownMigrations } from '../../db/migrate.js';

export async function refuseNewerSchema(db: Db, version: string, force: boolean): Promise<void> {
  if (force) return;
  const unknown = await unknownMigrations(db);
  if (!unknown.length) return;
  throw new Error(`This database was migrated by a newer release than this one (${version}): it has ${unknown.length} migration(s) this release does not know (${unknown.join(', ')}). `
    + 'Run the release that applied them (see docs/farm.md, rolling upgrades), or force with NIMBO_MIGRATE_FORCE=1.');
}

export async function refuseMigrationsWhileOthersRun(db: Db, opts: { msid?: string | undefined; downAfterMs: number; force: boolean }): Promise<void> {
  if (opts.force || db.dialect === 'sqlite') return;
  const pending = await pendingMigrations(db);
  if (!pending.length) return;
  let alive: Array<{ msid: string; name: string; service_ip: string; version: string; last_seen: number }>;
  const now = Date.now();
  try {
    alive = await db.kysely.selectFrom('management_servers').select(['msid', 'name', 'service_ip', 'version', 'last_seen'])
      .where('state', '=', 'Up').where('last_seen', '>=', now - opts.downAfterMs).execute();
  } catch {
    return; // A new database: no server has ever run on it.
  }
  const others = alive.filter((r) => r.msid !== opts.msid);
  if (!others.length) return;
  // Name each server so the operator knows which to stop: hosts often share a name, ids do not.
  const who = others.map((r) => `${r.name} (id ${r.msid}, ${r.service_ip}, version ${r.version}, last heartbeat ${Math.max(0, Math.round((now - Number(r.last_seen)) / 1000))} s ago)`);
  throw new Error(`Refusing to apply ${pending.length} migration(s) (${pending.join(', ')}) while ${others.length} other management server(s) are running on this database: `
    + `${who.join('; ')}. Stop them first (see docs/farm.md, rolling upgrades); a server silent for ${Math.round(opts.downAfterMs / 1000)} s (NIMBO_FARM_DOWN_AFTER_MS) no longer counts. `
    + 'Or force with NIMBO_MIGRATE_FORCE=1 / nimbo db migrate --force.');
}
