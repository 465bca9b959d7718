import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { waitFor } from './wait.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** The viewport of every journey page and of the README's screenshots. */
export const VIEWPORT = { width: 1280, height: 800 } as const;

/** Debian's Chromium, headless; fails saying how to install it when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: run deploy/local/browser.sh ` +
        '(apt-get install -y --no-install-recommends chromium) before this test.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A page of the web UI and what went wrong while it ran. */
export interface AppPage {
  readonly page: Page;
  /** `<status> <METHOD> <path>` of every answer with a status of 500 or more. */
  readonly serverErrors: string[];
  /** Uncaught errors and console errors of the page (not Chromium's "Failed to load resource"). */
  readonly scriptErrors: string[];
}

/**
 * Opens the UI at `baseUrl` with `token` in the fragment (the UI keeps it and drops it from the
 * address), in a context of its own at 1280×800, collecting 5xx answers and script errors.
 */
export async function openApp(browser: Browser, baseUrl: string, token: string): Promise<AppPage> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const serverErrors: string[] = [];
  const scriptErrors: string[] = [];
  page.on('response', (res) => {
    if (res.status() >= 500) {
      serverErrors.push(`${res.status()} ${res.request().method()} ${new URL(res.url()).pathname}`);
    }
  });
  page.on('pageerror', (err) => scriptErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
      scriptErrors.push(msg.text());
    }
  });
  await page.goto(`${baseUrl}/#token=${token}`);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  return { page, serverErrors, scriptErrors };
}

/** Goes to a route of the UI (a hash) and waits for its h1 to read `heading`. */
export async function gotoRoute(page: Page, hash: string, heading: string | RegExp): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/**
 * Saves a screenshot of the page's viewport to test-artifacts/journey-NN-<step>.png, and when
 * `docs` is given, a copy to docs/screenshots/<docs>.png (1280×800, for the README) — only when
 * that file is missing or TANDEM_UPDATE_SCREENSHOTS=1, so a test run leaves the checkout as it
 * was (each run's pictures differ in times and names).
 */
export async function screenshot(page: Page, n: number, step: string, docs?: string) {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = `${ARTIFACTS}journey-${String(n).padStart(2, '0')}-${step}.png`;
  await page.screenshot({ path: file });
  const target = `${DOCS}${docs}.png`;
  if (docs && (process.env.TANDEM_UPDATE_SCREENSHOTS === '1' || !existsSync(target))) {
    await mkdir(DOCS, { recursive: true });
    await copyFile(file, target);
  }
}

/** Saves a full-page screenshot under test-artifacts/ (what a failed step looked like). */
export async function artifact(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true }).catch(() => undefined);
}

/** The parts of a <select> `pick` reads in the page (tsc has no DOM types here). */
interface SelectLike {
  readonly options: ArrayLike<{ value: string; label: string; text: string }>;
}

/** The parts of a form field `fieldState` reads in the page. */
interface FieldLike {
  getAttribute(name: string): string | null;
  readonly ownerDocument: { getElementById(id: string): { textContent: string | null } | null };
}

/**
 * Chooses the first option of a <select> whose value or label equals (or matches) one of
 * `wanted`, waiting for the options to be loaded; fails naming the options it had.
 */
export async function pick(select: Locator, ...wanted: Array<string | RegExp>): Promise<void> {
  let options: Array<{ value: string; label: string }> = [];
  const found = () =>
    options.find((o) =>
      wanted.some((w) =>
        typeof w === 'string' ? o.value === w || o.label.trim() === w : w.test(o.label.trim()),
      ),
    );
  await waitFor(
    `an option ${wanted.map(String).join(' or ')}`,
    async () => {
      options = await select.evaluate((el: SelectLike) =>
        Array.from(el.options).map((o) => ({ value: o.value, label: o.label || o.text })),
      );
      return found() !== undefined;
    },
    15_000,
  ).catch(() => {
    throw new Error(
      `no option ${wanted.map(String).join(' / ')}; the select offers ${JSON.stringify(options)}`,
    );
  });
  await select.selectOption({ value: found()!.value });
}

/** Fills a text input, or picks the option of a select, whichever `field` is. */
export async function setField(field: Locator, value: string): Promise<void> {
  const tag = await field.evaluate((el: { tagName: string }) => el.tagName);
  if (tag === 'SELECT') await pick(field, value);
  else await field.fill(value);
}

/** What a field says about itself: aria-invalid and the text of its aria-describedby elements. */
export async function fieldState(field: Locator): Promise<{ invalid: boolean; described: string }> {
  return field.evaluate((el: FieldLike) => {
    const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    const texts = ids.map((id) => el.ownerDocument.getElementById(id)?.textContent ?? '');
    return {
      invalid: el.getAttribute('aria-invalid') === 'true',
      described: texts.join(' ').replace(/\s+/g, ' ').trim(),
    };
  });
}

/**
 * Waits until `field` is aria-invalid with a described-by text matching `message`; fails
 * saying what the field showed instead.
 */
export async function expectFieldError(
  field: Locator,
  message: RegExp,
  what = 'the field',
): Promise<void> {
  let last = { invalid: false, described: '' };
  await waitFor(
    `${what} to show ${String(message)}`,
    async () => {
      last = await fieldState(field).catch(() => last);
      return last.invalid && message.test(last.described);
    },
    10_000,
  ).catch(() => {
    throw new Error(
      `${what}: aria-invalid=${last.invalid}, described as ${JSON.stringify(last.described)}; wanted ${String(message)}`,
    );
  });
}

/** A text's case-insensitive whole-word pattern (`Host` → /^Host\b/i), for labels with a "*". */
export const labelled = (title: string) =>
  new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i');
