/**
 * The actions issue #11 lists, each clicked in Debian's Chromium against a real server with the
 * demo zone and checked through the API: the admin's pod/cluster enable-disable, host
 * maintenance and tags/OS preference, primary storage added and put in maintenance, an IP range
 * added and deleted, a user added with API keys, a template's download progress, a router
 * stopped and started, a network offering added, enabled and disabled, secondary storage added;
 * the end user's dashboard, security group rules, instance reboot/HA/attach volume/attach ISO/
 * destroy/recover/start, reset password, a public IP with a firewall rule and a load balancer
 * (instances added and removed), an SSH key pair,
 * template sharing and copying to another zone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startDemoServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/until.js';
import { browserSkip, choose, launchBrowser, logIn, screenshot, type TestBrowser } from '../helpers/browser.js';
import { makeQcow2 } from '../../src/services/templates/image-format.js';

const dialect = dialectsUnderTest()[0]!;
const qcow = makeQcow2(64 * 1024 * 1024);
/** The smallest file the ISO sniffer accepts: an ISO 9660 volume descriptor at 32 KiB. */
const iso = Buffer.alloc(64 * 1024);
iso.write('CD001', 0x8001, 'latin1');

/**
 * Opens a row's Actions menu and picks an item; confirms when the item asks. A row redrawn
 * under the click (its list refreshing) can swallow the pick: an action that asks for
 * confirmation is picked again until its dialog opens (nothing runs before OK, so that is safe).
 */
async function act(page: Page, row: string, item: string, confirm = false): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    // A list refreshing after the previous action redraws its rows: wait until it has settled.
    await page.locator('.ant-table .ant-spin-spinning').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: `Actions for ${row}`, exact: true }).click().catch(async (e) => { await screenshot(page, `failed-actions-for-${row}-${item}`); throw e; });
    await page.getByRole('menuitem', { name: item, exact: true }).click();
    if (!confirm) return;
    // A confirmation, or the action's own form (Destroy asks whether to expunge).
    const ok = page.getByRole('dialog').getByRole('button', { name: 'OK' });
    const opened = await ok.waitFor({ timeout: 5_000 }).then(() => true, () => false);
    if (opened) return ok.click();
    if (attempt === 3) {
      await screenshot(page, `failed-confirm-${row}-${item}`);
      throw new Error(`${item} on ${row} never asked for confirmation`);
    }
  }
}

/** Adds or removes one instance of the lb-web rule through its row action's multiple choice. */
async function lbInstances(page: Page, action: 'Add instances' | 'Remove instances', vm: string): Promise<void> {
  await act(page, 'lb-web', action);
  // A multiple choice stays open after a pick: Escape closes it.
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('combobox', { name: /virtualmachineids/ }).click();
  // A click while the list is still opening can miss: pick until the choice shows as a tag.
  const chosen = dialog.locator('.ant-select-selection-item', { hasText: vm });
  for (let attempt = 1; !(await chosen.isVisible()); attempt++) {
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: vm }).click();
    if (await chosen.waitFor({ timeout: 2_000 }).then(() => true, () => false)) break;
    if (attempt === 3) throw new Error(`${action}: ${vm} could not be chosen`);
  }
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
  await done(page, action);
}

/** Waits for the outcome notification of a row action and fails with its error text if it failed. */
async function done(page: Page, label: string): Promise<void> {
  const outcome = page.getByText(new RegExp(`^${label}(: done| failed)$`)).last();
  await outcome.waitFor({ timeout: 60_000 });
  assert.equal(await outcome.innerText(), `${label}: done`, await page.locator('.ant-notification').innerText());
}

