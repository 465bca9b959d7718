import mysql, { type Pool, type PoolOptions } from 'mysql2/promise';
import type { Logger } from '../../services/log/logger.ts';
import { messageOf } from '../sdk/errors.ts';
import type { Flavor } from './position.ts';
import type { MysqlConfig } from './spec.ts';

/**
 * Connection options shared by the pool and the binlog reader: values come back as strings where
 * a JS number would lose them (BIGINT, DECIMAL), temporal values as the server's text in UTC, JSON
 * as its text.
 */
export function connectionOptions(config: MysqlConfig): PoolOptions {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    ...(config.password === undefined ? {} : { password: config.password }),
    database: config.database,
    charset: 'UTF8MB4_UNICODE_CI',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    jsonStrings: true,
    timezone: 'Z',
    connectTimeout: 8_000,
  };
}

/** Every session runs in UTC with strict SQL mode (rejected values fail instead of truncating). */
const sessionSetup =
  "SET time_zone = '+00:00', sql_mode = TRIM(BOTH ',' FROM CONCAT(@@SESSION.sql_mode, ',STRICT_ALL_TABLES'))";

export function createPool(config: MysqlConfig, logger: Logger): Pool {
  const pool = mysql.createPool({
    ...connectionOptions(config),
    connectionLimit: 4,
    maxIdle: 2,
    idleTimeout: 60_000,
    enableKeepAlive: true,
  });
  pool.pool.on('connection', (connection) => {
    connection.query(sessionSetup, (error: unknown) => {
      if (error) logger.warn({ err: messageOf(error) }, 'mysql session setup failed');
    });
  });
  return pool;
}

export interface ServerInfo {
  readonly flavor: Flavor;
  readonly version: string;
  /** innodb_autoinc_lock_mode: 0 or 1 give a multi-row INSERT consecutive ids. */
  readonly autoincLockMode: number;
  readonly autoincIncrement: number;
}

export async function serverInfo(pool: Pool): Promise<ServerInfo> {
  const [rows] = await pool.query(
    'SELECT VERSION() AS version, @@innodb_autoinc_lock_mode AS lockMode, @@auto_increment_increment AS increment',
  );
  const row = (rows as { version: string; lockMode: unknown; increment: unknown }[])[0];
  const version = row?.version ?? '';
  return {
    flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql',
    version,
    autoincLockMode: Number(row?.lockMode ?? 2),
    autoincIncrement: Number(row?.increment ?? 1),
  };
}
