import type pg from 'pg';
import { messageOf } from '../sdk/errors.ts';
import type { CheckResult } from '../sdk/types.ts';
import { classifyPgError } from './errors.ts';
import type { TableModel } from './model.ts';
import { quoteIdent } from './names.ts';
import { loadModels } from './tables.ts';
import { matchFilter } from './write-sql.ts';
import { objectDescriptor } from '../../services/objects/index.ts';
import type { PostgresConfig } from './spec.ts';

/**
 * Creates look up existing records by match key (write-sql.ts `matchFilter`); for the rules
 * compared by equality (emails, SKUs and other plain keys) an index on the prefilter's
 * expression spares each batch of creates a scan of the table. The check names the indexes that
 * would help (Tandem does not change the user's schema itself). The domain and company-name
 * prefilters are pattern matches an ordinary index does not serve.
 */
async function missingMatchIndexes(db: pg.PoolClient, models: readonly TableModel[]) {
  const tips: string[] = [];
  for (const model of models) {
    for (const rule of objectDescriptor(model.object).matchKeys) {
      if (rule.normalize !== 'email' && rule.normalize !== 'text') continue;
      const column = model.byName.get(rule.property)?.column.name;
      if (column === undefined) continue;
      const { rowCount } = await db.query(
        `SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND tablename = $2
            AND indexdef ILIKE '%lower(%regexp_replace(%' || quote_ident($3) || '%'`,
        [model.schema, model.table, column],
      );
      if (rowCount === 0) {
        const { expression } = matchFilter(rule.normalize, quoteIdent(column));
        tips.push(`CREATE INDEX ON ${model.target} ((${expression}))`);
      }
    }
  }
  return tips.length === 0 ? '' : `; creates match faster with: ${tips.join('; ')}`;
}

/**
 * The live check: the server answers with these credentials, logical decoding is on, the role
 * may replicate, and every configured table exists with a usable primary key and mapping.
 */
export async function checkConnection(pool: pg.Pool, config: PostgresConfig): Promise<CheckResult> {
  let db: pg.PoolClient;
  try {
    db = await pool.connect();
  } catch (error) {
    const c = classifyPgError(error);
    return { ok: false, category: c.category, message: `cannot connect: ${messageOf(error)}` };
  }
  try {
    const level = (await db.query<{ wal_level: string }>('SHOW wal_level')).rows[0]?.wal_level;
    if (level !== 'logical') {
      return {
        ok: false,
        category: 'invalid-value',
        message: `wal_level is ${level ?? 'unknown'}; change streams need wal_level = logical (then restart the server)`,
      };
    }
    const role = await db.query<{ can: string }>(
      'SELECT (rolsuper OR rolreplication) AS can FROM pg_roles WHERE rolname = current_user',
    );
    if (role.rows[0]?.can !== 't') {
      return {
        ok: false,
        category: 'auth',
        message: `role ${config.user} needs the REPLICATION attribute to read changes`,
      };
    }
    const models = [...(await loadModels(db, config)).values()];
    const tables = models.map((m) => `${m.schema}.${m.table}`).join(', ');
    const tips = await missingMatchIndexes(db, models);
    return { ok: true, message: `connected to ${config.database}; tables ${tables}${tips}` };
  } catch (error) {
    return { ok: false, category: classifyPgError(error).category, message: messageOf(error) };
  } finally {
    db.release();
  }
}
