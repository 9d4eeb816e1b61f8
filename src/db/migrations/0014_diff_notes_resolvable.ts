import type { Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Merge request threads: a diff note's `position` (GitLab's Gitlab::Diff::Position as JSON text:
 * shas, paths, lines) and the resolution of resolvable notes (who resolved it, and when).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('notes').addColumn('position', 'text').execute();
  await db.schema.alterTable('notes').addColumn('resolved_at', t.timestamp).execute();
  await db.schema
    .alterTable('notes')
    .addColumn('resolved_by_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
