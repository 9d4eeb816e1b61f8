import { type Kysely, sql } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Merge request versions (GitLab's merge_request_diffs: one per push to the source branch and
 * one at creation), allow_collaboration for merge requests from forks, and the rule "one open
 * merge request per source and target" as a partial unique index, so two creates at once on
 * PostgreSQL cannot both succeed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('merge_request_diffs')
    .addColumn('id', t.idType, t.id)
    .addColumn('merge_request_id', 'integer', (c) =>
      c.notNull().references('merge_requests.id').onDelete('cascade'),
    )
    // 'collected' | 'empty'
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('collected'))
    .addColumn('head_commit_sha', 'text', (c) => c.notNull())
    .addColumn('base_commit_sha', 'text')
    .addColumn('start_commit_sha', 'text')
    .addColumn('real_size', 'text')
    .addColumn('patch_id_sha', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('index_merge_request_diffs_on_merge_request_id_and_id')
    .on('merge_request_diffs')
    .columns(['merge_request_id', 'id'])
    .execute();
  await db.schema.alterTable('merge_requests').addColumn('allow_collaboration', 'boolean').execute();
  await db.schema
    .createIndex('index_merge_requests_one_open_per_branches')
    .on('merge_requests')
    .columns(['project_id', 'source_project_id', 'source_branch', 'target_branch'])
    .unique()
    .where(sql<boolean>`state in ('opened', 'locked')`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('index_merge_requests_one_open_per_branches').execute();
  await db.schema.alterTable('merge_requests').dropColumn('allow_collaboration').execute();
  await db.schema.dropTable('merge_request_diffs').execute();
}
