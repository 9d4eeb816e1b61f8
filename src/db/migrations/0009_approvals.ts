import type { Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/** Merge request approvals: one row per approving user. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('approvals')
    .addColumn('id', t.idType, t.id)
    .addColumn('merge_request_id', 'integer', (c) =>
      c.notNull().references('merge_requests.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('index_approvals_on_merge_request_id_user_id')
    .on('approvals')
    .columns(['merge_request_id', 'user_id'])
    .unique()
    .execute();
  await db.schema.createIndex('index_approvals_on_user_id').on('approvals').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('approvals').execute();
}
