/**
 * Debian's Chromium driven by playwright-core for the web UI's browser tests. Tests skip
 * (with the reason) where Chromium is not installed; CI installs it. Screenshots go to
 * test-results/ui (gitignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { until } from './until.js';

export const CHROMIUM = '/usr/bin/chromium';
export const browserSkip: string | false = existsSync(CHROMIUM) ? false : 'Chromium (/usr/bin/chromium, Debian package chromium) is not installed';
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'ui');

export interface TestBrowser {
  browser: Browser;
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Without the background-networking flags Chromium keeps dialling Google's hosts, which this
  // closed network refuses; the sandbox needs user namespaces CI runners may not give root.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // Playwright gives every launch a fresh, temporary profile of its own.
  });
  return {
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      context.setDefaultTimeout(30_000);
      return { context, page: await context.newPage() };
    },
    async close() {
      await browser.close();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Picks an option in the antd Select labelled `label`, and waits until its dropdown has closed:
 * an option list that refreshes under the click (a lookup refetching) can leave the dropdown
 * open over the dialog's buttons, so the click is repeated until the list is gone.
 */
export async function choose(page: Page, label: string, option: string): Promise<void> {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page.getByRole('combobox', { name: new RegExp(`^(\\* )?${escaped}( question-circle)?$`) }).click();
  const open = page.locator('.ant-select-dropdown:visible');
  await open.locator('.ant-select-item-option', { hasText: option }).first().click();
  const chosenAt = Date.now();
  await until(`the ${label} list to close after choosing ${option}`, async () => {
    if ((await open.count()) === 0) return true;
    // Give the closing animation a second before deciding the list really stayed open.
    if (Date.now() - chosenAt < 1_000) return false;
    await open.locator('.ant-select-item-option', { hasText: option }).first().click({ timeout: 2_000 }).catch(() => undefined);
    return false;
  }, 20_000, 250);
}

/** Logs in through the login form and waits for the frame (the user's name in the header). */
export async function logIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/client/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('whoami').waitFor();
}

/**
 * A fresh context (empty cache) that already holds a login session made over the API, as a
 * returning user's tab would: the JSESSIONID cookie plus the session the UI keeps in
 * sessionStorage. Lets a test time the very first load of a page without the login form.
 */
export async function sessionContext(b: TestBrowser, base: string, username: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const res = await fetch(`${base}/client/api`, { method: 'POST', body: new URLSearchParams({ command: 'login', username, password, domain: '/', response: 'json' }) });
  const inner = ((await res.json()) as Record<string, Record<string, unknown>>)['loginresponse']!;
  const sid = /JSESSIONID=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (res.status !== 200 || !sid) throw new Error(`login failed: ${res.status} ${JSON.stringify(inner)}`);
  const session = { sessionkey: inner['sessionkey'], username: inner['username'], userid: inner['userid'], account: inner['account'], domainid: inner['domainid'], type: String(inner['type']) };
  const { context, page } = await b.newPage();
  // The server checks the session key in the cookie and in the parameter (CookieAndParameter).
  await context.addCookies([{ name: 'JSESSIONID', value: sid, url: `${base}/client/` }, { name: 'sessionkey', value: String(inner['sessionkey']), url: `${base}/client/` }]);
  await context.addInitScript((s) => sessionStorage.setItem('nimbo.session', s), JSON.stringify(session));
  return { context, page };
}

/**
 * The accessible name of the focused element as the accessibility tree gives it (role "name"),
 * or undefined when it has none: what a screen reader announces on Tab.
 */
export async function focusedName(page: Page): Promise<{ role: string; name: string | undefined }> {
  // Past the last element Tab leaves the page (to the browser's own UI): nothing is focused then.
  if (!(await page.evaluate(() => !!document.activeElement && document.activeElement !== document.body))) return { role: 'none', name: undefined };
  const snap = await page.locator(':focus').ariaSnapshot();
  const m = /^- ([a-z]+)(?: "((?:[^"\\]|\\.)*)")?/.exec(snap.trim());
  // Chromium counts antd's required-mark (CSS "* ") and the tooltip icon's name into a label's text.
  const name = m?.[2]?.replace(/^\* /, '').replace(/ question-circle$/, '');
  return { role: m?.[1] ?? snap.trim(), name: name || undefined };
}
