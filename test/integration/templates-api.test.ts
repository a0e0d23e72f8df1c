/**
 * Templates over real HTTP with a loopback file server: downloads (plain, gzip, bzip2),
 * checksum, format lies, size limit, 404, progress of a slow download, privacy across
 * accounts in two domains, copy and delete per zone, the built-in template.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { mkdtempSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type ApiClient, type TestServer } from '../helpers/server.js';
import { makeQcow2 } from '../../src/services/templates/image-format.js';

const qcow = makeQcow2(200 * 1024 * 1024);
const dir = mkdtempSync(join(tmpdir(), 'nimbo-img-'));
writeFileSync(join(dir, 'q.qcow2'), qcow);
spawnSync('bzip2', ['-k', join(dir, 'q.qcow2')]);
spawnSync('zip', ['-j', '-q', join(dir, 'q.zip'), join(dir, 'q.qcow2')]);
const FILES: Record<string, Buffer> = {
  '/plain.qcow2': qcow,
  '/gz.qcow2.gz': gzipSync(qcow),
  '/bz.qcow2.bz2': readFileSync(join(dir, 'q.qcow2.bz2')),
  '/z.qcow2.zip': readFileSync(join(dir, 'q.zip')),
  '/liar.qcow2': Buffer.alloc(300_000, 7),
  '/big.raw': Buffer.alloc(3 * 1024 * 1024, 1),
};
let slowRelease: () => void = () => {};

function fileServer(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/slow.qcow2') {
      res.writeHead(200, { 'content-length': qcow.length });
      res.write(qcow.subarray(0, qcow.length / 2));
      slowRelease = () => res.end(qcow.subarray(qcow.length / 2));
      return;
    }
    const f = FILES[req.url ?? ''];
    if (!f) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-length': f.length }).end(f);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, base: `http://127.0.0.1:${(server.address() as any).port}` })));
}

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
  describe(`templates (${dialect})`, () => {
    let s: TestServer;
    let files: { server: Server; base: string };
    let z1: string, z2: string, d2id: string;
    let alice: ApiClient & { accountName: string }, bob: ApiClient & { accountName: string }, carol: ApiClient & { accountName: string };
    const code = async (c: ApiClient, cmd: string, params: Record<string, string | number | boolean>) => {
      const r = await c.call(cmd, params);
      return r.status === 200 ? 200 : (r.inner['errorcode'] as number);
    };
    const one = async (c: ApiClient, id: string, zoneid?: string) => ((await c.ok('listTemplates', { templatefilter: 'all', id, ...(zoneid ? { zoneid } : {}) }))['template'] ?? []);
    const waitDone = (id: string, zoneid: string) => until(async () => {
      const t = (await one(s.admin, id, zoneid))[0];
      return t && (t.isready || (t.status && !/Downloaded|Not Downloaded/.test(t.status))) ? t : undefined;
    });
    const zone = async (name: string) => {
      const z = (await s.admin.ok('createZone', { name, networktype: 'Basic', dns1: '8.8.8.8', internaldns1: '10.0.0.1' }))['zone'];
      await s.admin.ok('addImageStore', { provider: 'NFS', zoneid: z.id, url: 'file://' + mkdtempSync(join(tmpdir(), 'nimbo-ss-')) });
      return z.id as string;
    };

    before(async () => {
      files = await fileServer();
      s = await startServer(dialect);
      z1 = await zone('tz1');
      z2 = await zone('tz2');
      const d2 = (await s.admin.ok('createDomain', { name: 'other' }))['domain'];
      alice = await s.newAccount();
      bob = await s.newAccount();
      carol = await s.newAccount({ domainid: d2.id });
      d2id = d2.id;
    });
    after(async () => { await s.close(); files.server.close(); });

    it('has the built-in template in every zone with secondary storage', async () => {
      const list = await until(async () => {
        const l = (await alice.ok('listTemplates', { templatefilter: 'featured' }))['template'];
        return l?.length === 2 ? l : undefined;
      });
      assert.deepEqual(list.map((t: any) => [t.name, t.isready, t.format, t.templatetype, t.status]).sort(), [[ 'Nimbo Tiny Linux (default)', true, 'QCOW2', 'BUILTIN', 'Download Complete'], ['Nimbo Tiny Linux (default)', true, 'QCOW2', 'BUILTIN', 'Download Complete']]);
      const id = await s.app.db.kysely.selectFrom('templates').select('id').where('template_type', '=', 'BUILTIN').executeTakeFirstOrThrow();
      const zid = await s.app.db.kysely.selectFrom('zones').select('id').where('uuid', '=', z1).executeTakeFirstOrThrow();
      const path = await s.app.services.templates.readyPathInZone(id.id, zid.id);
      assert.ok(path && readFileSync(path).readUInt32BE(0) === 0x514649fb);
      assert.equal(await code(alice, 'deleteTemplate', { id: list[0].id }), 531);
    });

    it('downloads plain, gzip, bzip2 and zip images with checksums and reads the virtual size', async () => {
      const md5 = createHash('md5').update(qcow).digest('hex');
      for (const [file, checksum] of [['plain.qcow2', `{MD5}${md5}`], ['gz.qcow2.gz', undefined], ['bz.qcow2.bz2', undefined], ['z.qcow2.zip', undefined]] as const) {
        const t = (await alice.ok('registerTemplate', { name: file, displaytext: file, format: 'QCOW2', hypervisor: 'KVM', zoneid: z1, url: `${files.base}/${file}`, ...(checksum ? { checksum } : {}) }))['template'][0];
        assert.equal(t.account, alice.accountName);
        assert.equal(t.ispublic, false);
        const done = await waitDone(t.id, z1);
        assert.equal(done.status, 'Download Complete', file);
        assert.equal(done.isready, true);
        assert.equal(done.size, 200 * 1024 * 1024);
      }
      const ev = (await s.admin.ok('listEvents', { type: 'TEMPLATE.DOWNLOAD.SUCCESS', listall: true }))['event'];
      assert.ok(ev.length >= 4);
    });

    it('fails bad checksums, lying formats, oversized files and 404s with the reason', async () => {
      s.app.services.templates.maxBytesOverride = 2 * 1024 * 1024; // max.template.iso.size is whole GB
      const cases: Array<[string, Record<string, string>, RegExp]> = [
        ['plain.qcow2', { checksum: '{MD5}' + '0'.repeat(32) }, /Checksum mismatch/],
        ['liar.qcow2', {}, /not the declared format QCOW2/],
        ['big.raw', { format: 'RAW' }, /maximum allowed size/],
        ['missing.qcow2', {}, /HTTP 404/],
      ];
      for (const [file, extra, re] of cases) {
        const t = (await alice.ok('registerTemplate', { name: file, format: 'QCOW2', hypervisor: 'KVM', zoneid: z1, url: `${files.base}/${file}`, ...extra }))['template'][0];
        const done = await waitDone(t.id, z1);
        assert.equal(done.isready, false);
        assert.match(done.status, re);
      }
      s.app.services.templates.maxBytesOverride = undefined;
      const failed = (await s.admin.ok('listEvents', { type: 'TEMPLATE.DOWNLOAD.FAILED', listall: true }))['event'];
      assert.ok(failed.length >= 4);
      assert.equal(await code(alice, 'registerTemplate', { name: 'x', format: 'QCOW2', hypervisor: 'KVM', url: 'file:///etc/passwd' }), 431);
      assert.equal(await code(alice, 'registerTemplate', { name: 'x', format: 'DOC', hypervisor: 'KVM', url: `${files.base}/plain.qcow2` }), 431);
    });

    it('shows progress of a slow download', async () => {
      const t = (await alice.ok('registerTemplate', { name: 'slow', format: 'QCOW2', hypervisor: 'KVM', zoneid: z1, url: `${files.base}/slow.qcow2` }))['template'][0];
      const mid = await until(async () => { const x = (await one(alice, t.id))[0]; return x?.status === '50% Downloaded' ? x : undefined; });
      assert.equal(mid.isready, false);
      slowRelease();
      assert.equal((await waitDone(t.id, z1)).status, 'Download Complete');
    });

    it('keeps templates private, public or shared across accounts and domains', async () => {
      const priv = (await alice.ok('registerTemplate', { name: 'priv', format: 'QCOW2', hypervisor: 'KVM', zoneid: z1, url: `${files.base}/plain.qcow2` }))['template'][0];
      const pub = (await alice.ok('registerTemplate', { name: 'pub', format: 'QCOW2', hypervisor: 'KVM', zoneid: z1, url: `${files.base}/plain.qcow2`, ispublic: true }))['template'][0];
      await waitDone(priv.id, z1); await waitDone(pub.id, z1);
      const names = async (c: ApiClient, filter: string) => ((await c.ok('listTemplates', { templatefilter: filter }))['template'] ?? []).map((t: any) => t.name);
      assert.ok((await names(alice, 'self')).includes('priv'));
      assert.ok(!(await names(bob, 'executable')).includes('priv'));
      assert.ok((await names(bob, 'executable')).includes('pub'));
      assert.ok((await names(carol, 'community')).includes('pub'));
      assert.ok(!(await names(carol, 'community')).includes('priv'));
      assert.equal(await code(bob, 'listTemplates', { templatefilter: 'all', id: priv.id }), 531);
      assert.equal(await code(bob, 'updateTemplate', { id: pub.id, name: 'hacked' }), 531);
      await alice.ok('updateTemplatePermissions', { id: priv.id, op: 'add', accounts: bob.accountName });
      assert.ok((await names(bob, 'sharedexecutable')).includes('priv'));
      assert.ok(!(await names(carol, 'sharedexecutable')).includes('priv'));
      const perms = (await alice.ok('listTemplatePermissions', { id: priv.id }))['templatepermission'];
      assert.deepEqual(perms.account, [bob.accountName]);
      await alice.ok('updateTemplatePermissions', { id: priv.id, op: 'remove', accounts: bob.accountName });
      assert.ok(!(await names(bob, 'sharedexecutable')).includes('priv'));
      await alice.ok('updateTemplatePermissions', { id: priv.id, op: 'add', accounts: bob.accountName });
      await alice.ok('updateTemplatePermissions', { id: priv.id, op: 'reset' });
      assert.ok(!(await names(bob, 'executable')).includes('priv'));
      await s.admin.ok('updateConfiguration', { name: 'allow.public.user.templates', value: 'false' });
      assert.equal(await code(alice, 'updateTemplatePermissions', { id: priv.id, ispublic: true }), 531);
      await s.admin.ok('updateConfiguration', { name: 'allow.public.user.templates', value: 'true' });
      const up = (await alice.ok('updateTemplate', { id: priv.id, name: 'priv2', displaytext: 'Private 2' }))['template'];
      assert.equal(up.name, 'priv2');
    });

    it('copies to another zone and deletes per zone', async () => {
      const t = (await alice.ok('registerTemplate', { name: 'copyme', isextractable: true, format: 'QCOW2', hypervisor: 'KVM', zoneid: z1, url: `${files.base}/plain.qcow2` }))['template'][0];
      await waitDone(t.id, z1);
      const copied = await alice.jobOk('copyTemplate', { id: t.id, sourcezoneid: z1, destzoneid: z2 });
      assert.equal(copied.template.zoneid, z2);
      assert.equal(copied.template.isready, true);
      const rows = await s.app.db.kysely.selectFrom('template_store_refs as r').innerJoin('templates as t', 't.id', 'r.template_id').select(['r.install_path', 'r.zone_id']).where('t.uuid', '=', t.id).execute();
      assert.equal(rows.length, 2);
      for (const r of rows) assert.ok(readFileSync(r.install_path!).equals(qcow));
      const ex = await alice.jobOk('extractTemplate', { id: t.id, mode: 'HTTP_DOWNLOAD', zoneid: z2 });
      assert.match(ex.template.url, /^http:\/\/127\.0\.0\.1:\d+\/extract\/[0-9a-f]{48}\//);
      const got = Buffer.from(await (await fetch(ex.template.url)).arrayBuffer());
      assert.ok(got.equals(qcow));
      assert.equal((await fetch(ex.template.url.replace(/extract\/[0-9a-f]{8}/, 'extract/00000000'))).status, 404);
      assert.equal(await code(bob, 'extractTemplate', { id: t.id, mode: 'HTTP_DOWNLOAD' }), 531);
      await alice.jobOk('deleteTemplate', { id: t.id, zoneid: z1 });
      const left = await one(alice, t.id);
      assert.deepEqual(left.map((x: any) => x.zoneid), [z2]);
      const gone = rows.find((r) => r.install_path && !existsSync(r.install_path));
      assert.ok(gone);
      await alice.jobOk('deleteTemplate', { id: t.id });
      assert.equal(await code(alice, 'listTemplates', { templatefilter: 'self', id: t.id }), 431);
    });

    it('copies to a list of zones with destzoneids', async () => {
      const t = (await alice.ok('registerTemplate', { name: 'multi', format: 'QCOW2', hypervisor: 'KVM', zoneid: z1, url: `${files.base}/plain.qcow2` }))['template'][0];
      await waitDone(t.id, z1);
      assert.equal(await code(alice, 'copyTemplate', { id: t.id }), 431);
      assert.equal(await code(alice, 'copyTemplate', { id: t.id, destzoneid: z2, destzoneids: z2 }), 431);
      const copied = await alice.jobOk('copyTemplate', { id: t.id, sourcezoneid: z1, destzoneids: z2 });
      assert.equal(copied.template.zoneid, z2);
      assert.deepEqual((await one(alice, t.id)).map((x: any) => x.zoneid).sort(), [z1, z2].sort());
      await alice.jobOk('deleteTemplate', { id: t.id });
    });

    it('counts templates against the account limit', async () => {
      await s.admin.ok('updateResourceLimit', { account: carol.accountName, domainid: d2id, resourcetype: 4, max: 1 });
      const t = (await carol.ok('registerTemplate', { name: 'one', format: 'QCOW2', hypervisor: 'KVM', zoneid: z1, url: `${files.base}/plain.qcow2` }))['template'][0];
      assert.equal(await code(carol, 'registerTemplate', { name: 'two', format: 'QCOW2', hypervisor: 'KVM', zoneid: z1, url: `${files.base}/plain.qcow2` }), 532);
      await waitDone(t.id, z1);
      await carol.jobOk('deleteTemplate', { id: t.id });
      await carol.ok('registerTemplate', { name: 'two', format: 'QCOW2', hypervisor: 'KVM', zoneid: z1, url: `${files.base}/plain.qcow2` });
    });

    it('registers and lists ISOs', async () => {
      const iso = (await alice.ok('registerIso', { name: 'boot', url: `${files.base}/big.raw`, zoneid: z1, bootable: true }))['iso'][0];
      await until(async () => { const x = ((await alice.ok('listIsos', { isofilter: 'self', id: iso.id }))['iso'] ?? [])[0]; return x?.isready ? x : undefined; });
      assert.equal(((await alice.ok('listTemplates', { templatefilter: 'self' }))['template'] ?? []).some((t: any) => t.id === iso.id), false);
      await alice.ok('updateIsoPermissions', { id: iso.id, op: 'add', accounts: bob.accountName });
      assert.deepEqual((await alice.ok('listIsoPermissions', { id: iso.id }))['templatepermission'].account, [bob.accountName]);
      assert.equal(((await bob.ok('listIsos', { isofilter: 'executable' }))['iso'] ?? []).length, 1);
      await alice.jobOk('deleteIso', { id: iso.id });
      const all = (await alice.ok('registerIso', { name: 'everywhere', url: `${files.base}/big.raw`, zoneid: -1 }))['iso'];
      assert.deepEqual(all.map((x: any) => x.zoneid).sort(), [z1, z2].sort());
    });
  });
}
