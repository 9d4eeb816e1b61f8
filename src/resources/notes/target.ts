import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { can } from '../../permissions/index.js';
import type { Note } from '../../permissions/issues.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { projectIssue } from '../issues/routes.js';
import { projectMergeRequest } from '../merge_requests/lookup.js';
import type { Noteable } from './service.js';

/**
 * What the notes, discussions and award emoji routes need to know about the thing a note hangs
 * on, for one viewer: written once per noteable type, so those routes are written once.
 */
export interface NoteTarget {
  noteable: Noteable & { type: 'Issue' | 'MergeRequest' };
  iid: number;
  project: ProjectSubject;
  /** The notes of this noteable the viewer may read. */
  notes: () => ReturnType<typeof baseNotes>;
  mayCreateNote: boolean;
  mayUpdateNote: (n: Note) => boolean;
  mayDestroyNote: (n: Note) => boolean;
  /** Resolving threads (merge requests only: its author or Developer+). */
  mayResolve: boolean;
  maySetCreatedAt: boolean;
  mayAward: boolean;
  /** Merge request threads take diff positions and can be resolved. */
  resolvable: boolean;
}

const baseNotes = (deps: Deps, type: string, id: number) =>
  deps.db.selectFrom('notes').selectAll().where('noteable_type', '=', type).where('noteable_id', '=', id);

export async function issueTarget(
  deps: Deps,
  user: User | null,
  id: string,
  iid: number,
): Promise<NoteTarget> {
  const s = await projectIssue(deps, user, id, iid);
  const internal = can(user, 'read_internal_note', s);
  return {
    noteable: { type: 'Issue', id: s.issue.id, projectId: s.issue.project_id },
    iid: s.issue.iid,
    project: s.project,
    notes: () => baseNotes(deps, 'Issue', s.issue.id).$if(!internal, (q) => q.where('internal', '=', false)),
    mayCreateNote: can(user, 'create_note', s),
    mayUpdateNote: (note) => can(user, 'update_note', { issue: s, note }),
    mayDestroyNote: (note) => can(user, 'destroy_note', { issue: s, note }),
    mayResolve: false,
    maySetCreatedAt: can(user, 'set_issue_created_at', s.project),
    mayAward: can(user, 'award_emoji', s),
    resolvable: false,
  };
}

// gitlab-compat: internal notes on merge requests are not offered (GitLab allows them on issues and epics only).
export async function mergeRequestTarget(
  deps: Deps,
  user: User | null,
  id: string,
  iid: number,
): Promise<NoteTarget> {
  const s = await projectMergeRequest(deps, user, id, iid);
  return {
    noteable: { type: 'MergeRequest', id: s.mr.id, projectId: s.mr.project_id },
    iid: s.mr.iid,
    project: s.project,
    notes: () => baseNotes(deps, 'MergeRequest', s.mr.id),
    mayCreateNote: can(user, 'create_merge_request_note', s),
    mayUpdateNote: (note) => can(user, 'update_merge_request_note', { mr: s, note }),
    mayDestroyNote: (note) => can(user, 'destroy_merge_request_note', { mr: s, note }),
    mayResolve: can(user, 'resolve_merge_request_note', s),
    maySetCreatedAt: can(user, 'set_issue_created_at', s.project),
    mayAward: can(user, 'award_merge_request_emoji', s),
    resolvable: true,
  };
}
