import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { openDb } from './dialect.js';
import { dialectsUnderTest, freshDatabase, type TestDatabase } from '../../test/helpers/databases.js';

// PostgreSQL and MySQL/MariaDB must behave alike inside a transaction: services are written
// for READ COMMITTED (each statement sees the latest commit; InnoDB takes no gap locks on scans).
for (const dialect of dialectsUnderTest().filter((d) => d !== 'sqlite')) {
  describe(`transaction isolation on ${dialect}`, () => {
    type Seen = Kysely<{ seen: { n: number } }>;
    let t: TestDatabase;
    let ka: Seen;
    let kb: Seen;
    const dbs: { close(): Promise<void> }[] = [];
    after(async () => {
      for (const d of dbs) await d.close();
      await t?.drop();
    });

    it('a transaction sees rows another connection committed after its first read', async () => {
      t = await freshDatabase(dialect);
      const a = openDb(t.url, t.dataDir);
      const b = openDb(t.url, t.dataDir);
      dbs.push(a, b);
      ka = a.kysely as unknown as Seen;
      kb = b.kysely as unknown as Seen;
      await sql`create table seen (n int)`.execute(ka);
      const counts = await ka.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('seen').select((eb) => eb.fn.countAll<number>().as('c')).executeTakeFirstOrThrow();
        await kb.insertInto('seen').values({ n: 1 }).execute();
        const later = await trx.selectFrom('seen').select((eb) => eb.fn.countAll<number>().as('c')).executeTakeFirstOrThrow();
        return [Number(before.c), Number(later.c)];
      });
      assert.deepEqual(counts, [0, 1]);
    });

    it('a locking scan does not block an insert past its last row (no gap locks)', async () => {
      await ka.transaction().execute(async (trx) => {
        await trx.selectFrom('seen').select('n').where('n', '>', 100).forUpdate().execute();
        // Under REPEATABLE READ this insert would wait for the scan's gap lock until timeout.
        const inserted = await Promise.race([
          kb.insertInto('seen').values({ n: 500 }).execute().then(() => 'inserted'),
          new Promise((r) => setTimeout(() => r('blocked'), 5_000)),
        ]);
        assert.equal(inserted, 'inserted');
      });
    });
  });
}
