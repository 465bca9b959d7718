import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllProcess, type ProcessFixture } from '../support/all-process.ts';
import type { ConnectedSystem } from '../support/api-driver.ts';
import {
  artifact,
  expectFieldError,
  fieldState,
  gotoRoute,
  labelled,
  launchChromium,
  openApp,
  pick,
  setField,
  type AppPage,
} from '../support/ui-journey-page.ts';

const STEP_MS = 120_000;

/** `text` as a literal inside a RegExp. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Every form of the web UI given bad input, in Debian's Chromium against `tandem all` on the
 * real stack: each mistake is named next to its field (the field's aria-describedby text, with
 * aria-invalid="true"), and no request is answered with a 5xx. Two real connections (PostgreSQL,
 * MariaDB) are made through the API beforehand for the edit form and the set-up flow.
 */
describe('the web UI’s forms refuse bad input next to the field', () => {
  let fx: ProcessFixture;
  let browser: Browser;
  let app: AppPage;
  let crm: ConnectedSystem;
  let billing: ConnectedSystem;
  /** `METHOD path` of every API request the page sent that changes something or checks a config. */
  const sent: string[] = [];

  beforeAll(async () => {
    fx = await startAllProcess('ui_bad_input');
    crm = await fx.system('postgres', 'Bad CRM');
    billing = await fx.system('mysql', 'Bad Billing');
    browser = await launchChromium();
    app = await openApp(browser, fx.url, fx.token);
    app.page.on('request', (req: Request) => {
      if (req.method() !== 'GET') sent.push(`${req.method()} ${new URL(req.url()).pathname}`);
    });
  }, 180_000);

  afterAll(async () => {
    if (app) await artifact(app.page, 'bad-input-last');
    await browser?.close();
    await fx?.close();
  }, 120_000);

  const field = (p: Page, title: string) => p.getByLabel(labelled(title)).first();
  const button = (p: Page, name: string | RegExp) => p.getByRole('button', { name }).first();

  /** Opens the empty "Add connection" form with PostgreSQL chosen. */
  async function newPostgresForm(p: Page) {
    await gotoRoute(p, '#/connections', 'Connections');
    await gotoRoute(p, '#/connections/new', 'Add connection');
    await pick(p.getByLabel('Connector type'), 'PostgreSQL');
    await field(p, 'Host').waitFor();
  }

  it(
    'the connection form names each empty required field and sends nothing',
    async () => {
      const p = app.page;
      await newPostgresForm(p);
      sent.length = 0;
      await button(p, 'Save connection').click();
      for (const title of ['Name', 'Host', 'Database', 'User']) {
        const input = field(p, title);
        expect(await input.getAttribute('aria-required'), `${title} is marked required`).toBe(
          'true',
        );
        await expectFieldError(input, new RegExp(`^Enter ${title}\\b.*\\.$`, 'i'), title);
      }
      // Test connection validates the same way before any request.
      await button(p, 'Test connection').click();
      await expectFieldError(field(p, 'Host'), /^Enter Host\b/i, 'Host after Test connection');
      expect(sent, 'requests sent for a form with empty required fields').toEqual([]);

      // An object added without its table: the table is named.
      await button(p, 'Add object').click();
      await pick(p.getByLabel(labelled('Object')).last(), 'contacts', /^contacts$/i);
      await button(p, 'Save connection').click();
      await expectFieldError(p.getByLabel(labelled('Table')).last(), /^Enter Table\b/i, 'Table');
      expect(sent, 'requests sent for an object without a table').toEqual([]);

      // Filling a field clears its message once the form is submitted again.
      await field(p, 'Host').fill('127.0.0.1');
      await button(p, 'Save connection').click();
      await expectFieldError(field(p, 'Database'), /^Enter Database\b/i, 'Database');
      expect((await fieldState(field(p, 'Host'))).invalid, 'Host once filled').toBe(false);
    },
    STEP_MS,
  );

  it(
    'the connection form refuses ports 0 and 70000 and a port that is not a number',
    async () => {
      const p = app.page;
      await newPostgresForm(p);
      const port = field(p, 'Port');
      const whole = /Port must be a whole number from 1 to 65535\./i;
      for (const bad of ['0', '70000']) {
        sent.length = 0;
        await port.fill(bad);
        await button(p, 'Save connection').click();
        await expectFieldError(port, whole, `Port ${bad}`);
        expect(sent, `requests sent with port ${bad}`).toEqual([]);
      }
      // A number field does not take "abc" at all; what gets through of a non-number is "-".
      await port.fill('');
      await port.pressSequentially('abc');
      expect(await port.inputValue()).toBe('');
      await port.pressSequentially('-');
      sent.length = 0;
      await button(p, 'Save connection').click();
      await expectFieldError(port, whole, 'Port "-"');
      expect(sent, 'requests sent with port "-"').toEqual([]);
    },
    STEP_MS,
  );

  it(
    'a value only the server refuses is shown next to its field, from the error details',
    async () => {
      const p = app.page;
      await newPostgresForm(p);
      const config = crm.db.config as Record<string, string | number>;
      await field(p, 'Name').fill('Bad slot');
      await field(p, 'Host').fill(String(config.host));
      await field(p, 'Port').fill(String(config.port));
      await field(p, 'Database').fill(String(config.database));
      await field(p, 'User').fill(String(config.user));
      await field(p, 'Schema').fill(String(config.schema));
      await button(p, 'Add object').click();
      await pick(p.getByLabel(labelled('Object')).last(), 'contacts', /^contacts$/i);
      await setField(p.getByLabel(labelled('Table')).last(), 'contacts');
      const slot = field(p, 'Replication slot');
      await slot.fill('Not A Slot!');
      const help = (await fieldState(slot)).described;
      await button(p, 'Save connection').click();
      // The field's own help stays; the message is what is added to it.
      await expectFieldError(slot, new RegExp(`\\S.*${escape(help)}|${escape(help)}.*\\S`), 'Slot');
      await gotoRoute(p, '#/connections', 'Connections');
      expect(await p.getByRole('row', { name: /Bad slot/ }).count(), 'saved anyway').toBe(0);
    },
    STEP_MS,
  );

  it(
    'the edit form refuses an emptied required field and a bad port',
    async () => {
      const p = app.page;
      await gotoRoute(p, `#/connections/${crm.id}/edit`, 'Edit connection');
      const host = field(p, 'Host');
      await waitForValue(host);
      await host.fill('');
      const port = field(p, 'Port');
      await port.fill('70000');
      sent.length = 0;
      await button(p, 'Save connection').click();
      await expectFieldError(host, /^Enter Host\b/i, 'Host');
      await expectFieldError(port, /Port must be a whole number from 1 to 65535\./i, 'Port');
      expect(sent, 'requests sent from the edit form').toEqual([]);
    },
    STEP_MS,
  );

  /** Waits until a field loaded from the API has a value. */
  async function waitForValue(input: ReturnType<Page['getByLabel']>) {
    await expect.poll(() => input.inputValue().catch(() => ''), { timeout: 15_000 }).not.toBe('');
  }

  it(
    'the set-up flow: no connections or object chosen, A = B, a field mapped twice, a condition without a value',
    async () => {
      const p = app.page;
      await gotoRoute(p, '#/syncs/new', 'Set up a sync');
      const next = () => button(p, 'Next').click();
      const choose = /\b(Choose|Select|Pick)\b/i;
      const a = p.getByLabel('Connection A');
      const b = p.getByLabel('Connection B');
      await a.waitFor();
      await next();
      await expectFieldError(a, choose, 'Connection A left empty');
      await expectFieldError(b, choose, 'Connection B left empty');
      await expectFieldError(p.getByLabel('Object', { exact: true }), choose, 'Object left empty');

      await pick(a, 'Bad CRM');
      await pick(b, 'Bad CRM');
      await next();
      await expectFieldError(b, /other than|differ|same/i, 'Connection B the same as A');

      await pick(b, 'Bad Billing');
      await pick(p.getByLabel('Object', { exact: true }), 'contacts', /^contacts$/i);
      await next();
      await p.getByRole('radio', { name: 'Two-way' }).check();
      await p.getByRole('radio', { name: 'Bad CRM', exact: true }).check();
      await next();

      await mappingAndRuleMistakes(p, 'enter');
      expect(sent.filter((s) => s === 'POST /v1/syncs')).toEqual([]);
    },
    STEP_MS,
  );

  /**
   * The mappings step: pairing a field that is already mapped is refused next to the field; the
   * rules step: a condition whose operator needs a value, left without one, is refused next to
   * Value (sent by `how`: Enter in the field, or the Next button), and the flow stays there.
   */
  async function mappingAndRuleMistakes(p: Page, how: 'enter' | 'button') {
    await p.getByRole('checkbox', { name: 'Sync firstname ↔ firstname' }).waitFor();
    await button(p, 'Add mapping').click();
    const fieldA = p.getByLabel('Field in Bad CRM');
    const fieldB = p.getByLabel('Field in Bad Billing');
    await pick(fieldA, 'firstname');
    await pick(fieldB, 'city');
    await p.getByRole('button', { name: 'Add', exact: true }).click();
    const stateA = await waitForError([fieldA, fieldB], /firstname is already mapped/);
    expect(stateA.invalid).toBe(true);
    expect(await p.getByRole('checkbox', { name: 'Sync firstname ↔ city' }).count()).toBe(0);
    await button(p, 'Next').click();

    await p.getByRole('checkbox', { name: 'Only sync contacts with an email address' }).waitFor();
    await button(p, 'Add condition').click();
    await pick(p.getByLabel('Side', { exact: true }).last(), 'a', 'Bad CRM', /Bad CRM/);
    await pick(p.getByLabel('Field', { exact: true }).last(), 'lastname');
    await pick(p.getByLabel('Operator', { exact: true }).last(), 'eq', /^(is|equals)$/i);
    const value = p.getByLabel('Value', { exact: true }).last();
    await value.fill('');
    sent.length = 0;
    if (how === 'enter') await value.press('Enter');
    else await button(p, 'Next').click();
    await expectFieldError(value, /^Enter a value\.$/, 'Value');
    const current = await p
      .getByRole('navigation', { name: 'Steps' })
      .locator('[aria-current="step"]')
      .first()
      .textContent();
    expect(current, 'still on the rules step').toMatch(/Rules/);
    expect(sent, 'requests sent for a condition without a value').toEqual([]);
  }

  it(
    'the edit flow of a draft sync refuses the same mistakes',
    async () => {
      const p = app.page;
      const id = await fx.createSync({
        object: 'contacts',
        a: { connection: crm.id },
        b: { connection: billing.id },
        direction: 'two-way',
        conflictWinner: 'a',
      });
      await gotoRoute(p, `#/syncs/${id}/edit`, 'Edit sync');
      await p.getByLabel('Connection A').waitFor();
      await button(p, 'Next').click();
      await p.getByRole('radio', { name: 'Two-way' }).waitFor();
      await button(p, 'Next').click();
      await mappingAndRuleMistakes(p, 'button');
      expect(sent.filter((s) => s.startsWith('PATCH'))).toEqual([]);
    },
    STEP_MS,
  );

  /** Waits until one of `fields` shows a message matching `message`; that field's state. */
  async function waitForError(
    fields: ReadonlyArray<ReturnType<Page['getByLabel']>>,
    message: RegExp,
  ) {
    const deadline = Date.now() + 10_000;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      const states = await Promise.all(fields.map((f) => fieldState(f)));
      const hit = states.find((s) => message.test(s.described));
      if (hit) return hit;
      seen = states.map((s) => `${s.invalid}: ${s.described}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no field shows ${String(message)}; they show ${JSON.stringify(seen)}`);
  }

  it('answered no request with a 5xx and ran without script errors', () => {
    expect(billing.id).toBeTruthy();
    expect(app.serverErrors).toEqual([]);
    expect(app.scriptErrors).toEqual([]);
  });
});
