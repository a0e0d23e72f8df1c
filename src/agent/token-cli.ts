/**
 * `nimbo agent token --cluster <uuid> [--uses N] [--ttl-hours H]`: prints a cluster
 * registration token for self-registering agents (the Community Edition flow). Runs on the
 * management server's machine: it opens the database like `nimbo db migrate`.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { openDb } from '../db/dialect.js';
import { createRegistrationToken } from '../agents/credentials.js';

export async function tokenCli(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { cluster: { type: 'string' }, uses: { type: 'string' }, 'ttl-hours': { type: 'string' } } });
  if (!values.cluster) {
    console.error('usage: nimbo agent token --cluster <cluster uuid> [--uses N] [--ttl-hours H]   (NIMBO_DB_URL, NIMBO_DATA_DIR)');
    return 1;
  }
  const db = openDb(process.env['NIMBO_DB_URL'] || undefined, resolve(process.env['NIMBO_DATA_DIR'] || 'data'));
  try {
    const c = await db.kysely.selectFrom('clusters').select(['id', 'pod_id', 'zone_id']).where('uuid', '=', values.cluster).where('removed', 'is', null).executeTakeFirst();
    if (!c) {
      console.error(`no cluster ${values.cluster}`);
      return 1;
    }
    const uses = values.uses === undefined ? null : Number(values.uses);
    const ttl = values['ttl-hours'] === undefined ? null : Number(values['ttl-hours']) * 3_600_000;
    if ((uses !== null && !(uses > 0)) || (ttl !== null && !(ttl > 0))) {
      console.error('--uses and --ttl-hours must be positive');
      return 1;
    }
    console.log(await createRegistrationToken(db, { zoneId: c.zone_id, podId: c.pod_id, clusterId: c.id, uses, ttlMs: ttl }));
    return 0;
  } finally {
    await db.close();
  }
}
