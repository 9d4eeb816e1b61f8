import type { Selectable } from 'kysely';
import type { MergeRequestsTable, NotesTable } from '../db/schema.js';
import type { User } from '../http/auth.js';
import { ACCESS, isAdmin } from './groups.js';
import { type ProjectSubject, projectAbilities } from './projects.js';
import { type RefAccessRule, repositoryAbilities } from './repositories.js';

export type MergeRequest = Selectable<MergeRequestsTable>;

/** A merge request as one actor sees it: its (target) project. */
export interface MergeRequestSubject {
  project: ProjectSubject;
  mr: MergeRequest;
}

export interface MergeRequestNoteSubject {
  mr: MergeRequestSubject;
  note: Selectable<NotesTable>;
}

/** Merging into a branch: `rules` are the merge rules of the protections matching the target (empty: unprotected). */
export interface MergeSubject {
  project: ProjectSubject;
  protectedRules: readonly RefAccessRule[] | null;
}

const atLeast = (actor: User | null, s: ProjectSubject, level: number) =>
  actor !== null && (isAdmin(actor) || s.access >= level);

/** Abilities over merge requests (GitLab's MergeRequestPolicy). */
export const mergeRequestAbilities = {
  read_merge_request_iid: (actor: User | null, s: MergeRequestSubject) =>
    projectAbilities.read_merge_request(actor, s.project),
  create_merge_request: (actor: User | null, s: ProjectSubject) =>
    projectAbilities.create_merge_request_in(actor, s) && !s.project.archived,
  /**
   * GitLab's create_merge_request_in: the target of a merge request from a fork — anyone signed
   * in who can read the project's merge requests (a contributor needs no membership upstream).
   */
  target_merge_request_in: (actor: User | null, s: ProjectSubject) =>
    actor !== null && projectAbilities.read_merge_request(actor, s) && !s.project.archived,
  /** Labels, milestones, assignees and reviewers: Reporter+. */
  admin_merge_request: (actor: User | null, s: ProjectSubject) => atLeast(actor, s, ACCESS.REPORTER),
  update_merge_request: (actor: User | null, s: MergeRequestSubject) =>
    actor !== null &&
    !s.project.project.archived &&
    projectAbilities.read_merge_request(actor, s.project) &&
    (s.mr.author_id === actor.id || atLeast(actor, s.project, ACCESS.DEVELOPER)),
  destroy_merge_request: (actor: User | null, s: MergeRequestSubject) =>
    atLeast(actor, s.project, ACCESS.OWNER),
  /** Comments: anyone signed in who reads the MR; a locked discussion takes Reporter+ only. */
  create_merge_request_note: (actor: User | null, s: MergeRequestSubject) =>
    actor !== null &&
    projectAbilities.read_merge_request(actor, s.project) &&
    (!s.mr.discussion_locked || atLeast(actor, s.project, ACCESS.REPORTER)),
  update_merge_request_note: (actor: User | null, n: MergeRequestNoteSubject) =>
    actor !== null && !n.note.system && n.note.author_id === actor.id,
  destroy_merge_request_note: (actor: User | null, n: MergeRequestNoteSubject) =>
    actor !== null &&
    !n.note.system &&
    (n.note.author_id === actor.id || atLeast(actor, n.mr.project, ACCESS.MAINTAINER)),
  /** Resolving threads: the merge request's author, or Developer+ (Discussion#can_resolve?). */
  resolve_merge_request_note: (actor: User | null, s: MergeRequestSubject) =>
    actor !== null &&
    projectAbilities.read_merge_request(actor, s.project) &&
    (s.mr.author_id === actor.id || atLeast(actor, s.project, ACCESS.DEVELOPER)),
  award_merge_request_emoji: (actor: User | null, s: MergeRequestSubject) =>
    actor !== null && projectAbilities.read_merge_request(actor, s.project),
  /** Developers and above approve open merge requests (CE's approve_merge_request). */
  approve_merge_request: (actor: User | null, s: MergeRequestSubject) =>
    atLeast(actor, s.project, ACCESS.DEVELOPER) && !s.project.project.archived && s.mr.state !== 'merged',
  reset_merge_request_approvals: (actor: User | null, s: MergeRequestSubject) =>
    atLeast(actor, s.project, ACCESS.MAINTAINER) && s.mr.state !== 'merged',
  /** MergeRequest#can_be_merged_by?: push access to the target branch, or its merge rules when protected. */
  merge_merge_request: (actor: User | null, s: MergeSubject) =>
    projectAbilities.push_code(actor, s.project) &&
    (s.protectedRules === null ||
      repositoryAbilities.access_protected_ref(actor, { project: s.project, rules: s.protectedRules })),
};
