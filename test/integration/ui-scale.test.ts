/**
 * The instances page with 10,000 VMs (issue #11: "the VM list of 10,000 VMs stays responsive"):
 * the list is paged on the server, so the first load asks for one page and shows the total.
 * Measured: the time from navigation to the first page of rows in Chromium, printed with the
 * API's own time for that page; the bound is generous for a loaded shared machine. Then the
 * list's paging, sorting, search and refresh, each without a page reload.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { VmFixtures } from '../helpers/vm-fixtures.js';
import { until } from '../helpers/until.js';
import { browserSkip, launchBrowser, screenshot, type TestBrowser } from '../helpers/browser.js';

const VMS = 10_000;
const dialect = dialectsUnderTest()[0]!;

describe(`instances page with ${VMS} VMs (${dialect})`, { skip: browserSkip }, () => {
  let s: TestServer;
  let b: TestBrowser;
  before(async () => {
    s = await startServer(dialect);
    const fx = new VmFixtures(s.app.db);
    await fx.init();
    const k = s.app.db.kysely;
    const z = (await s.admin.ok('createZone', { name: 'big', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
    const zoneId = (await k.selectFrom('zones').select('id').where('uuid', '=', z.id).executeTakeFirstOrThrow()).id;
    const so = await fx.serviceOffering();
    const tpl = await fx.template(zoneId);
    const tplRow = await k.selectFrom('templates').select(['id', 'guest_os_id']).where('uuid', '=', tpl.uuid).executeTakeFirstOrThrow();
    // One VM through the fixtures (every NOT NULL column filled), then copies of it in batches.
    const first = await fx.insert('vm_instances', {
      uuid: randomUUID(), name: 'vm-0', instance_name: 'i-2-0-VM', type: 'User', state: 'Stopped', account_id: 2, domain_id: 1, zone_id: zoneId,
      service_offering_id: so.id, template_id: tplRow.id, guest_os_id: tplRow.guest_os_id, state_changed: Date.now(), created: Date.now(), removed: null,
    });
    const { id: _id, ...row } = (await k.selectFrom('vm_instances').selectAll().where('id', '=', first).executeTakeFirstOrThrow()) as Record<string, unknown>;
    for (let i = 1; i < VMS; i += 500) {
      const batch = [];
      for (let j = i; j < Math.min(VMS, i + 500); j++) batch.push({ ...row, uuid: randomUUID(), name: `vm-${j}`, instance_name: `i-2-${j}-VM` });
      await k.insertInto('vm_instances').values(batch as never).execute();
    }
    b = await launchBrowser();
  });
  after(async () => {
    await b?.close();
    await s?.close();
  });

  it('shows the first page of 10,000 instances quickly, with the total, by asking the server for one page; pages, sorts, searches and refreshes', async () => {
    const t0 = Date.now();
    const api = await s.admin.ok('listVirtualMachines', { listall: true, page: 1, pagesize: 20 });
    const apiMs = Date.now() - t0;
    assert.equal(api['count'], VMS);
    const { page, context } = await b.newPage();
    await page.goto(`http://127.0.0.1:${s.port}/client/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('whoami').waitFor();
    const listed: string[] = [];
    page.on('request', (r) => {
      const body = r.postData() ?? '';
      if (body.includes('command=listVirtualMachines')) listed.push(body);
    });
    const start = Date.now();
    await page.goto(`http://127.0.0.1:${s.port}/client/r/instances`);
    await page.locator('.ant-table-row').first().waitFor({ timeout: 60_000 });
    const firstLoadMs = Date.now() - start;
    await page.getByText(`${VMS} in all`).waitFor();
    const rows = await page.locator('.ant-table-row').count();
    await screenshot(page, 'admin-instances-10000');
    console.log(`instances page, ${VMS} VMs: first page of rows in ${firstLoadMs} ms after navigation (listVirtualMachines page 1 over the API: ${apiMs} ms)`);
    assert.ok(rows > 0 && rows <= 100, `one page of rows (${rows})`);
    assert.ok(listed.length > 0 && listed.every((b) => /pagesize=\d+/.test(b)), 'every list request is paged');
    assert.ok(firstLoadMs < 10_000, `first load ${firstLoadMs} ms (goal: under 1 s on an idle machine; bound 10 s on a loaded one)`);

    // Paging, search, sort and refresh each ask the server (or re-sort the page) without a reload.
    const asked = (re: RegExp) => page.waitForRequest((r) => /command=listVirtualMachines/.test(r.postData() ?? '') && re.test(r.postData() ?? ''));
    const firstName = async () => page.locator('.ant-table-row td:first-child').first().innerText();
    const page1First = await firstName();
    const t1 = Date.now();
    await Promise.all([asked(/(^|&)page=2(&|$)/), page.locator('.ant-pagination-item-2').click()]);
    await until('page 2 shown', async () => (await firstName()) !== page1First && (await page.locator('.ant-table .ant-spin-spinning').count()) === 0);
    console.log(`# instances page, ${VMS} VMs: page 2 shown ${Date.now() - t1} ms after the click`);
    await page.getByRole('columnheader', { name: 'Name', exact: true }).click();
    await page.locator('th[aria-sort="ascending"]', { hasText: 'Name' }).waitFor();
    const sorted = await page.locator('.ant-table-row td:first-child').allInnerTexts();
    assert.deepEqual(sorted, [...sorted].sort((x, y) => x.localeCompare(y, undefined, { numeric: true })), 'the page is sorted by name');
    await Promise.all([asked(/keyword=vm-9999/), page.getByRole('searchbox', { name: 'Search' }).fill('vm-9999').then(() => page.getByRole('searchbox', { name: 'Search' }).press('Enter'))]);
    await page.getByText('1 in all').waitFor();
    assert.equal(await firstName(), 'vm-9999');
    await Promise.all([asked(/keyword=vm-9999/), page.getByRole('button', { name: 'Refresh' }).click()]);
    await context.close();
  });
});
