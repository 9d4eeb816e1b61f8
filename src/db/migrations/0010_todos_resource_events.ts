import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * To-do items (one per user per target and action while pending) and resource events: label,
 * milestone and state changes of issues and merge requests, written in the same transaction as
 * the change. Events point at issue_id or merge_request_id (exactly one is set).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
  const userRef = (c: ColumnDefinitionBuilder) => c.references('users.id').onDelete('set null');
  const issueRef = (c: ColumnDefinitionBuilder) => c.references('issues.id').onDelete('cascade');
  const mrRef = (c: ColumnDefinitionBuilder) => c.references('merge_requests.id').onDelete('cascade');

  await db.schema
    .createTable('todos')
    .addColumn('id', t.idType, t.id)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', userRef)
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.references('namespaces.id').onDelete('cascade'))
    // 'Issue' | 'MergeRequest' | …
    .addColumn('target_type', 'text', notNull)
    .addColumn('target_id', 'integer', notNull)
    // GitLab's Todo action numbers: 1 assigned, 2 mentioned, 3 build_failed, 4 marked, …
    .addColumn('action', 'integer', notNull)
    // 'pending' | 'done'
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('body', 'text')
    .addColumn('note_id', 'integer', (c) => c.references('notes.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, notNull)
    .addColumn('updated_at', t.timestamp, notNull)
    .execute();
  await db.schema
    .createIndex('index_todos_on_user_id_state_id')
    .on('todos')
    .columns(['user_id', 'state', 'id'])
    .execute();
  await db.schema
    .createIndex('index_todos_on_target')
    .on('todos')
    .columns(['target_type', 'target_id', 'user_id'])
    .execute();

  for (const table of ['resource_label_events', 'resource_milestone_events', 'resource_state_events']) {
    let b = db.schema
      .createTable(table)
      .addColumn('id', t.idType, t.id)
      .addColumn('user_id', 'integer', userRef)
      .addColumn('issue_id', 'integer', issueRef)
      .addColumn('merge_request_id', 'integer', mrRef);
    if (table === 'resource_label_events')
      b = b
        .addColumn('label_id', 'integer', (c) => c.references('labels.id').onDelete('set null'))
        // 'add' | 'remove'
        .addColumn('action', 'text', notNull);
    if (table === 'resource_milestone_events')
      b = b
        .addColumn('milestone_id', 'integer', (c) => c.references('milestones.id').onDelete('set null'))
        .addColumn('action', 'text', notNull)
        // the resource's state when the milestone changed
        .addColumn('state', 'text', notNull);
    // 'opened' | 'closed' | 'reopened' | 'merged' | 'locked'
    if (table === 'resource_state_events') b = b.addColumn('state', 'text', notNull);
    await b.addColumn('created_at', t.timestamp, notNull).execute();
    await db.schema.createIndex(`index_${table}_on_issue_id`).on(table).columns(['issue_id', 'id']).execute();
    await db.schema
      .createIndex(`index_${table}_on_merge_request_id`)
      .on(table)
      .columns(['merge_request_id', 'id'])
      .execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
