import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import avsc from 'avsc';
import type { Resolver, Type } from 'avsc';
import { eventErrors } from './errors.ts';
import {
  eventKinds,
  subjectFor,
  type DecodedEvent,
  type EventKind,
  type EventValues,
} from './kinds.ts';
import { encodePayload, messageOf, readPayload } from './payload.ts';
import { latestSchema } from './schema-files.ts';
import { frame, unframe } from './wire.ts';

export interface EventCodecDeps {
  /** A client of a Confluent-compatible registry (Tandem's own, or Confluent's). */
  readonly registry: SchemaRegistry;
}

export interface EventCodec {
  /**
   * `value` in Confluent wire format, with the schema of `kind` registered (once per subject and
   * process) under the subject `subjectFor(kind, topic)`.
   */
  encode<K extends EventKind>(kind: K, topic: string, value: EventValues[K]): Promise<Buffer>;
  /**
   * The event a message holds. A message that is not a Tandem event, or does not decode, is a
   * `TANDEM_E_SCHEMA` error (send it to the dead-letter topic); an unreachable registry is a
   * `TANDEM_E_SCHEMA_REGISTRY` error (retry).
   */
  decode(message: Buffer): Promise<DecodedEvent>;
  /** Registers `kind`'s schema for `topic` (if not yet) and gives its id. */
  schemaId(kind: EventKind, topic: string): Promise<number>;
}

/** How to read the values of one writer schema: into which kind, through which resolver. */
interface Reading {
  readonly kind: EventKind;
  /** Null when the writer schema is the reader schema itself. */
  readonly resolver: Resolver | null;
}

/** The kind whose record a writer schema defines (`dev.tandem.events.ChangeEvent` …). */
function kindOfRecord(fullName: string | undefined): EventKind | undefined {
  return eventKinds.find((kind) => latestSchema(kind).type.name === fullName);
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export function createEventCodec({ registry }: EventCodecDeps): EventCodec {
  const idBySubject = new Map<string, Promise<number>>();
  const readings = new Map<number, Reading>();
  const pendingReadings = new Map<number, Promise<Reading>>();

  async function register(kind: EventKind, subject: string): Promise<number> {
    const schema = latestSchema(kind);
    try {
      const { id } = await registry.register(
        { type: SchemaType.AVRO, schema: schema.text },
        { subject },
      );
      readings.set(id, { kind, resolver: null });
      return id;
    } catch (err) {
      const status = statusOf(err);
      // 409: incompatible with the subject's history; 422: invalid; the client's own
      // compatibility error: the subject is configured with another compatibility level.
      const name = err instanceof Error ? err.name : '';
      if (
        status === 409 ||
        status === 422 ||
        name === 'ConfluentSchemaRegistryCompatibilityError'
      ) {
        throw eventErrors.rejected(subject, messageOf(err), err);
      }
      throw eventErrors.registryUnavailable(`cannot register ${subject}: ${messageOf(err)}`, err);
    }
  }

  function schemaId(kind: EventKind, topic: string): Promise<number> {
    const subject = subjectFor(kind, topic);
    let id = idBySubject.get(subject);
    if (!id) {
      id = register(kind, subject);
      idBySubject.set(subject, id);
      // A failed registration is not remembered: the next call tries again.
      void id.catch(() => idBySubject.delete(subject));
    }
    return id;
  }

  async function lookUp(schemaId: number): Promise<Reading> {
    let writer: unknown;
    try {
      writer = await registry.getSchema(schemaId);
    } catch (err) {
      if (statusOf(err) === 404) {
        throw eventErrors.undecodable(`schema id ${schemaId} is not in the registry`, err);
      }
      throw eventErrors.registryUnavailable(
        `cannot fetch schema ${schemaId}: ${messageOf(err)}`,
        err,
      );
    }
    if (!(writer instanceof avsc.Type)) {
      throw eventErrors.undecodable(`schema ${schemaId} is not an Avro schema`);
    }
    const writerType: Type = writer;
    const kind = kindOfRecord(writerType.name);
    if (!kind) {
      throw eventErrors.undecodable(
        `schema ${schemaId} (${writerType.name ?? writerType.typeName}) is not a Tandem event`,
      );
    }
    const reader = latestSchema(kind).type;
    if (reader.equals(writerType)) return { kind, resolver: null };
    try {
      return { kind, resolver: reader.createResolver(writerType) };
    } catch (err) {
      throw eventErrors.undecodable(
        `schema ${schemaId} cannot be read as ${kind}: ${messageOf(err)}`,
        err,
      );
    }
  }

  function readingFor(schemaId: number): Promise<Reading> {
    const known = readings.get(schemaId);
    if (known) return Promise.resolve(known);
    let pending = pendingReadings.get(schemaId);
    if (!pending) {
      pending = lookUp(schemaId).then(
        (reading) => {
          readings.set(schemaId, reading);
          pendingReadings.delete(schemaId);
          return reading;
        },
        (err: unknown) => {
          pendingReadings.delete(schemaId);
          throw err;
        },
      );
      pendingReadings.set(schemaId, pending);
    }
    return pending;
  }

  async function encode<K extends EventKind>(
    kind: K,
    topic: string,
    value: EventValues[K],
  ): Promise<Buffer> {
    const payload = encodePayload(kind, value);
    return frame(await schemaId(kind, topic), payload);
  }

  async function decode(message: Buffer): Promise<DecodedEvent> {
    const { schemaId: id, payload } = unframe(message);
    const { kind, resolver } = await readingFor(id);
    const value = readPayload(kind, payload, resolver, `schema ${id}`);
    return { kind, value, schemaId: id } as DecodedEvent;
  }

  return { encode, decode, schemaId };
}
