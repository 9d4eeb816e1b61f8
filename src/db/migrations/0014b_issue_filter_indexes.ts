import type { Kysely } from 'kysely';

/**
 * Two more issue indexes, found with the 200,000-issue benchmark (issue 6) after 0012 had landed
 * (0012 is not edited: a database that ran it gets these too). Named after the last migration on main
 * when it landed (0014), since Kysely refuses a migration that sorts before one already run.
 * - The milestone filter inside a project, with or without a state: (project_id, milestone_id,
 *   state, created_at, id) answers the page and the total from the index alone.
 * - Counts and statistics over several projects (group and instance level) test each issue's
 *   project, state, confidentiality and author for the viewer: (project_id, state, confidential,
 *   author_id) holds all four, so they need no row lookups.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('index_issues_on_project_id_milestone_id_state')
    .on('issues')
    .columns(['project_id', 'milestone_id', 'state', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('index_issues_on_project_id_state_confidential_author')
    .on('issues')
    .columns(['project_id', 'state', 'confidential', 'author_id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
