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
