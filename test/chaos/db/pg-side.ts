import pg from 'pg';
import {
  CommitUnknown,
  fields,
  tables,
  type Field,
  type Row,
  type SideDb,
  type Values,
} from './side.ts';

const t = tables.pg;
const col = (f: Field) => t.columns[f];

/** Side `pg`: the run's PostgreSQL database (`crm` unless named), table `contacts`. */
export function openPgSide(url: string, database: string = t.database): SideDb {
  const target = new URL(url);
  target.pathname = `/${database}`;
  const pool = new pg.Pool({
    connectionString: target.toString(),
    max: 12,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 10_000,
  });
  // Idle clients lose their server on a restart: the pool drops them; nothing else to do.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));

  async function inTransaction<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let committing = false;
    let result: T | undefined;
    try {
      await client.query('BEGIN');
      result = await work(client);
      committing = true;
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      client.release(true);
      throw committing ? new CommitUnknown(error, result) : error;
    }
  }

  const select = fields.map((f) => `${col(f)} AS ${f}`).join(', ');
  return {
    name: 'pg',
    edit(id, field, value, op) {
      return inTransaction(async (c) => {
        const r = await c.query<{ prior: string | null }>(
          `SELECT ${col(field)} AS prior FROM ${t.table} WHERE id = $1 FOR UPDATE`,
          [id],
        );
        if (r.rowCount === 0) return undefined;
        await c.query(`UPDATE ${t.table} SET ${col(field)} = $2 WHERE id = $1`, [id, value]);
        await c.query('INSERT INTO chaos_ops (op) VALUES ($1)', [op]);
        return { prior: r.rows[0]?.prior ?? null };
      });
    },
    insert(values: Values, op) {
      return inTransaction(async (c) => {
        const r = await c.query<{ id: string }>(
          `INSERT INTO ${t.table} (${fields.map(col).join(', ')})
           VALUES (${fields.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id::text AS id`,
          fields.map((f) => values[f]),
        );
        await c.query('INSERT INTO chaos_ops (op) VALUES ($1)', [op]);
        return r.rows[0]?.id ?? '';
      });
    },
    async committed(op) {
      const r = await pool.query('SELECT 1 FROM chaos_ops WHERE op = $1', [op]);
      return (r.rowCount ?? 0) > 0;
    },
    async scan() {
      const r = await pool.query<Row>(`SELECT id::text AS id, ${select} FROM ${t.table}`);
      return r.rows;
    },
    close: () => pool.end(),
  };
}
