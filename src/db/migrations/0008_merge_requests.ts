import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Merge requests (same-project; source_project_id kept for forks later), their assignees and
 * reviewers. Labels reuse label_links (target_type 'MergeRequest'), notes reuse notes.
 * diff_* columns hold the diff_refs of the latest version; merge_status is recomputed from git.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  const bool = (v: boolean) => (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(v);
  const int0 = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
  const project = (c: ColumnDefinitionBuilder) => c.references('projects.id').onDelete('cascade');
  const userRef = (c: ColumnDefinitionBuilder) => c.references('users.id').onDelete('set null');

  await db.schema
    .createTable('merge_requests')
    .addColumn('id', t.idType, t.id)
    .addColumn('iid', 'integer', notNull)
    .addColumn('project_id', 'integer', (c) => project(c).notNull())
    .addColumn('source_project_id', 'integer', (c) => project(c).notNull())
    .addColumn('source_branch', 'text', notNull)
    .addColumn('target_branch', 'text', notNull)
    .addColumn('author_id', 'integer', userRef)
    .addColumn('title', 'text', notNull)
    .addColumn('description', 'text')
    // 'opened' | 'closed' | 'merged' | 'locked'
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('opened'))
    .addColumn('milestone_id', 'integer', (c) => c.references('milestones.id').onDelete('set null'))
    .addColumn('squash', 'boolean', bool(false))
    .addColumn('force_remove_source_branch', 'boolean')
    .addColumn('discussion_locked', 'boolean')
    .addColumn('merge_commit_sha', 'text')
    .addColumn('squash_commit_sha', 'text')
    .addColumn('merged_commit_sha', 'text')
    .addColumn('diff_base_sha', 'text')
    .addColumn('diff_head_sha', 'text')
    .addColumn('diff_start_sha', 'text')
    .addColumn('merge_user_id', 'integer', userRef)
    .addColumn('merged_at', t.timestamp)
    .addColumn('closed_by_id', 'integer', userRef)
    .addColumn('closed_at', t.timestamp)
    .addColumn('time_estimate', 'integer', int0)
    .addColumn('total_time_spent', 'integer', int0)
    .addColumn('created_at', t.timestamp, notNull)
    .addColumn('updated_at', t.timestamp, notNull)
    .execute();
  await db.schema
    .createIndex('index_merge_requests_on_project_id_iid')
    .on('merge_requests')
    .columns(['project_id', 'iid'])
    .unique()
    .execute();
  await db.schema
    .createIndex('index_merge_requests_on_project_id_source_branch')
    .on('merge_requests')
    .columns(['project_id', 'source_branch', 'state'])
    .execute();
  await db.schema
    .createIndex('index_merge_requests_on_author_id')
    .on('merge_requests')
    .column('author_id')
    .execute();

  for (const table of ['merge_request_assignees', 'merge_request_reviewers']) {
    await db.schema
      .createTable(table)
      .addColumn('merge_request_id', 'integer', (c) =>
        c.notNull().references('merge_requests.id').onDelete('cascade'),
      )
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .execute();
    await db.schema
      .createIndex(`index_${table}_on_merge_request_id_user_id`)
      .on(table)
      .columns(['merge_request_id', 'user_id'])
      .unique()
      .execute();
    await db.schema.createIndex(`index_${table}_on_user_id`).on(table).column('user_id').execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('merge_request_reviewers').execute();
  await db.schema.dropTable('merge_request_assignees').execute();
  await db.schema.dropTable('merge_requests').execute();
}
