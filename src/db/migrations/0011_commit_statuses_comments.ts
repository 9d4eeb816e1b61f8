import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Commit statuses (external CI reports: one row per project, sha, ref and name) and commit
 * comments (GitLab's notes on a commit, optionally on a line of a file).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
  const projectRef = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('projects.id').onDelete('cascade');
  const userRef = (c: ColumnDefinitionBuilder) => c.references('users.id').onDelete('set null');

  await db.schema
    .createTable('commit_statuses')
    .addColumn('id', t.idType, t.id)
    .addColumn('project_id', 'integer', projectRef)
    .addColumn('sha', 'text', notNull)
    .addColumn('ref', 'text')
    .addColumn('name', 'text', notNull)
    // pending | running | success | failed | canceled | skipped
    .addColumn('status', 'text', notNull)
    .addColumn('target_url', 'text')
    .addColumn('description', 'text')
    .addColumn('coverage', 'real')
    .addColumn('allow_failure', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('author_id', 'integer', userRef)
    .addColumn('created_at', t.timestamp, notNull)
    .addColumn('updated_at', t.timestamp, notNull)
    .addColumn('started_at', t.timestamp)
    .addColumn('finished_at', t.timestamp)
    .execute();
  await db.schema
    .createIndex('index_commit_statuses_on_project_id_and_sha')
    .on('commit_statuses')
    .columns(['project_id', 'sha'])
    .execute();

  await db.schema
    .createTable('commit_notes')
    .addColumn('id', t.idType, t.id)
    .addColumn('project_id', 'integer', projectRef)
    .addColumn('commit_id', 'text', notNull)
    .addColumn('note', 'text', notNull)
    .addColumn('path', 'text')
    .addColumn('line', 'integer')
    .addColumn('line_type', 'text')
    .addColumn('author_id', 'integer', userRef)
    .addColumn('created_at', t.timestamp, notNull)
    .addColumn('updated_at', t.timestamp, notNull)
    .execute();
  await db.schema
    .createIndex('index_commit_notes_on_project_id_and_commit_id')
    .on('commit_notes')
    .columns(['project_id', 'commit_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('commit_notes').execute();
  await db.schema.dropTable('commit_statuses').execute();
}
