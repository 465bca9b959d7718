import ZongJi, { type AnyBinlogEvent } from '@vlasky/zongji';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, uniqueName } from '../support/endpoints.ts';

const { mysqlUrl } = endpoints();
const db = uniqueName('binlog');
let conn: mysql.Connection;

beforeAll(async () => {
  conn = await mysql.createConnection(mysqlUrl);
  await conn.query(`CREATE DATABASE ${db}`);
  await conn.query(`CREATE TABLE ${db}.contacts (id INT PRIMARY KEY, email VARCHAR(200))`);
});

afterAll(async () => {
  await conn.query(`DROP DATABASE IF EXISTS ${db}`);
  await conn.end();
});

describe('MariaDB row binlog', () => {
  it('runs with ROW format, FULL row image and FULL row metadata', async () => {
    const [rows] = await conn.query(
      'SELECT @@log_bin AS logBin, @@binlog_format AS format, @@binlog_row_image AS image, @@binlog_row_metadata AS meta',
    );
    expect((rows as Record<string, unknown>[])[0]).toEqual({
      logBin: 1,
      format: 'ROW',
      image: 'FULL',
      meta: 'FULL',
    });
  });

  it('reads one inserted row as a writerows event', async () => {
    const u = new URL(mysqlUrl);
    const zongji = new ZongJi({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username || 'root'),
      password: decodeURIComponent(u.password),
    });
    const row = new Promise<Record<string, unknown>>((resolve, reject) => {
      zongji.on('error', reject);
      zongji.on('binlog', (evt: AnyBinlogEvent) => {
        if (evt.getEventName() === 'writerows' && 'rows' in evt) {
          resolve(evt.rows[0] as Record<string, unknown>);
        }
      });
    });
    const ready = new Promise<void>((resolve) => zongji.on('ready', () => resolve()));
    zongji.start({
      serverId: 1000 + Math.floor(Math.random() * 100_000),
      startAtEnd: true,
      includeEvents: ['tablemap', 'writerows'],
      includeSchema: { [db]: ['contacts'] },
    });
    await ready;
    await conn.query(`INSERT INTO ${db}.contacts VALUES (7, 'b@example.com')`);
    expect(await row).toEqual({ id: 7, email: 'b@example.com' });
    zongji.stop();
  });
});
