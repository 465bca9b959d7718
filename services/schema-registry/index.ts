/** The schema registry's public surface: a Confluent-compatible Avro registry on Kafka. */
export { buildRegistryApp } from './http/app.ts';
export type { RegistryAppDeps } from './http/app.ts';
export { startRegistry, DEFAULT_PORT, DEFAULT_STORE_TOPIC } from './server.ts';
export type { RegistryOptions, RunningRegistry } from './server.ts';
export { createMemoryStore } from './memory-store.ts';
export type { MemoryStore } from './memory-store.ts';
export { createKafkaStore } from './kafka-store.ts';
export type { KafkaStore, KafkaStoreOptions } from './kafka-store.ts';
export type { RegistryStore, StoreLog } from './store.ts';
export { RegistryError, registryErrorCatalogue } from './errors.ts';
export type { RegistryErrorCode } from './errors.ts';
export { compatibilityLevels } from './compatibility.ts';
export type { CompatibilityLevel } from './compatibility.ts';
