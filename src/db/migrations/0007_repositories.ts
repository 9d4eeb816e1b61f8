import type { Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Repositories: whether a project's repository has any branch (kept by pushes and API commits so
 * project lists never ask git), protected branches and tags, and their access levels. One access
 * table serves both: `kind` is push, merge or unprotect for branches, create for tags.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .alterTable('projects')
    .addColumn('empty_repo', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();

  await db.schema
    .createTable('protected_branches')
    .addColumn('id', t.idType, t.id)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('allow_force_push', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('code_owner_approval_required', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('index_protected_branches_on_project_id_and_name')
    .on('protected_branches')
    .columns(['project_id', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('protected_tags')
    .addColumn('id', t.idType, t.id)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('index_protected_tags_on_project_id_and_name')
    .on('protected_tags')
    .columns(['project_id', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('protected_ref_access_levels')
    .addColumn('id', t.idType, t.id)
    .addColumn('protected_branch_id', 'integer', (c) =>
      c.references('protected_branches.id').onDelete('cascade'),
    )
    .addColumn('protected_tag_id', 'integer', (c) => c.references('protected_tags.id').onDelete('cascade'))
    /** push | merge | unprotect | create */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('access_level', 'integer')
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.references('namespaces.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('index_protected_ref_access_levels_on_branch')
    .on('protected_ref_access_levels')
    .column('protected_branch_id')
    .execute();
  await db.schema
    .createIndex('index_protected_ref_access_levels_on_tag')
    .on('protected_ref_access_levels')
    .column('protected_tag_id')
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
