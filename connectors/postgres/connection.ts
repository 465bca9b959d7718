import pg from 'pg';
import type { PostgresConfig } from './spec.ts';

/**
 * Session settings every connection of the connector runs with, so values read the same from
 * snapshots and from the replication stream: ISO dates, UTC, ISO-8601 intervals.
 */
const sessionOptions = '-c DateStyle=ISO -c TimeZone=UTC -c IntervalStyle=iso_8601';

/** Every value as PostgreSQL's text output: conversion is the connector's (values.ts). */
const identity = (value: string) => value;
export const textTypes = {
  getTypeParser: () => identity,
} as unknown as pg.CustomTypesConfig;

export function clientConfig(config: PostgresConfig): pg.ClientConfig {
  return {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    ...(config.password === undefined ? {} : { password: config.password }),
    application_name: 'tandem',
    connectionTimeoutMillis: 8_000,
    keepAlive: true,
    options: sessionOptions,
  };
}

/** The pool of one session: check, discovery, snapshots and writes share it. */
export function createPool(config: PostgresConfig): pg.Pool {
  return new pg.Pool({
    ...clientConfig(config),
    types: textTypes,
    max: 4,
    idleTimeoutMillis: 30_000,
  });
}
