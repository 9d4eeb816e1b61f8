import { sql } from 'kysely';
import type { OpenDatabase } from './connection.js';

export interface DatabaseInfo {
  /** e.g. "sqlite 3.45.1" or "postgres 15.18". */
  server: string;
  /** Things an operator should fix for both databases to behave the same. */
  warnings: string[];
}

/** What `labforge db status` reports about the database itself. */
export async function describeDatabase(database: OpenDatabase): Promise<DatabaseInfo> {
  if (database.dialect === 'sqlite') {
    const { rows } = await sql<{ v: string }>`select sqlite_version() as v`.execute(database.db);
    return { server: `sqlite ${rows[0]?.v ?? '?'}`, warnings: [] };
  }
  const { rows } = await sql<{ v: string; collate: string; ctype: string }>`
    select current_setting('server_version') as v, datcollate as collate, datctype as ctype
    from pg_database where datname = current_database()`.execute(database.db);
  const row = rows[0];
  const warnings: string[] = [];
  // Text ordering and lower() follow the database's locale; C matches SQLite (code point order).
  if (row && !/^(C|POSIX)(\.|$)/i.test(row.collate))
    warnings.push(
      `the database collates as ${row.collate}: text sorts by that locale, not by code point as on SQLite (create it with LC_COLLATE 'C')`,
    );
  return { server: `postgres ${row?.v ?? '?'}`, warnings };
}
