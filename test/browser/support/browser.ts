import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { serve } from '../../http/server.ts';
import type { TestRuntime } from '../../support/engines.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const WEB_ROOT = path.join(REPO, 'web', 'dist');

const CHROMIUM = '/usr/bin/chromium';

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** The built client is an input of these tests, not something they build: say so plainly. */
export function builtWebRoot(): string {
  if (!existsSync(path.join(WEB_ROOT, 'index.html'))) {
    throw new Error(`the web client is not built (${path.join(WEB_ROOT, 'index.html')} is missing): run npm run build:web`);
  }
  return WEB_ROOT;
}

/** Debian's Chromium, never a downloaded build; one per test file. */
export async function launchBrowser(): Promise<Browser> {
  builtWebRoot();
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export type Person = {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors (CSP refusals among them). */
  troubles: string[];
};

/** A person's browser: French, desktop-sized, downloads accepted. One context per user. */
export async function newPerson(browser: Browser, options: { locale?: string } = {}): Promise<Person> {
  const context = await browser.newContext({ locale: options.locale ?? 'fr-FR', timezoneId: 'Europe/Paris', viewport: DESKTOP, acceptDownloads: true });
  // Far above any normal step on this machine; a missing element fails instead of hanging.
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const troubles: string[] = [];
  page.on('pageerror', (error) => troubles.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url;
    // Before login the client asks who is there, and the 401 is the answer it expects.
    if (new URL(where, 'http://x').pathname === '/api/v1/me' && /status of 401/.test(message.text())) return;
    troubles.push(`console: ${message.text()} (${where})`);
  });
  return { context, page, troubles };
}

/** The application threw nothing and the browser refused nothing (a CSP violation logs an error). */
export function assertNoPageErrors(person: Person, who: string): void {
  assert.deepEqual(person.troubles, [], `${who}'s page logged errors:\n${person.troubles.join('\n')}`);
}

/** Missive with the test operator (emartin, sbernard, khaddad, cardio), serving the built client. */
export async function serveWeb(rt: TestRuntime): Promise<{ app: FastifyInstance; url: string; ids: Record<string, string> }> {
  return serve(rt, { webRoot: builtWebRoot() });
}

/**
 * Polls `probe` until it gives a value: for conditions outside the page (the development
 * outbox, the database). A liveness limit, not a timing assertion.
 */
export async function until<T>(probe: () => Promise<T | undefined>, what: string, limitMs = 20_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * With MISSIVE_SCREENSHOTS=<dir>, saves the page as `desktop-<name>.png` (1440×900) and
 * `phone-<name>.png` (390×844) there, then puts the desktop size back; otherwise does nothing.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.MISSIVE_SCREENSHOTS;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: path.join(dir, `${size}-${name}.png`), animations: 'disabled', caret: 'hide' });
  }
  await page.setViewportSize(DESKTOP);
}
