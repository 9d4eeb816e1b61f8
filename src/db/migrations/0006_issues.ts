import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Labels (project and group), label priorities, milestones, issues with their assignees and label
 * links, notes (polymorphic: noteable_type + noteable_id, so merge requests, snippets and commits
 * reuse them), award emoji (on any awardable) and subscriptions (on any subscribable).
 * Every list filter and sort has an index; lists always start from the project, so most indexes
 * lead with project_id.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  const bool = (v: boolean) => (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(v);
  const int0 = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
  const project = (c: ColumnDefinitionBuilder) => c.references('projects.id').onDelete('cascade');
  const namespace = (c: ColumnDefinitionBuilder) => c.references('namespaces.id').onDelete('cascade');
  const user = (c: ColumnDefinitionBuilder) => c.notNull().references('users.id').onDelete('cascade');

  await db.schema
    .createTable('labels')
    .addColumn('id', t.idType, t.id)
    .addColumn('title', 'text', notNull)
    .addColumn('color', 'text', notNull)
    .addColumn('description', 'text')
    .addColumn('project_id', 'integer', project)
    .addColumn('group_id', 'integer', namespace)
    // 'ProjectLabel' | 'GroupLabel'
    .addColumn('type', 'text', notNull)
    .addColumn('created_at', t.timestamp, notNull)
    .addColumn('updated_at', t.timestamp, notNull)
    .execute();
  await db.schema
    .createIndex('index_labels_on_project_id_title')
    .on('labels')
    .columns(['project_id', 'title'])
    .unique()
    .execute();
  await db.schema
    .createIndex('index_labels_on_group_id_title')
    .on('labels')
    .columns(['group_id', 'title'])
    .unique()
    .execute();

  await db.schema
    .createTable('label_priorities')
    .addColumn('id', t.idType, t.id)
    .addColumn('project_id', 'integer', (c) => project(c).notNull())
    .addColumn('label_id', 'integer', (c) => c.notNull().references('labels.id').onDelete('cascade'))
    .addColumn('priority', 'integer', notNull)
    .execute();
  await db.schema
    .createIndex('index_label_priorities_on_project_id_label_id')
    .on('label_priorities')
    .columns(['project_id', 'label_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('index_label_priorities_on_label_id')
    .on('label_priorities')
    .column('label_id')
    .execute();

  await db.schema
    .createTable('milestones')
    .addColumn('id', t.idType, t.id)
    .addColumn('iid', 'integer', notNull)
    .addColumn('project_id', 'integer', project)
    .addColumn('group_id', 'integer', namespace)
    .addColumn('title', 'text', notNull)
    .addColumn('description', 'text')
    // 'active' | 'closed'
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('due_date', t.date)
    .addColumn('start_date', t.date)
    .addColumn('created_at', t.timestamp, notNull)
    .addColumn('updated_at', t.timestamp, notNull)
    .execute();
  await db.schema
    .createIndex('index_milestones_on_project_id_iid')
    .on('milestones')
    .columns(['project_id', 'iid'])
    .unique()
    .execute();
  await db.schema
    .createIndex('index_milestones_on_group_id_iid')
    .on('milestones')
    .columns(['group_id', 'iid'])
    .unique()
    .execute();
  await db.schema
    .createIndex('index_milestones_on_project_id_title')
    .on('milestones')
    .columns(['project_id', 'title'])
    .unique()
    .execute();
  await db.schema
    .createIndex('index_milestones_on_group_id_title')
    .on('milestones')
    .columns(['group_id', 'title'])
    .unique()
    .execute();
  await db.schema
    .createIndex('index_milestones_on_due_date')
    .on('milestones')
    .columns(['due_date', 'id'])
    .execute();

  await db.schema
    .createTable('issues')
    .addColumn('id', t.idType, t.id)
    .addColumn('iid', 'integer', notNull)
    .addColumn('project_id', 'integer', (c) => project(c).notNull())
    .addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('title', 'text', notNull)
    .addColumn('description', 'text')
    // 'opened' | 'closed'
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('opened'))
    .addColumn('issue_type', 'text', (c) => c.notNull().defaultTo('issue'))
    .addColumn('confidential', 'boolean', bool(false))
    .addColumn('discussion_locked', 'boolean')
    .addColumn('milestone_id', 'integer', (c) => c.references('milestones.id').onDelete('set null'))
    .addColumn('due_date', t.date)
    .addColumn('weight', 'integer')
    .addColumn('relative_position', 'integer')
    .addColumn('time_estimate', 'integer', int0)
    .addColumn('total_time_spent', 'integer', int0)
    .addColumn('upvotes_count', 'integer', int0)
    .addColumn('closed_at', t.timestamp)
    .addColumn('closed_by_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('moved_to_id', 'integer')
    .addColumn('created_at', t.timestamp, notNull)
    .addColumn('updated_at', t.timestamp, notNull)
    .execute();
  const issueIndex = (name: string, columns: string[], unique = false) => {
    const b = db.schema.createIndex(name).on('issues').columns(columns);
    return (unique ? b.unique() : b).execute();
  };
  await issueIndex('index_issues_on_project_id_iid', ['project_id', 'iid'], true);
  await issueIndex('index_issues_on_project_id_created_at_id', ['project_id', 'created_at', 'id']);
  await issueIndex('index_issues_on_project_id_updated_at_id', ['project_id', 'updated_at', 'id']);
  await issueIndex('index_issues_on_project_id_state', ['project_id', 'state', 'created_at', 'id']);
  await issueIndex('index_issues_on_project_id_due_date', ['project_id', 'due_date', 'id']);
  await issueIndex('index_issues_on_project_id_relative_position', ['project_id', 'relative_position', 'id']);
  await issueIndex('index_issues_on_project_id_weight', ['project_id', 'weight', 'id']);
  await issueIndex('index_issues_on_project_id_title', ['project_id', 'title', 'id']);
  await issueIndex('index_issues_on_project_id_upvotes', ['project_id', 'upvotes_count', 'id']);
  await issueIndex('index_issues_on_author_id', ['author_id', 'created_at', 'id']);
  await issueIndex('index_issues_on_milestone_id', ['milestone_id']);
  await issueIndex('index_issues_on_confidential', ['project_id', 'confidential']);
  await issueIndex('index_issues_on_created_at_id', ['created_at', 'id']);

  await db.schema
    .createTable('issue_assignees')
    .addColumn('issue_id', 'integer', (c) => c.notNull().references('issues.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', user)
    .addPrimaryKeyConstraint('issue_assignees_pkey', ['issue_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('index_issue_assignees_on_user_id')
    .on('issue_assignees')
    .columns(['user_id', 'issue_id'])
    .execute();

  await db.schema
    .createTable('label_links')
    .addColumn('id', t.idType, t.id)
    .addColumn('label_id', 'integer', (c) => c.notNull().references('labels.id').onDelete('cascade'))
    // 'Issue' | 'MergeRequest'
    .addColumn('target_type', 'text', notNull)
    .addColumn('target_id', 'integer', notNull)
    .addColumn('created_at', t.timestamp, notNull)
    .execute();
  await db.schema
    .createIndex('index_label_links_on_target_label')
    .on('label_links')
    .columns(['target_type', 'target_id', 'label_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('index_label_links_on_label_id')
    .on('label_links')
    .columns(['label_id', 'target_type', 'target_id'])
    .execute();

  await db.schema
    .createTable('notes')
    .addColumn('id', t.idType, t.id)
    // null | 'DiscussionNote'
    .addColumn('type', 'text')
    .addColumn('note', 'text', notNull)
    .addColumn('noteable_type', 'text', notNull)
    .addColumn('noteable_id', 'integer', notNull)
    .addColumn('project_id', 'integer', project)
    .addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('system', 'boolean', bool(false))
    .addColumn('internal', 'boolean', bool(false))
    .addColumn('discussion_id', 'text', notNull)
    .addColumn('created_at', t.timestamp, notNull)
    .addColumn('updated_at', t.timestamp, notNull)
    .execute();
  await db.schema
    .createIndex('index_notes_on_noteable_created_at')
    .on('notes')
    .columns(['noteable_type', 'noteable_id', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('index_notes_on_discussion_id').on('notes').column('discussion_id').execute();
  await db.schema.createIndex('index_notes_on_author_id').on('notes').column('author_id').execute();

  await db.schema
    .createTable('award_emoji')
    .addColumn('id', t.idType, t.id)
    .addColumn('name', 'text', notNull)
    .addColumn('user_id', 'integer', user)
    .addColumn('awardable_type', 'text', notNull)
    .addColumn('awardable_id', 'integer', notNull)
    .addColumn('created_at', t.timestamp, notNull)
    .addColumn('updated_at', t.timestamp, notNull)
    .execute();
  await db.schema
    .createIndex('index_award_emoji_on_awardable_user_name')
    .on('award_emoji')
    .columns(['awardable_type', 'awardable_id', 'user_id', 'name'])
    .unique()
    .execute();
  await db.schema
    .createIndex('index_award_emoji_on_user_id_name')
    .on('award_emoji')
    .columns(['user_id', 'name'])
    .execute();

  await db.schema
    .createTable('subscriptions')
    .addColumn('id', t.idType, t.id)
    .addColumn('user_id', 'integer', user)
    .addColumn('subscribable_type', 'text', notNull)
    .addColumn('subscribable_id', 'integer', notNull)
    .addColumn('subscribed', 'boolean', bool(true))
    .addColumn('created_at', t.timestamp, notNull)
    .addColumn('updated_at', t.timestamp, notNull)
    .execute();
  await db.schema
    .createIndex('index_subscriptions_on_subscribable_user')
    .on('subscriptions')
    .columns(['subscribable_type', 'subscribable_id', 'user_id'])
    .unique()
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
