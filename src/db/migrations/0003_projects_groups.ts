import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { columnTypes, lowerIndex } from '../columns.js';

/**
 * Namespaces (users' and groups), their hierarchy as a closure table (every ancestor/descendant
 * pair, so "all descendants" and "all ancestors" are one indexed query), projects (records only;
 * the repository lives in hashed storage by project id, so renames never move it), members,
 * group and project shares, stars, topics and redirect routes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  const bool = (v: boolean) => (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(v);
  const text = (v: string) => (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(v);

  await db.schema
    .createTable('namespaces')
    .addColumn('id', t.idType, t.id)
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('full_path', 'text', (c) => c.notNull())
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'integer', (c) => c.references('namespaces.id').onDelete('cascade'))
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('visibility_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('description', 'text', text(''))
    .addColumn('avatar_url', 'text')
    .addColumn('request_access_enabled', 'boolean', bool(true))
    .addColumn('share_with_group_lock', 'boolean', bool(false))
    .addColumn('require_two_factor_authentication', 'boolean', bool(false))
    .addColumn('two_factor_grace_period', 'integer', (c) => c.notNull().defaultTo(48))
    .addColumn('project_creation_level', 'text', text('developer'))
    .addColumn('subgroup_creation_level', 'text', text('maintainer'))
    .addColumn('emails_enabled', 'boolean', bool(true))
    .addColumn('mentions_disabled', 'boolean', bool(false))
    .addColumn('lfs_enabled', 'boolean', bool(true))
    .addColumn('auto_devops_enabled', 'boolean')
    .addColumn('default_branch', 'text')
    .addColumn('default_branch_protection', 'integer', (c) => c.notNull().defaultTo(2))
    .addColumn('prevent_sharing_groups_outside_hierarchy', 'boolean', bool(false))
    .addColumn('pending_delete', 'boolean', bool(false))
    .addColumn('marked_for_deletion_on', t.date)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await lowerIndex(db, 'index_namespaces_on_lower_full_path', 'namespaces', 'full_path').execute();
  await db.schema.createIndex('index_namespaces_on_parent_id').on('namespaces').column('parent_id').execute();
  await db.schema.createIndex('index_namespaces_on_owner_id').on('namespaces').column('owner_id').execute();
  await db.schema
    .createIndex('index_namespaces_on_type_name_id')
    .on('namespaces')
    .columns(['type', 'name', 'id'])
    .execute();

  // Closure table: one row per (ancestor, descendant), including (n, n) at depth 0.
  await db.schema
    .createTable('namespace_hierarchy')
    .addColumn('ancestor_id', 'integer', (c) => c.notNull().references('namespaces.id').onDelete('cascade'))
    .addColumn('descendant_id', 'integer', (c) => c.notNull().references('namespaces.id').onDelete('cascade'))
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('namespace_hierarchy_pkey', ['ancestor_id', 'descendant_id'])
    .execute();
  await db.schema
    .createIndex('index_namespace_hierarchy_on_descendant')
    .on('namespace_hierarchy')
    .columns(['descendant_id', 'ancestor_id'])
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', t.idType, t.id)
    .addColumn('namespace_id', 'integer', (c) => c.notNull().references('namespaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('path_with_namespace', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('visibility_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('default_branch', 'text')
    .addColumn('archived', 'boolean', bool(false))
    .addColumn('issues_access_level', 'text', text('enabled'))
    .addColumn('repository_access_level', 'text', text('enabled'))
    .addColumn('merge_requests_access_level', 'text', text('enabled'))
    .addColumn('forking_access_level', 'text', text('enabled'))
    .addColumn('wiki_access_level', 'text', text('enabled'))
    .addColumn('builds_access_level', 'text', text('enabled'))
    .addColumn('snippets_access_level', 'text', text('enabled'))
    .addColumn('pages_access_level', 'text', text('private'))
    .addColumn('analytics_access_level', 'text', text('enabled'))
    .addColumn('container_registry_access_level', 'text', text('enabled'))
    .addColumn('releases_access_level', 'text', text('enabled'))
    .addColumn('environments_access_level', 'text', text('enabled'))
    .addColumn('merge_method', 'text', text('merge'))
    .addColumn('squash_option', 'text', text('default_off'))
    // The long tail of flags and texts that no query filters on, as JSON (defaults live in code).
    .addColumn('settings', 'text', text('{}'))
    .addColumn('avatar_url', 'text')
    .addColumn('forked_from_project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('star_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('creator_id', 'integer')
    .addColumn('repository_storage', 'text', text('default'))
    .addColumn('pending_delete', 'boolean', bool(false))
    .addColumn('marked_for_deletion_at', t.date)
    .addColumn('last_activity_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await lowerIndex(
    db,
    'index_projects_on_lower_path_with_namespace',
    'projects',
    'path_with_namespace',
  ).execute();
  await db.schema
    .createIndex('index_projects_on_namespace_id_id')
    .on('projects')
    .columns(['namespace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('index_projects_on_visibility_id')
    .on('projects')
    .columns(['visibility_level', 'id'])
    .execute();
  await db.schema
    .createIndex('index_projects_on_forked_from')
    .on('projects')
    .column('forked_from_project_id')
    .execute();
  await db.schema
    .createIndex('index_projects_on_last_activity_id')
    .on('projects')
    .columns(['last_activity_at', 'id'])
    .execute();
  await db.schema.createIndex('index_projects_on_name_id').on('projects').columns(['name', 'id']).execute();
  await db.schema.createIndex('index_projects_on_creator_id').on('projects').column('creator_id').execute();

  await db.schema
    .createTable('project_topics')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('project_topics_pkey', ['project_id', 'name'])
    .execute();
  await db.schema
    .createIndex('index_project_topics_on_name')
    .on('project_topics')
    .columns(['name', 'project_id'])
    .execute();

  await db.schema
    .createTable('members')
    .addColumn('id', t.idType, t.id)
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('access_level', 'integer', (c) => c.notNull())
    .addColumn('expires_at', t.date)
    .addColumn('created_by_id', 'integer')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('members_source_user_unique', ['source_type', 'source_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('index_members_on_user_id')
    .on('members')
    .columns(['user_id', 'source_type', 'source_id'])
    .execute();

  await db.schema
    .createTable('group_group_links')
    .addColumn('id', t.idType, t.id)
    .addColumn('shared_group_id', 'integer', (c) =>
      c.notNull().references('namespaces.id').onDelete('cascade'),
    )
    .addColumn('shared_with_group_id', 'integer', (c) =>
      c.notNull().references('namespaces.id').onDelete('cascade'),
    )
    .addColumn('group_access', 'integer', (c) => c.notNull())
    .addColumn('expires_at', t.date)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('group_group_links_unique', ['shared_group_id', 'shared_with_group_id'])
    .execute();
  await db.schema
    .createIndex('index_group_group_links_on_with')
    .on('group_group_links')
    .column('shared_with_group_id')
    .execute();

  await db.schema
    .createTable('project_group_links')
    .addColumn('id', t.idType, t.id)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('namespaces.id').onDelete('cascade'))
    .addColumn('group_access', 'integer', (c) => c.notNull())
    .addColumn('expires_at', t.date)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('project_group_links_unique', ['project_id', 'group_id'])
    .execute();
  await db.schema
    .createIndex('index_project_group_links_on_group')
    .on('project_group_links')
    .column('group_id')
    .execute();

  await db.schema
    .createTable('users_star_projects')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('users_star_projects_pkey', ['user_id', 'project_id'])
    .execute();
  await db.schema
    .createIndex('index_users_star_projects_on_project')
    .on('users_star_projects')
    .column('project_id')
    .execute();

  await db.schema
    .createTable('redirect_routes')
    .addColumn('id', t.idType, t.id)
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await lowerIndex(db, 'index_redirect_routes_on_lower_path', 'redirect_routes', 'path').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
