import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { EventCodec } from '../../services/engine/events/index.ts';
import type { IdentityMap } from '../../services/engine/identity/index.ts';
import type { TopicNames } from '../../services/engine/topics.ts';
import type {
  AssociationRef,
  ChangeOp,
  Fields,
  ObjectType,
  WriteCommand,
} from '../../services/engine/types.ts';

/**
 * A stand-in for a connected system while the real connectors do not exist: an in-memory table
 * whose edits are published as change events (like CDC would), and a sink that consumes the
 * system's write topic, applies each command (creates get a new id and are linked in the identity
 * map first, as a real sink does) and publishes the resulting change back — the echo the engine
 * must recognise. Everything goes through the real Kafka, registry and Redis.
 */
export interface SimSystem {
  readonly connectionId: string;
  readonly records: Map<string, Record<string, string | null>>;
  /** Commands applied (a replayed command id is counted once, applied once). */
  readonly applied: WriteCommand[];
  insert(fields: Fields, id?: string): Promise<string>;
  update(recordId: string, patch: Fields): Promise<void>;
  remove(recordId: string): Promise<void>;
  /** Publishes every record as a snapshot change, then the snapshot marker on every partition. */
  snapshot(): Promise<void>;
  startSink(): Promise<void>;
  stop(): Promise<void>;
}

export interface SimOptions {
  readonly kafka: Kafka;
  readonly codec: EventCodec;
  readonly identity: IdentityMap;
  readonly topics: TopicNames;
  readonly object: ObjectType;
  readonly connectionId: string;
  readonly groupPrefix: string;
}

export function createSimSystem(o: SimOptions): SimSystem {
  const records = new Map<string, Record<string, string | null>>();
  const applied: WriteCommand[] = [];
  const seen = new Map<string, string>(); // command id → record id
  const changes = o.topics.changes(o.object);
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;
  let position = 0;
  let nextId = 1;

  async function send(
    messages: { key: string; value: Buffer; partition?: number }[],
    topic = changes,
  ) {
    if (!producer) {
      producer = o.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
    }
    await producer.send({ topic, acks: -1, messages });
  }

  /** A record's `assoc:<object>` values (comma-joined record ids) as association refs. */
  function split(row: Record<string, string | null>) {
    const fields: Record<string, string | null> = {};
    const associations: AssociationRef[] = [];
    for (const [name, value] of Object.entries(row)) {
      if (!name.startsWith('assoc:')) {
        fields[name] = value;
        continue;
      }
      const object = name.slice('assoc:'.length) as ObjectType;
      for (const [i, recordId] of (value ? value.split(',') : []).entries()) {
        associations.push({ object, recordId, primary: i === 0 });
      }
    }
    return { fields, associations };
  }

  async function changeMessage(recordId: string, op: ChangeOp, object = o.object) {
    position += 1;
    const row = split(records.get(recordId) ?? {});
    const value = await o.codec.encode('change-event', o.topics.changes(object), {
      connectionId: o.connectionId,
      object,
      recordId,
      op,
      position: String(position),
      sourceTs: Date.now(),
      fields: op === 'delete' ? {} : row.fields,
      associations: op === 'delete' ? [] : row.associations,
    });
    return { key: `${o.connectionId}/${recordId}`, value };
  }

  async function publish(recordId: string, op: ChangeOp, object = o.object) {
    await send([await changeMessage(recordId, op, object)], o.topics.changes(object));
  }

  async function apply(cmd: WriteCommand): Promise<void> {
    if (seen.has(cmd.commandId)) return;
    let recordId = cmd.recordId;
    // A create for an entity that already has a record here (both systems created it at once)
    // becomes an update: the guard a real sink keeps too.
    const existing = (await o.identity.entityRecords(cmd.entityId))[o.connectionId];
    if (cmd.mode === 'create' && existing === undefined) {
      recordId = `${o.connectionId}-w${nextId++}`;
      records.set(recordId, { ...cmd.fields });
      await o.identity.link(cmd.object, cmd.entityId, o.connectionId, recordId);
    } else {
      recordId ??= existing ?? null;
      if (recordId === null) throw new Error(`no record of ${cmd.entityId} in ${o.connectionId}`);
      if (cmd.mode === 'delete') records.delete(recordId);
      else records.set(recordId, { ...(records.get(recordId) ?? {}), ...cmd.fields });
    }
    seen.set(cmd.commandId, recordId);
    applied.push(cmd);
    const op = cmd.mode === 'delete' ? 'delete' : existing ? 'update' : 'create';
    await publish(recordId, op, cmd.object);
  }

  return {
    connectionId: o.connectionId,
    records,
    applied,
    async insert(fields, id) {
      const recordId = id ?? `${o.connectionId}-${nextId++}`;
      records.set(recordId, { ...fields });
      await publish(recordId, 'create');
      return recordId;
    },
    async update(recordId, patch) {
      records.set(recordId, { ...(records.get(recordId) ?? {}), ...patch });
      await publish(recordId, 'update');
    },
    async remove(recordId) {
      records.delete(recordId);
      await publish(recordId, 'delete');
    },
    async snapshot() {
      const all = [...records.keys()];
      for (let i = 0; i < all.length; i += 1000) {
        await send(
          await Promise.all(all.slice(i, i + 1000).map((id) => changeMessage(id, 'snapshot'))),
        );
      }
      const admin = o.kafka.admin();
      await admin.connect();
      const meta = await admin.fetchTopicMetadata({ topics: [changes] });
      await admin.disconnect();
      const value = await o.codec.encode('snapshot-done', changes, {
        connectionId: o.connectionId,
        object: o.object,
        count: all.length,
        position: String(position),
      });
      await send(
        (meta.topics[0]?.partitions ?? []).map((p) => ({
          key: `snapshot-done/${o.connectionId}`,
          value,
          partition: p.partitionId,
        })),
      );
    },
    async startSink() {
      consumer = o.kafka.consumer({
        groupId: `${o.groupPrefix}.sim.${o.connectionId}`,
        maxWaitTimeInMs: 100,
      });
      await consumer.connect();
      await consumer.subscribe({ topic: o.topics.writes(o.connectionId), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (!message.value) return;
          const event = await o.codec.decode(message.value);
          if (event.kind === 'write-command') await apply(event.value);
        },
      });
    },
    async stop() {
      await consumer?.disconnect();
      await producer?.disconnect();
    },
  };
}
