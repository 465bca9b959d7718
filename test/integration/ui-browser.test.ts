import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectDescriptors } from '../../services/objects/index.ts';
import { startUiTarget, type UiTarget } from '../support/ui-target.ts';
import { waitFor } from '../support/wait.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = fileURLToPath(new URL('../../test-artifacts/ui.png', import.meta.url));
const STEP_MS = 60_000;

/**
 * The health web UI driven by Debian's Chromium, served by the real API on the real stack
 * (ui-target.ts `startUiTarget`: PostgreSQL a, MariaDB b, a running contacts sync).
 */
describe('health web UI in a real browser', () => {
  let target: UiTarget;
  let browser: Browser;
  let page: Page | undefined;
  const scriptErrors: string[] = [];

  async function openPage(url: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const opened = await context.newPage();
    opened.setDefaultTimeout(20_000);
    opened.on('pageerror', (err) => scriptErrors.push(err.message));
    opened.on('console', (msg) => {
      // Chromium logs every 4xx answer ("Failed to load resource"); the wrong token gives one.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
        scriptErrors.push(msg.text());
      }
    });
    await opened.goto(url);
    return opened;
  }

  /** Waits until `selector`'s text is `want`; fails naming what was shown instead. */
  async function shows(p: Page, selector: string, want: string | RegExp): Promise<void> {
    const matches = (text: string) => (typeof want === 'string' ? text === want : want.test(text));
    let shown: string | null = null;
    try {
      await waitFor(
        `${selector} to show ${String(want)}`,
        async () => {
          shown = await p
            .locator(selector)
            .first()
            .textContent({ timeout: 1000 })
            .catch(() => null);
          return shown !== null && matches(shown.trim());
        },
        20_000,
      );
    } catch {
      throw new Error(`${selector} shows ${JSON.stringify(shown)}, not ${String(want)}`);
    }
  }

  /** The text of the focused element (page expressions as strings: tsc has no DOM types here). */
  const focusedText = (p: Page) =>
    p.evaluate<string>('document.activeElement ? document.activeElement.textContent : ""');

  const column = (p: Page, col: string) =>
    p.locator(`table.records td[data-col="${col}"]`).allTextContents();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}: run deploy/local/browser.sh ` +
          '(apt-get install -y --no-install-recommends chromium) before this test.',
      );
    }
    target = await startUiTarget();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 300_000);

  afterAll(async () => {
    if (page) {
      await mkdir(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true }).catch(() => undefined);
    }
    await browser?.close();
    await target?.close();
  }, 60_000);

  it(
    'asks for a token, rejects a wrong one and lists the syncs once the right one is given',
    async () => {
      const p = await openPage(target.baseUrl);
      const tokenInput = p.getByLabel('API token');
      await tokenInput.fill('not-the-right-token-at-all');
      await p.getByRole('button', { name: 'Use token' }).click();
      await shows(p, '#token-error', /rejected this token/);

      await tokenInput.fill(target.token);
      await p.getByRole('button', { name: 'Use token' }).click();
      await p.getByRole('heading', { level: 1, name: 'Syncs' }).waitFor();
      await p.getByRole('link', { name: /contacts sync/ }).waitFor();
      await p.getByRole('link', { name: /companies sync/ }).waitFor();
      const progress = p.getByRole('progressbar', { name: 'Initial sync of contacts' });
      await progress.waitFor();
      expect(Number(await progress.getAttribute('value'))).toBeGreaterThan(0);

      // A ready link opened in this tab changes only the fragment: it still opens the sync.
      await p.goto(`${target.baseUrl}/#token=${target.token}&sync=${target.syncId}`);
      await p.getByRole('heading', { level: 1, name: 'contacts sync' }).waitFor();
      await p.context().close();
    },
    STEP_MS,
  );

  it(
    'opens the sync from a ready link with the token in the fragment, then drops it from the address',
    async () => {
      page = await openPage(`${target.baseUrl}/#token=${target.token}&sync=${target.syncId}`);
      await page.getByRole('heading', { level: 1, name: 'contacts sync' }).waitFor();
      expect(page.url()).not.toContain(target.token);
      expect(page.url()).toContain(`#/syncs/${target.syncId}`);
    },
    STEP_MS,
  );

  it(
    "shows the sync's counts in sync, failed, excluded and pending as the API reports them",
    async () => {
      const p = page!;
      const counts = async () => {
        const shown: Record<string, number> = {};
        for (const key of Object.keys(target.expected)) {
          const text = await p.locator(`[data-count="${key}"]`).textContent();
          shown[key] = Number((text ?? '').replace(/\D/g, '') || NaN);
        }
        return shown;
      };
      // Polls first (the page loads the counts after it opens), then states the difference.
      await waitFor(
        'the counts',
        async () => isDeepStrictEqual(await counts(), target.expected),
        20_000,
      ).catch(() => undefined);
      const shown = await counts();
      expect(shown).toEqual(target.expected);
    },
    STEP_MS,
  );

  it(
    'lists failed records by category with their hints and draws the outcomes over time',
    async () => {
      const p = page!;
      const categories = p.getByRole('table', { name: /by category/ });
      const missing = target.byCategory.find((c) => c.category === 'missing-email');
      expect(missing?.count).toBeGreaterThan(0);
      for (const { category, count } of target.byCategory) {
        const row = categories.getByRole('row', { name: new RegExp(category) });
        await row.waitFor();
        expect(await row.textContent()).toContain(String(count));
      }
      // The outcomes of this run all fall in the last few minutes: at least one minute has bars.
      const chart = p.getByRole('img', { name: /Outcomes per minute/ });
      await chart.waitFor();
      await waitFor(
        'a bar in the chart',
        async () => (await chart.locator('rect.bar').count()) > 0,
        20_000,
      );
    },
    STEP_MS,
  );

  it(
    'filters the record view by status and shows only records of that status',
    async () => {
      const p = page!;
      await p.getByLabel('Status', { exact: true }).selectOption('failed');
      await p.getByRole('button', { name: 'Apply filters' }).click();
      await shows(p, '[data-field="page-info"]', /^Page 1: .*status failed/);
      const statuses = await column(p, 'status');
      expect(statuses.length).toBe(Math.min(target.expected.failed, 25));
      expect(new Set(statuses)).toEqual(new Set(['failed']));
      // The object filter lists the API's object types (GET /v1/objects), by label.
      const options = await p.locator('#rec-object option').allTextContents();
      expect(options).toEqual(['All objects', ...objectDescriptors().map((d) => d.label)]);
      expect(new Set(await column(p, 'object'))).toEqual(new Set(['Contacts']));
    },
    STEP_MS,
  );

  it(
    'pages through the records with the next and previous page buttons',
    async () => {
      const p = page!;
      await p.getByRole('button', { name: 'Clear filters' }).click();
      await shows(p, '[data-field="page-info"]', /^Page 1: \d+ records?\.$/);
      await p.getByLabel('Rows per page').selectOption('10');
      await p.getByRole('button', { name: 'Apply filters' }).click();
      const total = Object.values(target.expected).reduce((n, v) => n + v, 0);
      expect(total).toBeGreaterThan(10);
      await shows(p, '[data-field="page-info"]', 'Page 1: 10 records.');
      const first = await column(p, 'entity');

      await p.getByRole('button', { name: 'Next page' }).click();
      await shows(p, '[data-field="page-info"]', /^Page 2: /);
      const second = await column(p, 'entity');
      expect(second.length).toBe(Math.min(10, total - 10));
      expect(second.filter((id) => first.includes(id))).toEqual([]);

      await p.getByRole('button', { name: 'Previous page' }).click();
      await shows(p, '[data-field="page-info"]', /^Page 1: /);
      expect(await column(p, 'entity')).toEqual(first);
    },
    STEP_MS,
  );

  it(
    'turns the sync off (after confirming) and on with its buttons from the keyboard, calling the API and showing the new state',
    async () => {
      const p = page!;
      const call = (action: string) =>
        p.waitForResponse(
          (r) =>
            r.request().method() === 'POST' &&
            new URL(r.url()).pathname === `/v1/syncs/${target.syncId}/${action}`,
        );

      // Turn off asks first: Escape cancels and gives the focus back to the button.
      const turnOff = p.getByRole('button', { name: 'Turn off', exact: true });
      const confirm = p.getByRole('dialog', { name: 'Turn off this sync?' });
      await turnOff.focus();
      await p.keyboard.press('Enter');
      await confirm.waitFor();
      await p.keyboard.press('Escape');
      await confirm.waitFor({ state: 'detached' });
      expect(await focusedText(p)).toBe('Turn off');
      await shows(p, '[data-field="state"]', /^(initial-sync|running)$/);

      const stopped = call('stop');
      await p.keyboard.press('Enter');
      await confirm.getByRole('button', { name: 'Turn off sync' }).focus();
      await p.keyboard.press('Enter');
      expect((await stopped).ok()).toBe(true);
      await shows(p, '[data-field="state"]', 'off');
      const off = await target.fx.call<{ state: string }>('GET', `/v1/syncs/${target.syncId}`);
      expect(off.body.state).toBe('off');

      // Turn off is gone once the sync is off: the focus moves on to Turn on, so Enter starts it.
      await waitFor(
        'the focus to move to Turn on',
        async () => (await focusedText(p)) === 'Turn on',
        20_000,
      );
      const started = call('start');
      await p.keyboard.press('Enter');
      expect((await started).ok()).toBe(true);
      await shows(p, '[data-field="state"]', /^(initial-sync|running)$/);
      const after = await target.fx.call<{ state: string }>('GET', `/v1/syncs/${target.syncId}`);
      expect(after.status).toBe(200);
      expect(after.body.state).toMatch(/^(initial-sync|running)$/);
    },
    STEP_MS,
  );

  it(
    "shows the API's error message and code when a sync does not exist",
    async () => {
      const p = await openPage(`${target.baseUrl}/#token=${target.token}&sync=no-such-sync`);
      const alert = p
        .getByRole('alert')
        .filter({ hasText: /\(\w+\)$/ })
        .first();
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/no-such-sync|not found/i);
      await p.context().close();
    },
    STEP_MS,
  );

  it('ran without script errors in the page', () => {
    expect(scriptErrors).toEqual([]);
  });
});
