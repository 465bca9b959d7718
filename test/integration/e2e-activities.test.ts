import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectDescriptors } from '../../services/objects/index.ts';
import {
  startAllFixture,
  syncBody,
  type AllFixture,
  type ConnectedSystem,
} from '../support/all-fixture.ts';
import { rowWith } from '../support/object-rows.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Activities (notes, tasks, calls, meetings: one object type each, like HubSpot's engagement
 * objects) end to end through the API on the real stack: PostgreSQL ↔ the HubSpot simulator, and
 * PostgreSQL ↔ MariaDB. Each activity carries its contact: a foreign-key column in a database, a
 * v4 association in HubSpot.
 */
let fx: AllFixture;
let pg: ConnectedSystem;
let hub: ConnectedSystem;
let pg2: ConnectedSystem;
let maria: ConnectedSystem;
const hubspotObjects = objectDescriptors()
  .filter((d) => d.hubspot !== null)
  .map((d) => d.name);

beforeAll(async () => {
  fx = await startAllFixture('e2e_activities');
  pg = await fx.system('postgres', 'act_pg', { objects: objectDescriptors() });
  hub = await fx.system('hubspot', 'act_hub', {
    objects: objectDescriptors(),
    config: { objects: hubspotObjects, pollIntervalMs: 1_000, indexLagMs: 1_000 },
  });
  pg2 = await fx.system('postgres', 'act_pg2', { objects: objectDescriptors() });
  maria = await fx.system('mysql', 'act_my', { objects: objectDescriptors() });
}, 60_000);
afterAll(() => fx?.close());

async function run(object: string, a: ConnectedSystem, b: ConnectedSystem) {
  await fx.startSync(await fx.createSync(syncBody(object, a, b, { deletes: 'ignore' })));
}

const one = async (s: ConnectedSystem, object: string, property: string, value: string) =>
  (await rowWith(s.db, object, property, value)) ?? null;

/** A stored date-time as epoch milliseconds (a zone-less database value is UTC). */
function instant(value: string | null | undefined): number {
  if (!value) return NaN;
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  return Date.parse(/[zZ]|[+-]\d\d(:?\d\d)?$/.test(iso) ? iso : `${iso}Z`);
}

const NOTE_AT = '2026-01-05T10:00:00.000Z';
const TASK_DUE = '2026-02-01T09:30:00.000Z';

