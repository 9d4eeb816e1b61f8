import { type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from 'kysely';
import type { Db } from './connection.js';
import * as m0001 from './migrations/0001_foundation.js';
import * as m0002 from './migrations/0002_internal_ids.js';
import * as m0003 from './migrations/0003_projects_groups.js';
import * as m0004 from './migrations/0004_rate_limits.js';
import * as m0005 from './migrations/0005_users_updated_at_index.js';
import * as m0006 from './migrations/0006_issues.js';
import * as m0007 from './migrations/0007_repositories.js';
import * as m0008 from './migrations/0008_merge_requests.js';
import * as m0009 from './migrations/0009_approvals.js';
import * as m0010 from './migrations/0010_todos_resource_events.js';
import * as m0011 from './migrations/0011_commit_statuses_comments.js';
import * as m0012 from './migrations/0012_issue_list_indexes.js';
import * as m0013 from './migrations/0013_merge_request_diffs.js';
import * as m0014 from './migrations/0014_diff_notes_resolvable.js';
import * as m0014b from './migrations/0014b_issue_filter_indexes.js';
import * as m0015 from './migrations/0015_reviewers_created_at.js';
import * as m0016 from './migrations/0016_label_links_issue_state.js';
import * as m0018 from './migrations/0018_issue_search.js';
import * as m0019 from './migrations/0019_issue_label_bitmaps.js';
import * as m0020 from './migrations/0020_issue_sort_keys.js';

/** Every migration, in order. Append only; never edit one that has shipped. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_internal_ids': m0002,
  '0003_projects_groups': m0003,
  '0004_rate_limits': m0004,
  '0005_users_updated_at_index': m0005,
  '0006_issues': m0006,
  '0007_repositories': m0007,
  '0008_merge_requests': m0008,
  '0009_approvals': m0009,
  '0010_todos_resource_events': m0010,
  '0011_commit_statuses_comments': m0011,
  '0012_issue_list_indexes': m0012,
  '0013_merge_request_diffs': m0013,
  '0014_diff_notes_resolvable': m0014,
  '0014b_issue_filter_indexes': m0014b,
  '0015_reviewers_created_at': m0015,
  '0016_label_links_issue_state': m0016,
  '0018_issue_search': m0018,
  '0019_issue_label_bitmaps': m0019,
  '0020_issue_sort_keys': m0020,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

function migrator(db: Db): Migrator {
  return new Migrator({
    db,
    provider,
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
}

/**
 * Brings the schema up to date. Safe from several processes at once: all pending migrations run
 * in one transaction under a lock (an advisory lock on PostgreSQL; the write lock of BEGIN
 * IMMEDIATE on SQLite, see connection.ts), so one process migrates while the others wait and
 * then find nothing left to do.
 */
export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const result = await migrator(db).migrateToLatest();
  if (result.error) throw result.error;
  return result;
}

export async function migrationStatus(db: Db) {
  return (await migrator(db).getMigrations()).map((m) => ({
    name: m.name,
    executedAt: m.executedAt ?? null,
  }));
}
