import type { Pool } from 'mysql2/promise';
import { messageOf } from '../sdk/errors.ts';
import type { CheckResult } from '../sdk/types.ts';
import { classifyError } from './errors.ts';
import { serverInfo } from './pool.ts';
import { loadModels } from './schema-load.ts';
import type { MysqlConfig } from './spec.ts';

interface BinlogSettings {
  logBin: unknown;
  format: unknown;
  rowImage: unknown;
}

/** What is wrong with the server's binlog for row-level change capture (empty: nothing). */
export function binlogIssues(s: BinlogSettings, gtidMode: string | null): string[] {
  const issues: string[] = [];
  if (!(s.logBin === 1 || s.logBin === '1' || String(s.logBin).toUpperCase() === 'ON')) {
    issues.push('log_bin is OFF (enable the binary log)');
  }
  if (String(s.format).toUpperCase() !== 'ROW') {
    issues.push(`binlog_format is ${String(s.format)} (needs ROW)`);
  }
  if (String(s.rowImage).toUpperCase() !== 'FULL') {
    issues.push(`binlog_row_image is ${String(s.rowImage)} (needs FULL)`);
  }
  if (gtidMode !== null && gtidMode.toUpperCase() !== 'ON') {
    issues.push(`gtid_mode is ${gtidMode} (needs ON)`);
  }
  return issues;
}

/**
 * The live check: credentials, binlog settings (ROW, FULL, GTIDs on MySQL), the replication
 * privilege the reader needs, and the configured tables and mappings.
 */
export async function checkConnection(pool: Pool, config: MysqlConfig): Promise<CheckResult> {
  try {
    const info = await serverInfo(pool);
    const [rows] = await pool.query(
      'SELECT @@log_bin AS logBin, @@binlog_format AS format, @@binlog_row_image AS rowImage',
    );
    const settings = (rows as BinlogSettings[])[0] ?? { logBin: 0, format: '', rowImage: '' };
    let gtidMode: string | null = null;
    if (info.flavor === 'mysql') {
      const [mode] = await pool.query('SELECT @@GLOBAL.gtid_mode AS mode');
      gtidMode = String((mode as { mode: unknown }[])[0]?.mode ?? 'OFF');
    }
    const issues = binlogIssues(settings, gtidMode);
    if (issues.length > 0) {
      return { ok: false, category: 'invalid-value', message: `binlog: ${issues.join('; ')}` };
    }
    try {
      await pool.query('SHOW BINARY LOGS');
    } catch (error) {
      const c = classifyError(error);
      if (c.category !== 'auth') throw error;
      return {
        ok: false,
        category: 'auth',
        message: `user ${config.user} may not read the binlog (grant REPLICATION CLIENT and REPLICATION SLAVE)`,
      };
    }
    const models = await loadModels(pool, config);
    const tables = [...models.values()].map((m) => m.table).join(', ');
    return {
      ok: true,
      message: `${info.version}: binlog ROW/FULL; tables ${tables} in ${config.database}`,
    };
  } catch (error) {
    return { ok: false, category: classifyError(error).category, message: messageOf(error) };
  }
}
