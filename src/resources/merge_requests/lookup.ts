import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { notFound } from '../../http/errors.js';
import { findProject } from '../../http/lookups.js';
import { can } from '../../permissions/index.js';
import type { MergeRequestSubject } from '../../permissions/merge_requests.js';
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
  return subject;
}

/** The full MergeRequest entity with user.can_merge for the viewer. */
export const present = (deps: Deps, user: User | null, s: MergeRequestSubject, mr = s.mr) =>
  presentMergeRequest(deps, user, mr, async (git) =>
    mr.state === 'opened' && git?.sourceSha ? canMergeInto(deps, s.project, user, mr.target_branch) : false,
  );
