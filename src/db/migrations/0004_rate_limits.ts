import type { Kysely } from 'kysely';

/** Rate-limit counters live in the database so every process (and machine) counts the same requests. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limit_counters')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_counters_pkey', ['key', 'window_start'])
    .execute();
  await db.schema
    .createIndex('index_rate_limit_counters_on_window_start')
    .on('rate_limit_counters')
    .column('window_start')
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