describe(`web UI actions in Chromium (${dialect})`, { skip: browserSkip }, () => {
  let s: TestServer;
  let b: TestBrowser;
  let base: string;
  let files: Server;
  let filesBase: string;
  let release: () => void = () => undefined;
  let zone: Record<string, any>;
  const dirs: string[] = [];
  const tmp = (p: string) => { const d = mkdtempSync(join(tmpdir(), p)); dirs.push(d); return d; };
  before(async () => {
    ({ s, base, zone } = await startDemoServer(dialect));
    // A loopback file server; /slow.qcow2 sends half of the image and the rest on release().
    files = createServer((req, res: ServerResponse) => {
      if (req.url === '/slow.qcow2') {
        res.writeHead(200, { 'content-length': qcow.length });
        res.write(qcow.subarray(0, qcow.length / 2));
        release = () => res.end(qcow.subarray(qcow.length / 2));
        return;
      }
      const body = req.url === '/fast.qcow2' ? qcow : req.url === '/boot.iso' ? iso : undefined;
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    filesBase = `http://127.0.0.1:${(files.address() as { port: number }).port}`;
    await until('the built-in template ready', async () => (await s.admin.ok('listTemplates', { templatefilter: 'featured', zoneid: zone['id'] }))['template']?.[0]?.isready, 60_000);
    b = await launchBrowser();
  });
  after(async () => {
    release();
    await b?.close();
    await s?.close();
    files?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('lets the admin run the infrastructure, accounts and image actions', async () => {
    const { page, context } = await b.newPage();
    await logIn(page, base, 'admin', 'password');
    await page.getByText('Recent alerts').waitFor();

    // Pods and clusters: disable and enable from the row.
    const pod = (await s.admin.ok('listPods'))['pod'][0];
    await page.goto(`${base}/client/r/pods`);
    await act(page, pod.name, 'Disable');
    await page.locator('.ant-table-row', { hasText: pod.name }).getByText('Disabled').waitFor();
    assert.equal((await s.admin.ok('listPods', { id: pod.id }))['pod'][0].allocationstate, 'Disabled');
    await act(page, pod.name, 'Enable');
    await page.locator('.ant-table-row', { hasText: pod.name }).getByText('Enabled').waitFor();
    const cluster = (await s.admin.ok('listClusters'))['cluster'][0];
    await page.goto(`${base}/client/r/clusters`);
    await act(page, cluster.name, 'Disable');
    await until('cluster disabled', async () => (await s.admin.ok('listClusters', { id: cluster.id }))['cluster'][0].allocationstate === 'Disabled');
    await act(page, cluster.name, 'Enable');
    await until('cluster enabled', async () => (await s.admin.ok('listClusters', { id: cluster.id }))['cluster'][0].allocationstate === 'Enabled');

    // Hosts: maintenance prepared and cancelled; tags and OS preference from the form.
    const host = (await s.admin.ok('listHosts', { type: 'Routing' }))['host'][0];
    const category = (await s.admin.ok('listOsCategories'))['oscategory'][0];
    await page.goto(`${base}/client/r/hosts`);
    await act(page, host.name, 'Maintenance', true);
    await page.locator('.ant-table-row', { hasText: host.name }).getByText('Maintenance', { exact: true }).waitFor({ timeout: 60_000 });
    await act(page, host.name, 'Cancel maintenance');
    await until('host back in service', async () => (await s.admin.ok('listHosts', { id: host.id }))['host'][0].resourcestate === 'Enabled', 60_000);
    await act(page, host.name, 'Edit tags');
    await page.getByRole('dialog').getByLabel('hosttags').fill('ssd');
    await choose(page, 'oscategoryid', category.name);
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await page.locator('.ant-table-row', { hasText: host.name }).getByText('ssd').waitFor();
    const tagged = (await s.admin.ok('listHosts', { id: host.id }))['host'][0];
    assert.deepEqual([tagged.hosttags, tagged.oscategoryid], ['ssd', category.id]);

    // Primary storage added with the form, then into maintenance and back.
    await page.goto(`${base}/client/r/primarystorage`);
    await page.getByRole('button', { name: 'Add primary storage' }).click();
    await choose(page, 'zoneid', zone['name']);
    await choose(page, 'podid', pod.name);
    await choose(page, 'clusterid', cluster.name);
    await page.getByRole('dialog').getByLabel('name', { exact: true }).fill('ui-pool');
    await page.getByRole('dialog').getByLabel('url').fill(`file://${tmp('nimbo-ui-pool-')}`);
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await page.locator('.ant-table-row', { hasText: 'ui-pool' }).getByText('Up').waitFor();
    await act(page, 'ui-pool', 'Maintenance', true);
    await page.locator('.ant-table-row', { hasText: 'ui-pool' }).getByText('Maintenance', { exact: true }).waitFor({ timeout: 60_000 });
    await act(page, 'ui-pool', 'Cancel maintenance');
    await page.locator('.ant-table-row', { hasText: 'ui-pool' }).getByText('Up').waitFor({ timeout: 60_000 });

    // An IP range added and deleted.
    await page.goto(`${base}/client/r/ipranges`);
    await page.getByRole('button', { name: 'Add IP range' }).click();
    await choose(page, 'zoneid', zone['name']);
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('vlan').fill('999');
    await dialog.getByLabel('gateway').fill('203.0.113.1');
    await dialog.getByLabel('netmask').fill('255.255.255.0');
    await dialog.getByLabel('startip').fill('203.0.113.10');
    await dialog.getByLabel('endip').fill('203.0.113.20');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await page.locator('.ant-table-row', { hasText: '203.0.113.10' }).waitFor();
    assert.equal((await s.admin.ok('listVlanIpRanges', { zoneid: zone['id'] }))['vlaniprange'].filter((r: any) => r.startip === '203.0.113.10').length, 1);
    await act(page, '203.0.113.10-203.0.113.20', 'Delete', true);
    await page.locator('.ant-table-row', { hasText: '203.0.113.10' }).waitFor({ state: 'detached' });

    // A user added to the admin account; its API keys generated, then viewed.
    await page.goto(`${base}/client/r/users`);
    await page.getByRole('button', { name: 'Add user' }).click();
    for (const [f, v] of [['account', 'admin'], ['username', 'ops1'], ['password', 'ops-secret-1'], ['email', 'ops1@example.com'], ['firstname', 'Op'], ['lastname', 'One']] as const) {
      await page.getByRole('dialog').getByLabel(f, { exact: true }).fill(v);
    }
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await page.locator('.ant-table-row', { hasText: 'ops1' }).waitFor();
    await act(page, 'ops1', 'Generate API keys', true);
    const result = page.getByRole('dialog', { name: 'Result' });
    await result.getByText('Secret key').waitFor();
    const ops = (await s.admin.ok('listUsers', { username: 'ops1' }))['user'][0];
    const keys = (await s.admin.ok('getUserKeys', { id: ops.id }))['userkeys'];
    assert.ok(keys.apikey, 'keys were made');
    await result.getByText(keys.apikey).waitFor();
    await page.keyboard.press('Escape');
    await act(page, 'ops1', 'View API keys');
    await result.getByText(keys.secretkey).waitFor();
    await page.keyboard.press('Escape');

    // A template whose download shows its progress and then its completion, without a reload.
    await page.goto(`${base}/client/r/templates`);
    await page.getByRole('button', { name: 'Register template' }).click();
    await page.getByRole('dialog').getByLabel('name', { exact: true }).fill('slow-image');
    await page.getByRole('dialog').getByLabel('url').fill(`${filesBase}/slow.qcow2`);
    await choose(page, 'zoneid', zone['name']);
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    const slow = page.locator('.ant-table-row', { hasText: 'slow-image' });
    await slow.getByRole('progressbar', { name: /^\d+% Downloaded$/ }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'admin-template-progress');
    release();
    await slow.getByText('Download Complete').waitFor({ timeout: 60_000 });
    await slow.getByText('Yes').first().waitFor();
    await context.close();
  });

  it('lets an end user run the instance, security group and image actions', async () => {
    const user = await s.newAccount();
    const other = await s.newAccount();
    const template = (await user.ok('listTemplates', { templatefilter: 'featured', zoneid: zone['id'] }))['template'][0];
    const small = (await user.ok('listServiceOfferings', { name: 'Small Instance' }))['serviceoffering'][0];
    const vm = (await user.jobOk('deployVirtualMachine', { zoneid: zone['id'], templateid: template.id, serviceofferingid: small.id, name: 'act-1' }))['virtualmachine'];
    const disk = (await user.ok('listDiskOfferings'))['diskoffering'].find((d: any) => !d.iscustomized);
    await user.jobOk('createVolume', { name: 'act-data', zoneid: zone['id'], diskofferingid: disk.id });
    const isoId = (await user.ok('registerIso', { name: 'act-iso', displaytext: 'act-iso', url: `${filesBase}/boot.iso`, zoneid: zone['id'] }))['iso'][0].id;
    const tplId = (await user.ok('registerTemplate', { name: 'act-tpl', displaytext: 'act-tpl', url: `${filesBase}/fast.qcow2`, zoneid: zone['id'], format: 'QCOW2', hypervisor: 'KVM', passwordenabled: 'true' }))['template'][0].id;
    await until('ISO and template downloaded', async () => (await user.ok('listIsos', { id: isoId, isofilter: 'self' }))['iso']?.[0]?.isready
      && (await user.ok('listTemplates', { id: tplId, templatefilter: 'self' }))['template']?.[0]?.isready, 60_000);
    // Users may recover their own destroyed VMs only where the admin allows it (CloudStack's default is no).
    await s.admin.ok('updateConfiguration', { name: 'allow.user.expunge.recover.vm', value: 'true' });
    // A second zone with its own secondary storage, for "copy to zone".
    const z2 = (await s.admin.ok('createZone', { name: 'Second', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
    await s.admin.ok('addImageStore', { provider: 'NFS', zoneid: z2.id, url: `file://${tmp('nimbo-ui-ss2-')}` });
    await s.admin.ok('updateZone', { id: z2.id, allocationstate: 'Enabled' });

    const { page, context } = await b.newPage();
    await logIn(page, base, user.accountName, 'secret-pw');
    // The user's dashboard: own instances and volumes counted, limits used.
    await page.locator('.ant-statistic', { hasText: 'Instances' }).getByText('1', { exact: true }).waitFor();
    await page.locator('.ant-statistic', { hasText: 'Volumes' }).getByText('2', { exact: true }).waitFor();
    await page.getByText(/^Instances: 1 \/ /).waitFor();

    // Security group: created, a rule allowed, then revoked by choosing it.
    await page.goto(`${base}/client/r/securitygroups`);
    await page.getByRole('button', { name: 'Add security group' }).click();
    await page.getByRole('dialog').getByLabel('name', { exact: true }).fill('web');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await act(page, 'web', 'Allow ingress');
    await page.getByRole('dialog').getByLabel('startport').fill('22');
    await page.getByRole('dialog').getByLabel('endport').fill('22');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    const web = page.locator('.ant-table-row', { hasText: 'web' });
    await web.getByText('tcp 22-22 0.0.0.0/0').waitFor({ timeout: 60_000 });
    await act(page, 'web', 'Revoke ingress rule');
    await choose(page, 'id', 'tcp 22-22 0.0.0.0/0');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await web.getByText('tcp 22-22 0.0.0.0/0').waitFor({ state: 'detached', timeout: 60_000 });
    assert.deepEqual((await user.ok('listSecurityGroups', { securitygroupname: 'web' }))['securitygroup'][0].ingressrule ?? [], []);

    // Instance: reboot, HA on and off, attach a volume and an ISO, destroy and recover.
    const vmNow = async () => (await user.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0];
    await page.goto(`${base}/client/r/instances`);
    const row = page.locator('.ant-table-row', { hasText: 'act-1' });
    await row.getByText('Running').waitFor();
    await act(page, 'act-1', 'Reboot', true);
    await page.getByText('Reboot: done').waitFor({ timeout: 60_000 });
    await act(page, 'act-1', 'Enable HA');
    await until('HA on', async () => (await vmNow()).haenable === true);
    await act(page, 'act-1', 'Disable HA');
    await until('HA off', async () => (await vmNow()).haenable === false);
    await act(page, 'act-1', 'Attach volume');
    await choose(page, 'id', 'act-data');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await until('volume attached', async () => (await user.ok('listVolumes', { name: 'act-data' }))['volume'][0].virtualmachineid === vm.id, 60_000);
    await act(page, 'act-1', 'Attach ISO');
    await choose(page, 'id', 'act-iso');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await row.getByText('act-iso').waitFor({ timeout: 60_000 });
    assert.equal((await vmNow()).isoid, isoId);
    await act(page, 'act-1', 'Destroy', true);
    await row.getByText('Destroyed').waitFor({ timeout: 60_000 });
    await act(page, 'act-1', 'Recover');
    await done(page, 'Recover');
    await row.getByText('Stopped').waitFor({ timeout: 60_000 });
    assert.equal((await vmNow()).state, 'Stopped');
    await act(page, 'act-1', 'Start');
    await row.getByText('Running').waitFor({ timeout: 60_000 });

    // Reset password on a stopped instance of a password-enabled template: the new one is shown once.
    const pw = (await user.jobOk('deployVirtualMachine', { zoneid: zone['id'], templateid: tplId, serviceofferingid: small.id, name: 'act-pw', startvm: 'false' }))['virtualmachine'];
    assert.equal(pw.passwordenabled, true);
    await page.goto(`${base}/client/r/instances`);
    await page.locator('.ant-table-row', { hasText: 'act-pw' }).getByText('Stopped').waitFor();
    await act(page, 'act-pw', 'Reset password');
    const shown = page.getByRole('dialog', { name: 'Result' });
    await shown.getByText('Password').waitFor({ timeout: 60_000 });
    assert.match(await shown.innerText(), /Password\s+\S{6,}/);
    await page.keyboard.press('Escape');
    const resets = (await user.ok('listEvents', { type: 'VM.RESETPASSWORD' }))['event'] ?? [];
    assert.ok(resets.some((e: any) => e.state === 'Completed'), 'VM.RESETPASSWORD completed');

    // A new public IP on the account's network, a firewall rule and a load balancer on it.
    const network = (await user.ok('listNetworks'))['network'][0];
    await page.goto(`${base}/client/r/publicips`);
    await page.getByRole('button', { name: 'Acquire new IP' }).click();
    await choose(page, 'networkid', network.name);
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await done(page, 'Acquire new IP');
    const ip = (await user.ok('listPublicIpAddresses', { issourcenat: false }))['publicipaddress'][0];
    await page.locator('.ant-table-row', { hasText: ip.ipaddress }).waitFor();
    await page.goto(`${base}/client/r/firewall`);
    await page.getByRole('button', { name: 'Add firewall rule' }).click();
    await choose(page, 'ipaddressid', ip.ipaddress);
    await choose(page, 'protocol', 'TCP');
    await page.getByRole('dialog').getByLabel('startport').fill('80');
    await page.getByRole('dialog').getByLabel('endport').fill('80');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await done(page, 'Add firewall rule');
    assert.equal(String((await user.ok('listFirewallRules', { ipaddressid: ip.id }))['firewallrule'][0].startport), '80');
    await page.goto(`${base}/client/r/loadbalancers`);
    await page.getByRole('button', { name: 'Add load balancer' }).click();
    await page.getByRole('dialog').getByLabel('name', { exact: true }).fill('lb-web');
    await choose(page, 'publicipid', ip.ipaddress);
    await choose(page, 'algorithm', 'roundrobin');
    await page.getByRole('dialog').getByLabel('publicport').fill('8080');
    await page.getByRole('dialog').getByLabel('privateport').fill('80');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await done(page, 'Add load balancer');
    await lbInstances(page, 'Add instances', 'act-1');
    const lb = (await user.ok('listLoadBalancerRules', { name: 'lb-web' }))['loadbalancerrule'][0];
    assert.deepEqual(((await user.ok('listLoadBalancerRuleInstances', { id: lb.id }))['loadbalancerruleinstance'] ?? []).map((v: any) => v.id), [vm.id]);
    await lbInstances(page, 'Remove instances', 'act-1');
    assert.deepEqual((await user.ok('listLoadBalancerRuleInstances', { id: lb.id }))['loadbalancerruleinstance'] ?? [], []);

    // An SSH key pair made here: its private key is shown once.
    await page.goto(`${base}/client/r/sshkeys`);
    await page.getByRole('button', { name: 'Create SSH key pair' }).click();
    await page.getByRole('dialog').getByLabel('name', { exact: true }).fill('ui-key');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await page.getByRole('dialog', { name: 'Result' }).getByText(/BEGIN .*PRIVATE KEY/).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.ant-table-row', { hasText: 'ui-key' }).waitFor();

    // Own template: shared with another account, copied to the second zone.
    await page.goto(`${base}/client/r/templates`);
    await act(page, 'act-tpl', 'Share');
    await page.getByRole('dialog').getByLabel('accounts').fill(other.accountName);
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await until('template shared', async () => ((await user.ok('listTemplatePermissions', { id: tplId }))['templatepermission']?.account ?? []).includes(other.accountName));
    assert.ok(((await other.ok('listTemplates', { templatefilter: 'sharedexecutable' }))['template'] ?? []).some((t: any) => t.id === tplId), 'the other account sees it');
    await act(page, 'act-tpl', 'Copy to zone');
    await choose(page, 'destzoneid', 'Second');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await until('template ready in the second zone', async () => (await user.ok('listTemplates', { id: tplId, templatefilter: 'self', zoneid: z2.id }))['template']?.[0]?.isready, 60_000);
    await page.locator('.ant-table-row', { hasText: 'Second' }).getByText('act-tpl').waitFor({ timeout: 30_000 });
    await screenshot(page, 'user-templates-copied');
    await context.close();
  });

  it('lets the admin stop and start a router, add, enable and disable a network offering, and add secondary storage', async () => {
    // A tenant's first VM gives its network a router.
    const tenant = await s.newAccount();
    const template = (await tenant.ok('listTemplates', { templatefilter: 'featured', zoneid: zone['id'] }))['template'][0];
    const small = (await tenant.ok('listServiceOfferings', { name: 'Small Instance' }))['serviceoffering'][0];
    await tenant.jobOk('deployVirtualMachine', { zoneid: zone['id'], templateid: template.id, serviceofferingid: small.id, name: 'routed' });
    const router = (await s.admin.ok('listRouters', { account: tenant.accountName, domainid: (await tenant.ok('listAccounts'))['account'][0].domainid, state: 'Running' }))['router'][0];
    const routerNow = async () => (await s.admin.ok('listRouters', { id: router.id, listall: true }))['router'][0].state;
    const { page, context } = await b.newPage();
    await logIn(page, base, 'admin', 'password');
    await page.goto(`${base}/client/r/routers`);
    const row = page.locator('.ant-table-row', { hasText: router.name });
    await act(page, router.name, 'Stop', true);
    await row.getByText('Stopped').waitFor({ timeout: 60_000 });
    assert.equal(await routerNow(), 'Stopped');
    await act(page, router.name, 'Start');
    await row.getByText('Running').waitFor({ timeout: 60_000 });
    assert.equal(await routerNow(), 'Running');

    // A network offering made with the form (Disabled, as CloudStack creates them), enabled, disabled.
    await page.goto(`${base}/client/r/networkofferings`);
    await page.getByRole('button', { name: 'Add network offering' }).click();
    await page.getByRole('dialog').getByLabel('name', { exact: true }).fill('ui-offering');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await page.locator('.ant-table-row', { hasText: 'ui-offering' }).getByText('Disabled').waitFor();
    const offering = (await s.admin.ok('listNetworkOfferings', { name: 'ui-offering' }))['networkoffering'][0];
    assert.deepEqual([offering.guestiptype, offering.traffictype, offering.state], ['Isolated', 'Guest', 'Disabled']);
    await act(page, 'ui-offering', 'Enable');
    await done(page, 'Enable');
    await until('offering enabled', async () => (await s.admin.ok('listNetworkOfferings', { id: offering.id }))['networkoffering'][0].state === 'Enabled');
    await act(page, 'ui-offering', 'Disable');
    await done(page, 'Disable');
    await until('offering disabled', async () => (await s.admin.ok('listNetworkOfferings', { id: offering.id }))['networkoffering'][0].state === 'Disabled');

    // Secondary storage for a new zone (one store per zone is the default limit).
    await s.admin.ok('createZone', { name: 'Storeless', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' });
    await page.goto(`${base}/client/r/secondarystorage`);
    await page.getByRole('button', { name: 'Add secondary storage' }).click();
    await choose(page, 'zoneid', 'Storeless');
    await page.getByRole('dialog').getByLabel('name', { exact: true }).fill('ui-store');
    await page.getByRole('dialog').getByLabel('url').fill(`file://${tmp('nimbo-ui-ss-')}`);
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await done(page, 'Add secondary storage');
    await page.locator('.ant-table-row', { hasText: 'ui-store' }).waitFor();
    assert.equal((await s.admin.ok('listImageStores', { name: 'ui-store' }))['count'], 1);
    await screenshot(page, 'admin-secondary-storage');
    await context.close();
  });
});
