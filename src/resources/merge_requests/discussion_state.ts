/**
 * MergeRequest#mergeable_discussions_state?: on a project with
 * only_allow_merge_if_all_discussions_are_resolved, an unresolved thread blocks the merge
 * (blocking_discussions_resolved false, detailed_merge_status "discussions_not_resolved", 405).
 */
import type { Db } from '../../db/connection.js';
import type { MergeRequest } from '../../permissions/merge_requests.js';
import { readSettings } from '../projects/settings.js';

/** The ids, among `mrs`, of merge requests whose unresolved threads block merging. One query per page. */
export async function blockedByDiscussions(db: Db, mrs: readonly MergeRequest[]): Promise<Set<number>> {
  // Whatever the state, as GitLab's mergeable_discussions_state? (detailed_merge_status checks the state first).
  if (mrs.length === 0) return new Set();
  const projects = await db
    .selectFrom('projects')
    .select(['id', 'settings'])
    .where('id', 'in', [...new Set(mrs.map((m) => m.project_id))])
    .execute();
  const strict = new Set(
    projects
      .filter((p) => readSettings(p.settings).only_allow_merge_if_all_discussions_are_resolved)
      .map((p) => p.id),
  );
  const ids = mrs.filter((m) => strict.has(m.project_id)).map((m) => m.id);
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('notes')
    .select('noteable_id')
    .distinct()
    .where('noteable_type', '=', 'MergeRequest')
    .where('noteable_id', 'in', ids)
    .where('system', '=', false)
    .where('type', 'in', ['DiscussionNote', 'DiffNote'])
    .where('resolved_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.noteable_id));
}
