import type { Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/** Per-scope counters for iids (an issue's #12 in its project), as GitLab's internal_ids table. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('internal_ids')
    .addColumn('id', t.idType, t.id)
    // e.g. 'issues', 'merge_requests', 'milestones'
    .addColumn('usage', 'text', (c) => c.notNull())
    // e.g. 'project', 'group'
    .addColumn('scope_type', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'integer', (c) => c.notNull())
    .addColumn('last_value', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('index_internal_ids_on_usage_and_scope')
    .on('internal_ids')
    .columns(['usage', 'scope_type', 'scope_id'])
    .unique()
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
