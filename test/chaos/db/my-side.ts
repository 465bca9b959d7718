import mysql from 'mysql2/promise';
import { CommitUnknown, fields, tables, type Field, type Row, type SideDb } from './side.ts';

const t = tables.my;
const col = (f: Field) => t.columns[f];

/** Side `my`: the run's MariaDB database (`billing` unless named), table `customers`. */
export function openMySide(url: string, database: string = t.database): SideDb {
  const parsed = new URL(url);
  const pool = mysql.createPool({
    host: parsed.hostname,
    port: Number(parsed.port),
    user: decodeURIComponent(parsed.username) || 'root',
    database,
    connectionLimit: 12,
    connectTimeout: 5_000,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });

  async function inTransaction<T>(work: (c: mysql.PoolConnection) => Promise<T>): Promise<T> {
    const conn = await pool.getConnection();
    let committing = false;
    let result: T | undefined;
    try {
      await conn.beginTransaction();
      result = await work(conn);
      committing = true;
      await conn.commit();
      conn.release();
      return result;
    } catch (error) {
      conn.destroy();
      throw committing ? new CommitUnknown(error, result) : error;
    }
  }

  const select = fields.map((f) => `${col(f)} AS ${f}`).join(', ');
  return {
    name: 'my',
    edit(id, field, value, op) {
      return inTransaction(async (c) => {
        const [rows] = await c.query<mysql.RowDataPacket[]>(
          `SELECT ${col(field)} AS prior FROM ${t.table} WHERE id = ? FOR UPDATE`,
          [id],
        );
        if (rows.length === 0) return undefined;
        await c.query(`UPDATE ${t.table} SET ${col(field)} = ? WHERE id = ?`, [value, id]);
        await c.query('INSERT INTO chaos_ops (op) VALUES (?)', [op]);
        return { prior: (rows[0]?.prior as string | null) ?? null };
      });
    },
    insert(values, op) {
      return inTransaction(async (c) => {
        const [result] = await c.query<mysql.ResultSetHeader>(
          `INSERT INTO ${t.table} (${fields.map(col).join(', ')}) VALUES (?)`,
          [fields.map((f) => values[f])],
        );
        await c.query('INSERT INTO chaos_ops (op) VALUES (?)', [op]);
        return String(result.insertId);
      });
    },
    async committed(op) {
      const [rows] = await pool.query<mysql.RowDataPacket[]>(
        'SELECT 1 FROM chaos_ops WHERE op = ?',
        [op],
      );
      return rows.length > 0;
    },
    async scan() {
      const [rows] = await pool.query<mysql.RowDataPacket[]>(
        `SELECT CAST(id AS CHAR) AS id, ${select} FROM ${t.table}`,
      );
      return rows as Row[];
    },
    close: () => pool.end(),
  };
}
