/**
 * The web UI in Debian's Chromium against a real server with the demo zone: the admin's
 * pages, an end user deploying a VM through the wizard and stopping it, and what an end user
 * must never see. The UI has no database code of its own, so this runs on the first dialect
 * under test only.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startDemoServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/until.js';
import { browserSkip, choose, launchBrowser, logIn, screenshot, type TestBrowser } from '../helpers/browser.js';

const dialect = dialectsUnderTest()[0]!;

describe(`web UI in Chromium (${dialect})`, { skip: browserSkip }, () => {
  let s: TestServer;
  let b: TestBrowser;
  let base: string;
  let zone: Record<string, any>;
  before(async () => {
    ({ s, base, zone } = await startDemoServer(dialect));
    await until('the built-in template ready', async () => (await s.admin.ok('listTemplates', { templatefilter: 'featured', zoneid: zone['id'] }))['template']?.[0]?.isready, 60_000);
    b = await launchBrowser();
  });
  after(async () => {
    await b?.close();
    await s?.close();
  });

  it('serves the bundle with cache headers and falls back to index.html for deep links', async () => {
    const index = await fetch(`${base}/client/`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const html = await index.text();
    const asset = /\/client\/assets\/[^"]+\.js/.exec(html)?.[0];
    assert.ok(asset, 'index.html loads a hashed script');
    const js = await fetch(`${base}${asset}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    const deep = await fetch(`${base}/client/r/hosts`);
    assert.equal(deep.status, 200);
    assert.equal(await deep.text(), html);
    assert.equal((await fetch(`${base}/client/assets/nope.js`)).status, 404);
    const api = await fetch(`${base}/client/api?command=listZones&response=json`);
    assert.equal(api.status, 401, 'the API is still the API');
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    assert.equal(root.headers.get('location'), '/client/');
  });

  it('logs the admin in with labelled, keyboard-navigable fields and shows the dashboard quickly', async () => {
    const { page, context } = await b.newPage();
    await page.goto(`${base}/client/`);
    await page.getByLabel('Username').focus();
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type('password');
    await page.keyboard.press('Enter');
    await page.getByTestId('whoami').waitFor();
    assert.match(await page.getByTestId('whoami').innerText(), /admin.*administrator/);
    await page.getByText(`Zone ${zone['name']}: capacity`).waitFor();
    await screenshot(page, 'admin-dashboard');
    // First load of the dashboard with a session: navigation start → capacity drawn.
    const t0 = Date.now();
    await page.reload();
    await page.getByText(`Zone ${zone['name']}: capacity`).waitFor();
    const ms = Date.now() - t0;
    console.log(`# dashboard first load over loopback: ${ms} ms (goal < 1000 ms)`);
    // A guard against a broken dashboard only: this file runs beside the rest of the suite on 2
    // cores (5.4 s was seen in CI). The < 1 s goal is asserted alone, in ui-perf-a11y.test.ts.
    assert.ok(ms < 10_000, `dashboard took ${ms} ms`);
    await context.close();
  });

  it('shows every admin page without an error, and admin actions work', async () => {
    const { page, context } = await b.newPage();
    await logIn(page, base, 'admin', 'password');
    await page.getByRole('link', { name: 'Hosts' }).waitFor();
    const links = await page.getByRole('menu').getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const href of ['/client/r/hosts', '/client/r/zones', '/client/r/accounts', '/client/r/settings', '/client/r/instances', '/client/r/systemvms']) assert.ok(links.includes(href), `menu has ${href}`);
    for (const href of links.filter((h) => h.startsWith('/client/r/'))) {
      await page.goto(`${base}${href}`);
      await page.locator('.ant-table').waitFor();
      await page.locator('.ant-spin-spinning').waitFor({ state: 'detached' });
      assert.equal(await page.locator('.ant-alert-error').count(), 0, `${href} shows an error`);
      await screenshot(page, `admin-${href.split('/').pop()}`);
    }
    // Hosts: four simulated hosts; disable one from its Actions menu.
    await page.goto(`${base}/client/r/hosts`);
    await page.locator('.ant-table-row').nth(3).waitFor();
    const host = (await s.admin.ok('listHosts', { type: 'Routing' }))['host'][0];
    await page.getByRole('button', { name: `Actions for ${host.name}` }).click();
    await page.getByRole('menuitem', { name: 'Disable' }).click();
    await until('host disabled', async () => (await s.admin.ok('listHosts', { id: host.id }))['host'][0].resourcestate === 'Disabled');
    await page.locator('.ant-table-row', { hasText: host.name }).getByText('Disabled').waitFor();
    await s.admin.ok('updateHost', { id: host.id, allocationstate: 'Enable' });
    // Settings: edit a value through the form made from listApis.
    await page.goto(`${base}/client/r/settings`);
    await page.getByRole('searchbox', { name: 'Search' }).fill('expunge.delay');
    await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
    await page.getByRole('button', { name: 'Actions for expunge.delay' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await page.getByRole('dialog').getByRole('textbox').fill('77');
    await page.getByRole('button', { name: 'OK' }).click();
    await until('setting saved', async () => (await s.admin.ok('listConfigurations', { name: 'expunge.delay' }))['configuration'][0].value === '77');
    // System VMs: the server's console proxy in the demo zone, with its sessions; stop and start it from its row.
    const proxy = await until('the console proxy registered in the demo zone', async () => (await s.admin.ok('listSystemVms', { zoneid: zone['id'] }))['systemvm']?.[0], 30_000);
    await page.goto(`${base}/client/r/systemvms`);
    const row = page.locator('.ant-table-row', { hasText: proxy.name });
    await row.getByText('consoleproxy').waitFor();
    await row.getByText('Running').waitFor();
    await page.getByRole('button', { name: `Actions for ${proxy.name}` }).click();
    await page.getByRole('menuitem', { name: 'Stop' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await until('proxy stopped', async () => (await s.admin.ok('listSystemVms', { id: proxy.id }))['systemvm'][0].state === 'Stopped');
    await row.getByText('Stopped').waitFor();
    await page.getByRole('button', { name: `Actions for ${proxy.name}` }).click();
    await page.getByRole('menuitem', { name: 'Start' }).click();
    await until('proxy started', async () => (await s.admin.ok('listSystemVms', { id: proxy.id }))['systemvm'][0].state === 'Running');
    await row.getByText('Running').waitFor();
    await context.close();
  });

  it('lets an end user deploy a VM with the wizard, see it Running, stop it, view its console, schedule and take a snapshot and forward a port — and nothing more', async () => {
    const user = await s.newAccount();
    const other = await s.newAccount();
    const template = (await other.ok('listTemplates', { templatefilter: 'featured', zoneid: zone['id'] }))['template'][0];
    const small = (await other.ok('listServiceOfferings', { name: 'Small Instance' }))['serviceoffering'][0];
    await other.jobOk('deployVirtualMachine', { zoneid: zone['id'], templateid: template.id, serviceofferingid: small.id, name: 'not-yours' });

    const { page, context } = await b.newPage();
    await logIn(page, base, user.accountName, 'secret-pw');
    await page.getByRole('link', { name: 'Instances' }).waitFor();
    const menu = await page.getByRole('menu').innerText();
    assert.doesNotMatch(menu, /Infrastructure|Hosts|Global settings|Accounts/);
    assert.match(menu, /Instances/);
    await page.goto(`${base}/client/r/hosts`);
    await page.getByText('This page is not available to your account.').waitFor();
    await screenshot(page, 'user-dashboard');

    await page.goto(`${base}/client/r/instances`);
    await page.getByRole('button', { name: 'Add instance' }).click();
    await choose(page, 'Zone', zone['name']);
    await page.getByRole('button', { name: 'Next' }).click();
    await choose(page, 'Template', template.name);
    await page.getByRole('button', { name: 'Next' }).click();
    await choose(page, 'Compute offering', 'Small Instance');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Bad_Name');
    await page.getByRole('button', { name: 'Deploy' }).click();
    await page.getByText('Letters, digits and hyphens').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('web-1');
    await screenshot(page, 'user-deploy-wizard');
    await page.getByRole('button', { name: 'Deploy' }).click();
    await page.getByText('Instance web-1 is Running').waitFor({ timeout: 90_000 });
    const vm = (await user.ok('listVirtualMachines', { name: 'web-1' }))['virtualmachine'][0];
    assert.equal(vm.state, 'Running');

    await page.getByRole('button', { name: 'Go to instances' }).click();
    const row = page.locator('.ant-table-row', { hasText: 'web-1' });
    await row.getByText('Running').waitFor();
    assert.equal(await page.locator('.ant-table-row', { hasText: 'not-yours' }).count(), 0, 'another account\'s VM is not listed');
    assert.equal(await page.getByRole('columnheader', { name: 'Host' }).count(), 0, 'users never see the host');
    await screenshot(page, 'user-instances');

    // The console window: noVNC through the management server's proxy draws the simulator's test pattern.
    await page.getByRole('button', { name: 'Actions for web-1' }).click();
    const [consolePage] = await Promise.all([context.waitForEvent('page'), page.getByRole('menuitem', { name: 'View console' }).click()]);
    await consolePage.getByTestId('console-status').getByText('Connected').waitFor({ timeout: 60_000 });
    const instanceName = (await s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0].instancename;
    await consolePage.getByTestId('console-name').getByText(instanceName).waitFor();
    const drawn = await until('the VNC canvas shows the test pattern', async () => {
      const px = await consolePage.evaluate(() => {
        const c = document.querySelector('[data-testid="console-screen"] canvas') as HTMLCanvasElement | null;
        const g = c?.getContext('2d');
        if (!c || !g || c.width < 320) return null;
        return [[...g.getImageData(5, 5, 1, 1).data.slice(0, 3)], [...g.getImageData(200, 20, 1, 1).data.slice(0, 3)]];
      });
      return px && px[0]!.join() === '255,255,255' && px[1]!.join() === '255,0,0' ? px : undefined;
    }, 30_000, 250);
    assert.deepEqual(drawn, [[255, 255, 255], [255, 0, 0]], 'white and red bars where the pattern has them');
    await screenshot(consolePage, 'user-console');
    await consolePage.close();

    await page.getByRole('button', { name: 'Actions for web-1' }).click();
    await page.getByRole('menuitem', { name: 'Stop' }).click();
    await page.getByRole('button', { name: 'OK' }).click();
    await row.getByText('Stopped').waitFor({ timeout: 60_000 });
    assert.equal((await user.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0].state, 'Stopped');

    // A data disk made with the form from listApis, then attached to the stopped VM.
    const disk = (await user.ok('listDiskOfferings'))['diskoffering'].find((d: any) => !d.iscustomized);
    await page.goto(`${base}/client/r/volumes`);
    await page.getByRole('button', { name: 'Add volume' }).click();
    await page.getByRole('dialog').getByLabel('name').fill('data-1');
    await choose(page, 'zoneid', zone['name']);
    await choose(page, 'diskofferingid', disk.name);
    await page.getByRole('button', { name: 'OK' }).click();
    await page.locator('.ant-table-row', { hasText: 'data-1' }).waitFor();
    await page.getByRole('button', { name: 'Actions for data-1' }).click();
    await page.getByRole('menuitem', { name: 'Attach' }).click();
    await choose(page, 'virtualmachineid', 'web-1');
    await page.getByRole('button', { name: 'OK' }).click();
    const outcome = page.getByText(/^Attach(: done| failed)$/);
    await outcome.waitFor({ timeout: 60_000 });
    assert.equal(await outcome.innerText(), 'Attach: done', await page.locator('.ant-notification').innerText());
    await until('volume attached', async () => (await user.ok('listVolumes', { name: 'data-1' }))['volume']?.[0]?.virtualmachineid === vm.id);
    await page.locator('.ant-table-row', { hasText: 'data-1' }).getByText('web-1').waitFor();

    // A recurring snapshot policy from the volume's row, listed on the snapshot policies page.
    await page.getByRole('button', { name: 'Actions for data-1' }).click();
    await page.getByRole('menuitem', { name: 'Schedule snapshots' }).click();
    await page.getByRole('dialog').getByLabel('maxsnaps').fill('3');
    await page.getByRole('button', { name: 'OK' }).click();
    await page.getByText(/^Schedule snapshots: done$/).waitFor({ timeout: 60_000 });
    await page.goto(`${base}/client/r/snapshotpolicies`);
    const policy = page.locator('.ant-table-row', { hasText: 'data-1' });
    await policy.getByText('DAILY').waitFor();
    assert.match(await policy.innerText(), /00:01[\s\S]*UTC[\s\S]*3/);
    await screenshot(page, 'user-snapshot-policies');

    // A snapshot taken now from the volume's row, listed once it is backed up.
    await page.goto(`${base}/client/r/volumes`);
    await page.getByRole('button', { name: 'Actions for data-1' }).click();
    await page.getByRole('menuitem', { name: 'Take snapshot' }).click();
    const okButton = page.getByRole('dialog').getByRole('button', { name: 'OK' });
    if (await okButton.isVisible().catch(() => false)) await okButton.click();
    await page.getByText(/^Take snapshot: done$/).waitFor({ timeout: 60_000 });
    await until('snapshot backed up', async () => (await user.ok('listSnapshots', { volumeid: (await user.ok('listVolumes', { name: 'data-1' }))['volume'][0].id }))['snapshot']?.[0]?.state === 'BackedUp', 60_000);
    await page.goto(`${base}/client/r/snapshots`);
    await page.locator('.ant-table-row', { hasText: 'data-1' }).getByText('BackedUp').waitFor();

    // A port forward from the account's source NAT address to the instance, from the form.
    const nat = (await user.ok('listPublicIpAddresses', { issourcenat: true }))['publicipaddress'][0];
    await page.goto(`${base}/client/r/portforwarding`);
    await page.getByRole('button', { name: 'Add port forward' }).click();
    await choose(page, 'ipaddressid', nat.ipaddress);
    await choose(page, 'protocol', 'TCP');
    await page.getByRole('dialog').getByLabel('publicport').fill('2222');
    await page.getByRole('dialog').getByLabel('privateport').fill('22');
    await choose(page, 'virtualmachineid', 'web-1');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await page.locator('.ant-table-row', { hasText: nat.ipaddress }).getByText('2222').waitFor({ timeout: 60_000 });
    const rule = (await user.ok('listPortForwardingRules', { ipaddressid: nat.id }))['portforwardingrule'][0];
    assert.deepEqual([rule.publicport, rule.privateport, rule.virtualmachineid], ['2222', '22', vm.id]);
    await screenshot(page, 'user-port-forwarding');
    await context.close();
  });

  it('sends the user back to the login page when the session ends', async () => {
    const { page, context } = await b.newPage();
    await logIn(page, base, 'admin', 'password');
    await page.getByRole('link', { name: 'Events' }).waitFor();
    // Ending the session server-side (as a timeout would) makes the next call answer 401.
    await context.clearCookies();
    await page.reload();
    try {
      await page.getByText('Your session has expired').waitFor();
      await page.getByLabel('Username').waitFor();
    } catch (err) {
      await screenshot(page, 'failed-session-expiry');
      throw err;
    }
    await context.close();
  });
});
