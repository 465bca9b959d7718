import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinObjects, readDescriptorFiles } from '../../services/objects/index.ts';
import { syncBody } from '../support/all-fixture.ts';
import { startAllProcess, type ProcessFixture } from '../support/all-process.ts';
import type { ConnectedSystem } from '../support/api-driver.ts';
import { rowWith, rowsWith } from '../support/object-rows.ts';
import { waitFor } from '../support/wait.ts';

/**
 * "Adding an object type is one descriptor file": a test-only object type, `subscriptions`
 * (test/fixtures/objects/subscriptions.json: matched by plan code normalised as text, associated
 * with contacts), is synced between PostgreSQL and MariaDB by `tandem all` started with
 * `TANDEM_OBJECTS_DIR` naming that folder — and no production file names it.
 */
const objectsDir = fileURLToPath(new URL('../fixtures/objects', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));
const descriptors = [...builtinObjects, ...readDescriptorFiles(objectsDir)];

let fx: ProcessFixture;
let a: ConnectedSystem;
let b: ConnectedSystem;

beforeAll(async () => {
  fx = await startAllProcess('e2e_objdesc', { TANDEM_OBJECTS_DIR: objectsDir });
  a = await fx.system('postgres', 'sub_a', { objects: descriptors });
  b = await fx.system('mysql', 'sub_b', { objects: descriptors });
}, 120_000);
afterAll(() => fx?.close());

const one = async (s: ConnectedSystem, object: string, property: string, value: string) =>
  (await rowWith(s.db, object, property, value)) ?? null;

describe('a new object type is one descriptor file', () => {
  it('no production file names the test-only object type', () => {
    expect(descriptors.map((d) => d.name)).toContain('subscriptions');
    const grep = spawnSync(
      'git',
      ['grep', '-il', 'subscriptions', '--', 'services', 'connectors', 'bin', 'schemas'],
      { cwd: repo, encoding: 'utf8' },
    );
    // git grep exits 1 when nothing matches (128 on an error, which must not pass silently).
    expect(grep.status).toBe(1);
    expect(grep.stdout.trim()).toBe('');
  });

  it('the roles offer it through the API', async () => {
    const res = await fx.call<{ name?: string }>('GET', '/v1/objects/subscriptions');
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('subscriptions');
  });

  it('syncs subscriptions both ways, matched by plan and carrying their contact', async () => {
    const [patA = ''] = await a.db.insert('contacts', [
      { email: 'sub-pat@example.com', firstname: 'Pat' },
    ]);
    const [kimB = ''] = await b.db.insert('contacts', [
      { email: 'sub-kim@example.com', firstname: 'Kim' },
    ]);
    await a.db.insert('subscriptions', [
      { plan: 'Pro  Annual', seats: '5', renews: '2027-01-31', 'assoc:contacts': patA },
    ]);
    const [proB] = await b.db.insert('subscriptions', [
      { plan: '  pro annual ', seats: '3', renews: null },
      { plan: 'Basic', seats: '1', renews: '2027-06-30', 'assoc:contacts': kimB },
    ]);

    const contacts = await fx.createSync(syncBody('contacts', a, b));
    await fx.startSync(contacts);
    await waitFor(
      'the contacts copied both ways',
      async () =>
        (await one(b, 'contacts', 'email', 'sub-pat@example.com')) !== null &&
        (await one(a, 'contacts', 'email', 'sub-kim@example.com')) !== null,
      60_000,
      500,
    );
    const subscriptions = await fx.createSync(syncBody('subscriptions', a, b));
    await fx.startSync(subscriptions);

    const patB = (await one(b, 'contacts', 'email', 'sub-pat@example.com'))?.id;
    const kimA = (await one(a, 'contacts', 'email', 'sub-kim@example.com'))?.id;
    await waitFor(
      'the subscriptions matched and copied, with their contacts',
      async () =>
        (await one(b, 'subscriptions', 'plan', 'pro annual'))?.contact_id === patB &&
        (await one(a, 'subscriptions', 'plan', 'basic'))?.contact_id === kimA,
      60_000,
      500,
    );
    for (const side of [a, b]) {
      expect((await side.db.rows('subscriptions')).size).toBe(2);
      expect(await rowsWith(side.db, 'subscriptions', 'plan', 'PRO ANNUAL')).toHaveLength(1);
    }
    // b's own row took the winner's (a's) values: no second "pro annual" was created.
    expect(await one(b, 'subscriptions', 'plan', 'pro annual')).toMatchObject({
      id: proB,
      seats: '5',
      renews: '2027-01-31',
    });
    expect(await one(a, 'subscriptions', 'plan', 'basic')).toMatchObject({
      seats: '1',
      renews: '2027-06-30',
    });

    // Live: an edit on b and a new subscription on a cross.
    await b.db.update('subscriptions', proB ?? '', { seats: '8' });
    await a.db.insert('subscriptions', [{ plan: 'Team', seats: '2', 'assoc:contacts': patA }]);
    await waitFor(
      'the live edit on a and the new subscription on b',
      async () =>
        (await one(a, 'subscriptions', 'plan', 'pro annual'))?.seats === '8' &&
        (await one(b, 'subscriptions', 'plan', 'team'))?.contact_id === patB,
      60_000,
      500,
    );
  }, 150_000);
});
