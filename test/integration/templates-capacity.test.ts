/** Secondary storage capacity follows what templates occupy in each zone's image store. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';

async function until<T>(f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const dialect of dialectsUnderTest()) {
  describe(`secondary storage capacity (${dialect})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect);
    });
    after(async () => {
      await s.close();
    });

    it('counts the bytes of the templates stored in the zone', async () => {
      const z = (await s.admin.ok('createZone', { name: 'cz', networktype: 'Basic', dns1: '8.8.8.8', internaldns1: '10.0.0.1' }))['zone'];
      const secondary = async () => (await s.admin.ok('listCapacity', { zoneid: z.id, type: 6 }))['capacity'] ?? [];
      await s.admin.ok('addImageStore', { provider: 'NFS', zoneid: z.id, url: 'file://' + mkdtempSync(join(tmpdir(), 'nimbo-cap-')) });
      const t = await until(async () => {
        const l = (await s.admin.ok('listTemplates', { templatefilter: 'featured', zoneid: z.id }))['template'];
        return l?.[0]?.isready ? l[0] : undefined;
      });
      assert.ok(Number(t.physicalsize) > 0, 'the built-in template has a physical size');
      const cap = await until(async () => {
        const c = (await secondary())[0];
        return c && Number(c.capacityused) > 0 ? c : undefined;
      });
      assert.equal(Number(cap.capacityused), Number(t.physicalsize));
      assert.ok(Number(cap.capacitytotal) >= Number(cap.capacityused));
    });
  });
}