describe('activities through the API', () => {
  it('PostgreSQL ↔ HubSpot: a note with its contact to HubSpot, a task with its contact back', async () => {
    const [pat = ''] = await pg.db.insert('contacts', [
      { email: 'note-pat@example.com', firstname: 'Pat' },
    ]);
    await pg.db.insert('notes', [
      { body: 'Discussed pricing', timestamp: NOTE_AT, 'assoc:contacts': pat },
    ]);
    const [hu = ''] = await hub.db.insert('contacts', [
      { email: 'task-hu@example.com', firstname: 'Hu' },
    ]);
    await hub.db.insert('tasks', [
      {
        subject: 'Send proposal',
        body: 'By Friday',
        status: 'NOT_STARTED',
        priority: 'HIGH',
        timestamp: TASK_DUE,
        'assoc:contacts': hu,
      },
    ]);
    await run('contacts', pg, hub);
    await waitFor(
      'the contacts copied both ways',
      async () =>
        (await one(hub, 'contacts', 'email', 'note-pat@example.com')) !== null &&
        (await one(pg, 'contacts', 'email', 'task-hu@example.com')) !== null,
      90_000,
      500,
    );
    await run('notes', pg, hub);
    await run('tasks', pg, hub);
    const patHub = (await one(hub, 'contacts', 'email', 'note-pat@example.com'))?.id ?? '';
    const huPg = (await one(pg, 'contacts', 'email', 'task-hu@example.com'))?.id ?? '';
    await waitFor(
      'the note in HubSpot with its contact, the task in PostgreSQL with its contact',
      async () => {
        const note = await one(hub, 'notes', 'body', 'Discussed pricing');
        return (
          note !== null &&
          (await hub.db.associationsOf('notes', note.id, 'contacts')).includes(patHub) &&
          (await one(pg, 'tasks', 'subject', 'Send proposal'))?.contact_id === huPg
        );
      },
      90_000,
      500,
    );

    // The note as HubSpot's API serves it: HubSpot's own property names and association.
    const noteId = (await one(hub, 'notes', 'body', 'Discussed pricing'))?.id ?? '';
    const { baseUrl, token } = hub.db.config as { baseUrl: string; token: string };
    const headers = { authorization: `Bearer ${token}` };
    const res = await fetch(
      `${baseUrl}/crm/v3/objects/notes/${noteId}?properties=hs_note_body,hs_timestamp`,
      { headers },
    );
    expect(res.status).toBe(200);
    const note = (await res.json()) as { properties: Record<string, string | null> };
    expect(note.properties.hs_note_body).toBe('Discussed pricing');
    expect(instant(note.properties.hs_timestamp)).toBe(Date.parse(NOTE_AT));
    const linked = await fetch(`${baseUrl}/crm/v4/objects/notes/${noteId}/associations/contacts`, {
      headers,
    });
    expect(linked.status).toBe(200);
    const edges = (await linked.json()) as { results: Array<{ toObjectId: string | number }> };
    expect(edges.results.map((r) => String(r.toObjectId))).toEqual([patHub]);

    const task = await one(pg, 'tasks', 'subject', 'Send proposal');
    expect(task).toMatchObject({ body: 'By Friday', status: 'NOT_STARTED', priority: 'HIGH' });
    expect(instant(task?.timestamp)).toBe(Date.parse(TASK_DUE));
  }, 150_000);

  it('PostgreSQL ↔ MariaDB: a call and a meeting copied both ways with their contact', async () => {
    const [ann = ''] = await pg2.db.insert('contacts', [
      { email: 'call-ann@example.com', firstname: 'Ann' },
    ]);
    await pg2.db.insert('calls', [
      {
        title: 'Intro call',
        body: 'Went well',
        duration: '60000',
        timestamp: '2026-03-01T08:00:00.000Z',
        'assoc:contacts': ann,
      },
    ]);
    const [bob = ''] = await maria.db.insert('contacts', [
      { email: 'meet-bob@example.com', firstname: 'Bob' },
    ]);
    await maria.db.insert('meetings', [
      {
        title: 'Kickoff',
        body: 'Agenda',
        start: '2026-03-02 14:00:00',
        end: '2026-03-02 15:00:00',
        timestamp: '2026-03-02 14:00:00',
        'assoc:contacts': bob,
      },
    ]);
    await run('contacts', pg2, maria);
    await waitFor(
      'the contacts copied both ways',
      async () =>
        (await one(maria, 'contacts', 'email', 'call-ann@example.com')) !== null &&
        (await one(pg2, 'contacts', 'email', 'meet-bob@example.com')) !== null,
      90_000,
      500,
    );
    await run('calls', pg2, maria);
    await run('meetings', pg2, maria);
    const annMaria = (await one(maria, 'contacts', 'email', 'call-ann@example.com'))?.id ?? '';
    const bobPg = (await one(pg2, 'contacts', 'email', 'meet-bob@example.com'))?.id ?? '';
    await waitFor(
      'the call in MariaDB and the meeting in PostgreSQL, each with its contact',
      async () =>
        (await one(maria, 'calls', 'title', 'Intro call'))?.contact_id === annMaria &&
        (await one(pg2, 'meetings', 'title', 'Kickoff'))?.contact_id === bobPg,
      90_000,
      500,
    );
    const call = await one(maria, 'calls', 'title', 'Intro call');
    expect(call?.body).toBe('Went well');
    expect(Number(call?.duration)).toBe(60000);
    expect(instant(call?.timestamp)).toBe(Date.parse('2026-03-01T08:00:00.000Z'));
    const meeting = await one(pg2, 'meetings', 'title', 'Kickoff');
    expect(meeting?.body).toBe('Agenda');
    expect(instant(meeting?.start)).toBe(Date.parse('2026-03-02T14:00:00Z'));
    expect(instant(meeting?.end)).toBe(Date.parse('2026-03-02T15:00:00Z'));
  }, 150_000);
});
