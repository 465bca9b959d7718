import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllProcess, type ProcessFixture } from '../support/all-process.ts';
import {
  createJourneyDbs,
  journeyMail as mail,
  type JourneyDbs,
  type JourneyLogin,
  type JourneyRow,
} from '../support/ui-journey-dbs.ts';
import {
  artifact,
  gotoRoute,
  labelled,
  launchChromium,
  openApp,
  pick,
  screenshot,
  setField,
  type AppPage,
} from '../support/ui-journey-page.ts';
import { waitFor } from '../support/wait.ts';

const STEP_MS = 180_000;
const CRM = 'Journey CRM';
const BILLING = 'Journey Billing';

/**
 * The set-up journey of the web UI, driven through the UI only in Debian's Chromium against
 * `tandem all` on the real stack: a fresh PostgreSQL schema (side a: contacts with columns of its
 * own naming) and a fresh MariaDB database (side b), both seeded, some people on both. The
 * databases are checked with SQL after each step; screenshots go to test-artifacts/ and the key
 * ones to docs/screenshots/ (refreshed with TANDEM_UPDATE_SCREENSHOTS=1).
 */
describe('setting up a sync from the web UI, end to end', () => {
  let fx: ProcessFixture;
  let dbs: JourneyDbs;
  let browser: Browser;
  let app: AppPage;
  let syncId = '';

  beforeAll(async () => {
    dbs = await createJourneyDbs('ui_journey');
    fx = await startAllProcess('ui_journey');
    browser = await launchChromium();
    app = await openApp(browser, fx.url, fx.token);
  }, 180_000);

  afterAll(async () => {
    if (app) await artifact(app.page, 'journey-last');
    await browser?.close();
    // The connections' ids name their PostgreSQL slots and publications, dropped with the data.
    const ids = fx
      ? ((
          await fx
            .call<{ connections: Array<{ id: string }> }>('GET', '/v1/connections')
            .catch(() => undefined)
        )?.body.connections.map((c) => c.id) ?? [])
      : [];
    await fx?.close();
    await dbs?.close(ids);
  }, 120_000);

  let broken = '';
  /**
   * A step of the journey: each builds on the one before, so after a failed step the rest fail at
   * once, naming it, instead of each waiting out its timeouts.
   */
  const step = (name: string, run: () => Promise<void>) =>
    it(
      name,
      async () => {
        if (broken) throw new Error(`skipped: an earlier step failed (${broken})`);
        try {
          await run();
        } catch (err) {
          broken = name;
          throw err;
        }
      },
      STEP_MS,
    );

  /** A form field by its visible label (the title, maybe followed by "*"). */
  const field = (p: Page, title: string) => p.getByLabel(labelled(title)).first();
  const button = (p: Page, name: string | RegExp) => p.getByRole('button', { name }).first();
  /** A link or a button: the contract allows either for navigation actions. */
  const action = (p: Page, name: string) =>
    p.getByRole('link', { name }).or(p.getByRole('button', { name })).first();

  /**
   * The `objects` part of the form: one object, its table (listed from the database first when
   * `load`), and the columns given; the Table field's tag name.
   */
  async function objectSection(p: Page, load: boolean, columns: Readonly<Record<string, string>>) {
    await button(p, 'Add object').click();
    await pick(p.getByLabel(labelled('Object')).last(), 'contacts', /^contacts$/i);
    if (load) await button(p, 'Load tables').click();
    const table = p.getByLabel(labelled('Table')).last();
    const tagOf = () =>
      table
        .evaluate((el: { tagName: string }) => el.tagName, undefined, { timeout: 2000 })
        .catch(() => 'none');
    if (load) {
      // "Load tables" turns the Table field into a select of the database's tables.
      await waitFor('the tables to load', async () => (await tagOf()) === 'SELECT', 15_000).catch(
        () => undefined,
      );
    }
    const tag = await tagOf();
    await setField(table, 'contacts');
    for (const [property, column] of Object.entries(columns)) {
      await setField(
        p.getByLabel(new RegExp(`^\\s*Column for ${property}\\b`, 'i')).last(),
        column,
      );
    }
    return tag;
  }

  /** Fills the connection part of the form (Name and the login) for `type`. */
  async function connectionFields(
    p: Page,
    type: string | RegExp,
    name: string,
    login: JourneyLogin,
  ) {
    await pick(p.getByLabel('Connector type'), type);
    await field(p, 'Name').fill(name);
    await field(p, 'Host').fill(login.host);
    await field(p, 'Port').fill(String(login.port));
    await field(p, 'Database').fill(login.database);
    await field(p, 'User').fill(login.user);
    if (login.schema) await field(p, 'Schema').fill(login.schema);
  }

  /** Waits for the connections list to show `name` with status ok and its type. */
  async function listed(p: Page, name: string, typeTitle: string) {
    await p.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();
    const row = p.getByRole('row', { name: new RegExp(name) });
    await row.waitFor();
    await waitFor(
      `${name} to be listed as ok`,
      async () => {
        const cells = (await row.locator('th, td').allTextContents()).map((c) => c.trim());
        return cells.includes(typeTitle) && cells.includes('ok');
      },
      20_000,
    ).catch(async () => {
      throw new Error(`the row of ${name} reads ${JSON.stringify(await row.textContent())}`);
    });
  }

  /** Waits until the sync page's state reads one of `states`; fails naming what it read. */
  async function stateIs(p: Page, states: readonly string[], timeoutMs = 90_000) {
    let shown = '';
    await waitFor(
      `the sync state to be ${states.join(' or ')}`,
      async () => {
        shown = (
          (await p
            .locator('.sync-state')
            .first()
            .textContent()
            .catch(() => '')) ?? ''
        ).trim();
        return states.includes(shown);
      },
      timeoutMs,
      250,
    ).catch(() => {
      throw new Error(`the sync state reads ${JSON.stringify(shown)}, not ${states.join(' or ')}`);
    });
  }

  /** Polls a database side until `check` holds for its contacts; fails with what was there. */
  async function rowsUntil(
    what: string,
    read: () => Promise<Map<string, JourneyRow>>,
    check: (rows: Map<string, JourneyRow>) => boolean,
    timeoutMs = 60_000,
  ) {
    let rows = new Map<string, JourneyRow>();
    await waitFor(
      what,
      async () => {
        rows = await read();
        return check(rows);
      },
      timeoutMs,
      500,
    ).catch(() => {
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify([...rows.values()])}`);
    });
    return rows;
  }

  /** The record list's entry for `email` (a button or a link), once the list shows it. */
  const recordEntry = (p: Page, email: string): Locator =>
    p
      .getByRole('button', { name: new RegExp(email.replace(/\./g, '\\.')) })
      .or(p.getByRole('link', { name: new RegExp(email.replace(/\./g, '\\.')) }))
      .first();

  /** Waits until the record list's row of `email` reads `want` (status, category…). */
  async function recordShows(p: Page, email: string, want: RegExp, timeoutMs: number) {
    const row = p
      .locator('tr, li')
      .filter({ has: recordEntry(p, email) })
      .first();
    let text = '';
    await waitFor(
      `the record list to show ${email} as ${String(want)}`,
      async () => {
        text = (await row.textContent({ timeout: 1000 }).catch(() => '')) ?? '';
        return want.test(text);
      },
      timeoutMs,
      500,
    ).catch(() => {
      throw new Error(`the record list's row of ${email} reads ${JSON.stringify(text)}`);
    });
  }

  step(
    'adds the PostgreSQL connection: its table loaded from the database, columns mapped, tested, saved',
    async () => {
      const p = app.page;
      await gotoRoute(p, '#/connections', 'Connections');
      await action(p, 'Add connection').click();
      await p.getByRole('heading', { level: 1, name: 'Add connection' }).waitFor();
      await pick(p.getByLabel('Connector type'), 'PostgreSQL');
      // Defaults are pre-filled; the port is a number field.
      expect(await field(p, 'Port').inputValue()).toBe('5432');
      expect(await field(p, 'Port').getAttribute('type')).toBe('number');
      await connectionFields(p, 'PostgreSQL', CRM, dbs.pg.login);
      const tag = await objectSection(p, true, {
        email: 'email_address',
        firstname: 'first_name',
        lastname: 'last_name',
      });
      expect(tag, 'the Table field after "Load tables"').toBe('SELECT');
      await screenshot(p, 1, 'postgres-form', 'connection-form');

      await button(p, 'Test connection').click();
      await p.getByRole('status').filter({ hasText: 'Connection works' }).first().waitFor();
      await screenshot(p, 2, 'postgres-tested');
      await button(p, 'Save connection').click();
      await listed(p, CRM, 'PostgreSQL');
      await screenshot(p, 3, 'connections-list');
      // Nothing is written to a database by adding a connection.
      expect((await dbs.pg.contacts()).size).toBe(6);
    },
  );

  step(
    'adds the MariaDB connection: a wrong password fails the test with its hint; fixed, it saves',
    async () => {
      const p = app.page;
      await action(p, 'Add connection').click();
      await p.getByRole('heading', { level: 1, name: 'Add connection' }).waitFor();
      await pick(p.getByLabel('Connector type'), 'MariaDB / MySQL', /MariaDB/);
      expect(await field(p, 'Port').inputValue()).toBe('3306');
      await connectionFields(p, /MariaDB/, BILLING, dbs.my.login);
      const password = field(p, 'Password');
      expect(await password.getAttribute('type')).toBe('password');
      await password.fill('not-the-password');
      await objectSection(p, false, {});

      await button(p, 'Test connection').click();
      const failure = p
        .getByRole('alert')
        .filter({ hasText: /credentials/i })
        .first();
      await failure.waitFor();
      const said = (await failure.textContent()) ?? '';
      expect(said, 'the failure names its category').toMatch(/auth(?![a-z])/);
      expect(said, 'the failure says what to do').toMatch(
        /(check|correct|update)[^.]*(password|credentials)/i,
      );
      expect(said).not.toContain('not-the-password');
      await screenshot(p, 4, 'mariadb-wrong-password');

      await password.fill(dbs.my.login.password ?? '');
      await button(p, 'Test connection').click();
      await p.getByRole('status').filter({ hasText: 'Connection works' }).first().waitFor();
      await button(p, 'Save connection').click();
      await listed(p, BILLING, 'MariaDB / MySQL');
      await screenshot(p, 5, 'connections-both');
      expect(await p.content()).not.toContain(dbs.my.login.password);
      expect((await dbs.my.contacts()).size).toBe(5);
    },
  );

  step(
    'sets up a two-way contacts sync with one mapping off, a custom mapping and an initial filter',
    async () => {
      const p = app.page;
      await gotoRoute(p, '#/syncs', 'Syncs');
      await action(p, 'Set up a sync').click();
      await p.getByRole('heading', { level: 1, name: 'Set up a sync' }).waitFor();
      const steps = p.getByRole('navigation', { name: 'Steps' });
      const current = async () =>
        ((await steps.locator('[aria-current="step"]').first().textContent()) ?? '').trim();
      const onStep = async (name: string) =>
        waitFor(`step "${name}"`, async () => (await current()).includes(name), 10_000).catch(
          async () => {
            throw new Error(
              `the current step reads ${JSON.stringify(await current())}, not ${name}`,
            );
          },
        );
      const next = () => button(p, 'Next').click();

      await onStep('Connections and object');
      await pick(p.getByLabel('Connection A'), CRM);
      await pick(p.getByLabel('Connection B'), BILLING);
      await pick(p.getByLabel('Object', { exact: true }), 'contacts', /^contacts$/i);
      await screenshot(p, 6, 'setup-connections');
      await next();

      await onStep('Direction');
      await p.getByRole('radio', { name: 'Two-way' }).check();
      await p.getByRole('radio', { name: CRM, exact: true }).check();
      await p.getByText('When the winner has no value, nothing is changed.').waitFor();
      await screenshot(p, 7, 'setup-direction');
      await next();

      await onStep('Field mappings');
      const email = p.getByRole('checkbox', { name: 'Sync email ↔ email' });
      expect(await email.isChecked()).toBe(true);
      expect(await email.isDisabled()).toBe(true);
      await p.getByRole('checkbox', { name: 'Sync firstname ↔ firstname' }).waitFor();
      await p.getByRole('checkbox', { name: 'Sync city ↔ city' }).uncheck();
      await button(p, 'Add mapping').click();
      await pick(p.getByLabel(`Field in ${CRM}`), 'nickname');
      await pick(p.getByLabel(`Field in ${BILLING}`), 'alias');
      await p.getByRole('button', { name: 'Add', exact: true }).click();
      const custom = p.getByRole('checkbox', { name: 'Sync nickname ↔ alias' });
      expect(await custom.isChecked()).toBe(true);
      await screenshot(p, 8, 'setup-mappings', 'mappings-step');
      await next();

      await onStep('Rules');
      expect(
        await p
          .getByRole('checkbox', { name: 'Only sync contacts with an email address' })
          .isChecked(),
      ).toBe(true);
      await button(p, 'Add condition').click();
      await pick(p.getByLabel('Side', { exact: true }), 'a', CRM, new RegExp(CRM));
      await pick(p.getByLabel('Field', { exact: true }), 'lastname');
      await pick(
        p.getByLabel('Operator', { exact: true }),
        'neq',
        /^(is not|does not equal|not equal|≠)/i,
      );
      await p.getByLabel('Value', { exact: true }).fill('Hidden');
      await screenshot(p, 9, 'setup-rules');
      await next();

      await onStep('Review');
      const review = (await p.locator('main, #view').first().textContent()) ?? '';
      for (const shown of [CRM, BILLING, 'nickname', 'alias', 'Hidden']) {
        expect(review, `the review lists ${shown}`).toContain(shown);
      }
      await screenshot(p, 10, 'setup-review', 'review');
      await button(p, 'Save and sync').click();
      // The new sync's page (#/syncs/new itself is not one).
      const syncPage = /#\/syncs\/(?!new$)([^/]+)$/;
      await p.waitForURL(syncPage);
      syncId = decodeURIComponent(syncPage.exec(p.url())?.[1] ?? '');
      expect(syncId).not.toBe('');
    },
  );

  step(
    'shows the initial sync reach running; the people match, the switched-off field and the filtered person stay put',
    async () => {
      const p = app.page;
      await stateIs(p, ['initial-sync', 'running']);
      // While the initial sync runs its progress bar shows (it may end before the page polls).
      const progress = p.getByRole('progressbar', { name: 'Initial sync progress' });
      let sawProgress = false;
      await waitFor(
        'the progress bar or the running state',
        async () => {
          sawProgress = await progress.isVisible();
          const state = (await p.locator('.sync-state').first().textContent())?.trim();
          return sawProgress || state === 'running';
        },
        90_000,
        100,
      );
      if (sawProgress) await screenshot(p, 11, 'sync-progress');
      await stateIs(p, ['running']);

      // Everyone but the filtered person 6 on MariaDB; MariaDB's own 7 and 8 on PostgreSQL.
      const onB = [1, 2, 3, 4, 5, 7, 8].map(mail);
      const b = await rowsUntil(
        'the initial sync into MariaDB',
        () => dbs.my.contacts(),
        (rows) => onB.every((m) => rows.has(m)),
      );
      const a = await rowsUntil(
        'the initial sync into PostgreSQL',
        () => dbs.pg.contacts(),
        (rows) => [7, 8].every((n) => rows.has(mail(n))),
      );
      // The filtered person is listed as excluded once the initial sync has passed it by.
      await recordShows(p, mail(6), /excluded/, 60_000);
      expect([...(await dbs.my.contacts()).keys()].sort()).toEqual([...onB].sort());
      expect(a.size).toBe(8);

      // Matched people: one row each side; conflicts won by PostgreSQL.
      expect(b.get(mail(1))).toMatchObject({ firstname: 'Ann', lastname: 'Archer' });
      expect(b.get(mail(2))).toMatchObject({ firstname: 'Bob' });
      expect(b.get(mail(4))).toMatchObject({ firstname: 'Dee', lastname: 'Dunn' });
      expect(a.get(mail(7))).toMatchObject({ first_name: 'Gus', last_name: 'Gray' });
      // City is switched off: never copied, either way, and left as it was where it existed.
      expect(b.get(mail(4))?.city).toBeNull();
      expect(b.get(mail(1))?.city).toBe('Berlin');
      expect(a.get(mail(7))?.city).toBeNull();
      expect(a.get(mail(1))?.city).toBe('Paris');
      // The custom mapping nickname ↔ alias copies both ways.
      expect(b.get(mail(1))?.alias).toBe('Ace');
      expect(b.get(mail(4))?.alias).toBe('Dee-Dee');
      expect(a.get(mail(7))?.nickname).toBe('Gus-B');
      // The filtered person stays on PostgreSQL only.
      expect(a.get(mail(6))).toMatchObject({ last_name: 'Hidden' });
      expect(b.has(mail(6))).toBe(false);
      await screenshot(p, 12, 'sync-running', 'sync-page');
    },
  );

  step(
    'carries an edit made in PostgreSQL to MariaDB and shows it in the record view',
    async () => {
      const p = app.page;
      await dbs.pg.update(mail(2), 'first_name', 'Roberto');
      await rowsUntil(
        'the edit on MariaDB',
        () => dbs.my.contacts(),
        (rows) => rows.get(mail(2))?.firstname === 'Roberto',
      );
      const entry = recordEntry(p, mail(2));
      await entry.waitFor({ timeout: 30_000 });
      await entry.click();
      const dialog = p.getByRole('dialog');
      await dialog.getByRole('heading', { name: mail(2) }).waitFor();
      await waitFor(
        'the record view to show the edited first name',
        async () => ((await dialog.textContent()) ?? '').includes('Roberto'),
        20_000,
      );
      await screenshot(p, 13, 'record-detail', 'record-detail');
      await p.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
    },
  );

  step(
    'turns the sync off and on again; an edit made while it was off arrives once it is on',
    async () => {
      const p = app.page;
      const turnOff = button(p, 'Turn off');
      const confirm = p.getByRole('dialog');
      // Escape cancels the confirmation: the sync stays on and the focus returns to the button.
      await turnOff.click();
      await confirm.getByRole('button', { name: 'Cancel' }).waitFor();
      await p.keyboard.press('Escape');
      await confirm.waitFor({ state: 'hidden' });
      expect(
        await turnOff.evaluate(
          (el: { ownerDocument: { activeElement: unknown } }) =>
            el.ownerDocument.activeElement === el,
        ),
      ).toBe(true);
      await stateIs(p, ['running'], 5_000);

      await turnOff.click();
      await confirm.getByRole('button', { name: 'Turn off sync' }).click();
      await stateIs(p, ['off'], 30_000);
      // The page's state is the API's.
      const off = await fx.call<{ state: string }>('GET', `/v1/syncs/${syncId}`);
      expect([off.status, off.body.state]).toEqual([200, 'off']);
      await screenshot(p, 14, 'sync-off');

      await dbs.pg.update(mail(3), 'first_name', 'Cyril');
      expect((await dbs.my.contacts()).get(mail(3))?.firstname).toBe('Cid');
      await button(p, 'Turn on').click();
      await stateIs(p, ['running']);
      await screenshot(p, 15, 'sync-on');
      const b = await rowsUntil(
        'the edit made while off on MariaDB',
        () => dbs.my.contacts(),
        (rows) => rows.get(mail(3))?.firstname === 'Cyril',
      );
      expect(b.size).toBe(7);
      expect(b.has(mail(6))).toBe(false);
    },
  );

  step(
    'reports a row deleted in MariaDB as failed (deleted) and resyncs it from the failed panel',
    async () => {
      const p = app.page;
      await dbs.my.remove(mail(4));
      // Kept on PostgreSQL (deletes are not copied by default).
      await rowsUntil(
        'the delete to stay on MariaDB',
        () => dbs.my.contacts(),
        (rows) => !rows.has(mail(4)),
      );
      expect((await dbs.pg.contacts()).get(mail(4))).toMatchObject({ first_name: 'Dee' });

      await recordShows(p, mail(4), /failed[\s\S]*deleted/, 60_000);
      await screenshot(p, 16, 'failed-deleted');

      await button(p, new RegExp(`^Resync into ${BILLING}`)).click();
      await p
        .getByText(/\b1\b[^.]*queued|queued[^.]*\b1\b/i)
        .first()
        .waitFor();
      const b = await rowsUntil(
        'the deleted row re-created on MariaDB',
        () => dbs.my.contacts(),
        (rows) => rows.has(mail(4)),
      );
      expect(b.get(mail(4))).toMatchObject({
        firstname: 'Dee',
        lastname: 'Dunn',
        alias: 'Dee-Dee',
        city: null,
      });
      expect(b.size).toBe(7);
      // The record list follows: the re-created record is in sync again.
      await recordShows(p, mail(4), /in-sync/, 30_000);
      await screenshot(p, 17, 'resynced');
    },
  );

  step(
    'fits a 390×844 screen: the connection form, the set-up flow and the sync page scroll only down',
    async () => {
      const p = app.page;
      await p.setViewportSize({ width: 390, height: 844 });
      const pages: Array<[string, string | RegExp, string]> = [
        ['#/connections/new', 'Add connection', 'narrow-connection-form'],
        ['#/syncs/new', 'Set up a sync', 'narrow-setup'],
        [`#/syncs/${syncId}`, /sync/, 'narrow-sync-page'],
      ];
      const wide: string[] = [];
      for (const [i, [hash, heading, name]] of pages.entries()) {
        await gotoRoute(p, hash, heading);
        if (hash === '#/connections/new') {
          await pick(p.getByLabel('Connector type'), 'PostgreSQL');
          await field(p, 'Host').waitFor();
        }
        await screenshot(p, 18 + i, name);
        const width = await p.evaluate<number>('document.documentElement.scrollWidth');
        if (width > 390) wide.push(`${hash} is ${width} px wide`);
      }
      await p.setViewportSize({ width: 1280, height: 800 });
      expect(wide).toEqual([]);
    },
  );

  it('answered no request with a 5xx and ran without script errors', () => {
    expect(app.serverErrors).toEqual([]);
    expect(app.scriptErrors).toEqual([]);
  });
});
