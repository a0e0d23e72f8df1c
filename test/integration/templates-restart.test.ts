/** A download cut short by a server shutdown is restarted by the next server process. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, ApiClient } from '../helpers/server.js';
import { createApp } from '../../src/app.js';
import { makeQcow2 } from '../../src/services/templates/image-format.js';

const qcow = makeQcow2(100 * 1024 * 1024);

for (const dialect of dialectsUnderTest()) {
  describe(`template download restart (${dialect})`, () => {
    it('restarts an unfinished download after a restart', async () => {
      let requests = 0;
      const files = createServer((_req, res) => {
        requests++;
        res.writeHead(200, { 'content-length': qcow.length });
        if (requests === 1) res.write(qcow.subarray(0, qcow.length / 2)); // then stalls
        else res.end(qcow);
      });
      await new Promise<void>((r) => files.listen(0, '127.0.0.1', () => r()));
      const base = `http://127.0.0.1:${(files.address() as any).port}`;
      const s = await startServer(dialect);
      try {
        const z = (await s.admin.ok('createZone', { name: 'rz', networktype: 'Basic', dns1: '8.8.8.8', internaldns1: '10.0.0.1' }))['zone'];
        await s.admin.ok('addImageStore', { provider: 'NFS', zoneid: z.id, url: 'file://' + mkdtempSync(join(tmpdir(), 'nimbo-ss-')) });
        const t = (await s.admin.ok('registerTemplate', { name: 'r', format: 'QCOW2', hypervisor: 'KVM', zoneid: z.id, url: `${base}/r.qcow2` }))['template'][0];
        const status = async (c: ApiClient) => ((await c.ok('listTemplates', { templatefilter: 'all', id: t.id }))['template'][0]).status as string;
        for (let i = 0; i < 100 && (await status(s.admin)) !== '50% Downloaded'; i++) await new Promise((r) => setTimeout(r, 100));
        assert.equal(await status(s.admin), '50% Downloaded');
        await s.app.close();
        const app2 = await createApp({ dataDir: s.db.dataDir, dbUrl: s.db.url, port: 0, host: '127.0.0.1', logLevel: false });
        const { port } = await app2.listen();
        try {
          const creds = s.admin.opts;
          const admin2 = new ApiClient({ ...creds, endpoint: `http://127.0.0.1:${port}/client/api` });
          let st = '';
          for (let i = 0; i < 200 && st !== 'Download Complete'; i++) { st = await status(admin2); await new Promise((r) => setTimeout(r, 100)); }
          assert.equal(st, 'Download Complete');
          assert.equal(requests, 2);
        } finally { await app2.close(); }
      } finally {
        await s.db.drop();
        files.closeAllConnections();
        files.close();
      }
    });
  });
}
