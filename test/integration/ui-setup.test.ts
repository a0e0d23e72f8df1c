/**
 * A fresh install (no demo zone) set up through the web UI's wizard in Chromium: zone,
 * physical network, pod, public range, cluster, host, storage; the host's agent is started
 * with the token the wizard shows, as an operator would, and the first VM is deployed from
 * the built-in template through the deploy wizard.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/until.js';
import { browserSkip, choose, launchBrowser, screenshot, type TestBrowser } from '../helpers/browser.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));
const dialect = dialectsUnderTest()[0]!;

describe(`setup wizard in Chromium (${dialect})`, { skip: browserSkip }, () => {
  let s: TestServer;
  let b: TestBrowser;
  let agent: ChildProcess | undefined;
  const dirs: string[] = [];
  const tmp = (p: string) => { const d = mkdtempSync(join(tmpdir(), p)); dirs.push(d); return d; };
  before(async () => {
    s = await startServer(dialect);
    b = await launchBrowser();
  });
  after(async () => {
    agent?.kill('SIGTERM');
    await b?.close();
    await s?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('takes a fresh install from no zone to a running first VM', async () => {
    const { page, context } = await b.newPage();
    await page.goto(`http://127.0.0.1:${s.port}/client/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Set up your cloud' }).click();
    const next = () => page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Zone name').fill('Wizard-Zone');
    await next(); // → physical network (defaults)
    await next(); // → pod (defaults)
    await next(); // → public traffic
    await page.getByLabel('Public start IP').fill('');
    await next();
    await page.getByText('Public start IP is required').waitFor();
    await page.getByLabel('Public start IP').fill('192.168.50.10');
    await next(); // → cluster (Simulator)
    await next(); // → host
    await next(); // → storage
    await page.getByLabel('Primary storage URL').fill(`file://${tmp('nimbo-wiz-primary-')}`);
    await page.getByLabel('Secondary storage URL').fill(`file://${tmp('nimbo-wiz-secondary-')}`);
    await next();
    await screenshot(page, 'setup-launch');
    await page.getByRole('button', { name: 'Launch' }).click();
    const command = await page.getByTestId('agent-token').innerText({ timeout: 60_000 });
    const token = /NIMBO_AGENT_TOKEN=(\S+)/.exec(command)?.[1];
    assert.ok(token, `the wizard shows the agent command: ${command}`);
    agent = spawn(process.execPath, [BIN, 'agent', '--server', `127.0.0.1:${s.app.services.agents.port}`, '--driver', 'simulator', '--hosts', '1', '--data-dir', tmp('nimbo-wiz-agent-')], {
      env: { PATH: process.env['PATH'] ?? '', NIMBO_AGENT_TOKEN: token }, stdio: ['ignore', 'ignore', 'inherit'],
    });
    await page.getByText('Your zone is ready: the host is Up.').waitFor({ timeout: 60_000 });
    await screenshot(page, 'setup-done');

    const zone = (await s.admin.ok('listZones', { name: 'Wizard-Zone' }))['zone'][0];
    assert.equal(zone.allocationstate, 'Enabled');
    assert.equal((await s.admin.ok('listPods', { zoneid: zone.id }))['count'], 1);
    assert.equal((await s.admin.ok('listVlanIpRanges', { zoneid: zone.id }))['vlaniprange'][0].startip, '192.168.50.10');
    assert.equal((await s.admin.ok('listHosts', { zoneid: zone.id, state: 'Up' }))['count'], 1);
    assert.equal((await s.admin.ok('listStoragePools', { zoneid: zone.id }))['count'], 1);
    assert.equal((await s.admin.ok('listImageStores', { zoneid: zone.id }))['count'], 1);

    const template = await until('the built-in template ready in the new zone', async () => {
      const t = (await s.admin.ok('listTemplates', { templatefilter: 'featured', zoneid: zone.id }))['template']?.[0];
      return t?.isready ? t : undefined;
    }, 60_000);
    await page.getByRole('button', { name: 'Deploy your first VM' }).click();
    await choose(page, 'Zone', 'Wizard-Zone');
    await next();
    await choose(page, 'Template', template.name);
    await next();
    await choose(page, 'Compute offering', 'Small Instance');
    await next();
    await next();
    await next();
    await page.getByLabel('Name', { exact: true }).fill('first-vm');
    await page.getByRole('button', { name: 'Deploy' }).click();
    await page.getByText('Instance first-vm is Running').waitFor({ timeout: 90_000 });
    assert.equal((await s.admin.ok('listVirtualMachines', { name: 'first-vm', listall: true }))['virtualmachine'][0].state, 'Running');
    await context.close();
  });
});
