/** Tandem's events on Kafka: Avro schemas from `schemas/`, Confluent wire format, coded errors. */
export { createEventCodec } from './codec.ts';
export { encodePayload, decodePayload } from './payload.ts';
export type { EventCodec, EventCodecDeps } from './codec.ts';
export { eventKinds, subjectFor, EVENT_NAMESPACE } from './kinds.ts';
export type { DeadLetter, DecodedEvent, EventKind, EventValues } from './kinds.ts';
export { EventError, eventErrorCatalogue, eventErrors, isEventError } from './errors.ts';
export type { EventErrorClass, EventErrorCode } from './errors.ts';
export { latestSchema, latestSchemas, readSchemaVersions, schemaNames } from './schema-files.ts';
export type { SchemaVersion } from './schema-files.ts';
export { frame, unframe } from './wire.ts';
