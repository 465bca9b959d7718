import type { FastifyBaseLogger } from 'fastify';
import { buildRegistryApp } from './http/app.ts';
import { createKafkaStore } from './kafka-store.ts';

export const DEFAULT_STORE_TOPIC = '_tandem_schemas';
export const DEFAULT_PORT = 8081;

export interface RegistryOptions {
  readonly brokers: readonly string[];
  /** The compacted store topic; default `_tandem_schemas`. */
  readonly topic?: string;
  /** Interface to listen on; default `0.0.0.0`. */
  readonly host?: string;
  /** Default 8081; 0 picks a free port. */
  readonly port?: number;
  /** Replication factor used when creating the store topic; default 1. */
  readonly replicationFactor?: number;
  /** `min.insync.replicas` of the store topic when this creates it; unset: the brokers'. */
  readonly minInsyncReplicas?: number | undefined;
  readonly clientId?: string;
  /** A pino logger (or `true` for Fastify's default); the Kafka store logs through it too. */
  readonly logger?: FastifyBaseLogger | boolean;
  readonly writeTimeoutMs?: number;
}

export interface RunningRegistry {
  /** Where the server listens, as bound (port resolved when 0 was asked for). */
  readonly address: { readonly host: string; readonly port: number };
  /** e.g. `http://127.0.0.1:8081` — a URL clients can use (loopback when bound to all interfaces). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts a registry instance: creates the store topic if absent, reads it to its end, then
 * listens. Several instances may share one topic; they serve the same ids.
 */
export async function startRegistry(options: RegistryOptions): Promise<RunningRegistry> {
  const topic = options.topic ?? DEFAULT_STORE_TOPIC;
  const store = createKafkaStore({
    brokers: options.brokers,
    topic,
    replicationFactor: options.replicationFactor,
    minInsyncReplicas: options.minInsyncReplicas,
    clientId: options.clientId,
    writeTimeoutMs: options.writeTimeoutMs,
  });
  const app = buildRegistryApp({ store, logger: options.logger });
  await store.open(app.log);
  try {
    await app.listen({ host: options.host ?? '0.0.0.0', port: options.port ?? DEFAULT_PORT });
  } catch (err) {
    await store.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const host = typeof address === 'object' && address !== null ? address.address : '';
  const urlHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    address: { host, port },
    url: `http://${urlHost}:${port}`,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
