import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { notFound } from '../../http/errors.js';
import { findProject } from '../../http/lookups.js';
import { can } from '../../permissions/index.js';
import type { MergeRequest, MergeRequestSubject } from '../../permissions/merge_requests.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { canMergeInto } from './merge.js';
import { presentMergeRequest } from './present.js';

/** A merge request by iid in a project the viewer can see; missing and hidden are the same 404. */
export async function projectMergeRequest(
  deps: Deps,
  user: User | null,
  id: string,
  iid: number,
): Promise<MergeRequestSubject> {
  const project = await findProject(deps.db, user, id);
  return findMergeRequest(deps, user, project, iid);
}

async function findMergeRequest(deps: Deps, user: User | null, project: ProjectSubject, iid: number) {
  const mr = await deps.db
    .selectFrom('merge_requests')
    .selectAll()
    .where('project_id', '=', project.project.id)
    .where('iid', '=', iid)
    .executeTakeFirst();
  const subject = mr ? { project, mr } : undefined;
  if (!subject || !can(user, 'read_merge_request_iid', subject)) throw notFound('Merge Request');
  if (subject.mr.state === 'locked') subject.mr = await releaseStaleLock(deps, subject.mr);
  return subject;
}

/** A merge holds its lock for seconds; one older than this was left by a merge that died. */
export const STALE_MERGE_LOCK_MS = 10 * 60 * 1000;

/**
 * A merge whose process died between taking the lock and finishing leaves the MR `locked` for
 * good. As GitLab's StuckMergeJobsWorker unlocks merge requests whose merge job is gone, a lock
 * older than STALE_MERGE_LOCK_MS (taking it sets updated_at) is released back to `opened` when
 * the MR is next read or merged; the update re-checks the time, so a lock just taken is untouched.
 */
async function releaseStaleLock(deps: Deps, mr: MergeRequest): Promise<MergeRequest> {
  const cutoff = new Date(deps.clock.now().getTime() - STALE_MERGE_LOCK_MS);
  if (!(new Date(mr.updated_at as unknown as string | Date) < cutoff)) return mr;
  const released = await deps.db
    .updateTable('merge_requests')
    .set({ state: 'opened' })
    .where('id', '=', mr.id)
    .where('state', '=', 'locked')
    .where('updated_at', '<', cutoff.toISOString())
    .returningAll()
    .executeTakeFirst();
  return released ?? mr;
}

/** The full MergeRequest entity with user.can_merge for the viewer. */
export const present = (deps: Deps, user: User | null, s: MergeRequestSubject, mr = s.mr) =>
  presentMergeRequest(deps, user, mr, async (git) =>
    mr.state === 'opened' && git?.sourceSha ? canMergeInto(deps, s.project, user, mr.target_branch) : false,
  );
