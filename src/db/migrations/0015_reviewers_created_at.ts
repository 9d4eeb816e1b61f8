import { type Kysely, sql } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * When a reviewer was added (Entities::MergeRequestReviewer#created_at). Rows from before this
 * migration take their merge request's created_at: most reviewers are named when the merge request
 * is opened, and GitLab never answers null there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('merge_request_reviewers').addColumn('created_at', t.timestamp).execute();
  await sql`UPDATE merge_request_reviewers SET created_at = (SELECT merge_requests.created_at FROM merge_requests WHERE merge_requests.id = merge_request_reviewers.merge_request_id)`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
