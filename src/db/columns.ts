import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

/** Column types that differ between the dialects; migrations use these, never a dialect `if`. */
/** Whether `db` talks to PostgreSQL (else SQLite), for the few places the two need different SQL. */
export function isPostgres(db: { getExecutor(): { adapter: unknown } }): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export function columnTypes(db: Kysely<unknown>) {
  const postgres = isPostgres(db);
  return {
    postgres,
    /** Integer primary key assigned by the database. */
    id: (c: ColumnDefinitionBuilder) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()),
    idType: postgres ? ('serial' as const) : ('integer' as const),
    timestamp: postgres ? ('timestamptz' as const) : ('text' as const),
    date: postgres ? ('date' as const) : ('text' as const),
  };
}

/** A case-insensitive unique index (usernames, emails, paths). */
export function lowerIndex(db: Kysely<unknown>, name: string, table: string, column: string, unique = true) {
  const b = db.schema
    .createIndex(name)
    .on(table)
    .expression(sql`lower(${sql.ref(column)})`);
  return unique ? b.unique() : b;
}
