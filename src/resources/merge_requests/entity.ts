import type { Config } from '../../config.js';
import type { User } from '../../http/auth.js';
import { webUrl } from '../../http/urls.js';
import type { MergeRequest } from '../../permissions/merge_requests.js';
import { humanDuration } from '../issues/time_tracking.js';
import type { Label } from '../labels/entity.js';
import { toLabelBasic } from '../labels/entity.js';
import type { Milestone } from '../milestones/entity.js';
import { toMilestone } from '../milestones/entity.js';
import { toUserBasic } from '../users/entity.js';
import type { MergeRequestGitState } from './git_state.js';

/** Everything a page of merge requests needs besides the rows (batch-loaded by present.ts). */
export interface MergeRequestRelations {
  labels: Map<number, Label[]>;
  assignees: Map<number, User[]>;
  reviewers: Map<number, User[]>;
  users: Map<number, User>;
  milestones: Map<number, Milestone>;
  milestonePaths: (m: Milestone) => string;
  projectPaths: Map<number, string>;
  /** The target project's merge method ('merge' | 'rebase_merge' | 'ff'). */
  mergeMethods: Map<number, string>;
  notesCount: Map<number, number>;
  votes: Map<number, { up: number; down: number }>;
  git: Map<number, MergeRequestGitState>;
  /** Merge requests whose unresolved threads block merging (discussion_state.ts). */
  blockedByDiscussions: Set<number>;
}

export interface MergeRequestPresenter {
  config: Pick<Config, 'externalUrl'>;
  today: string;
  relations: MergeRequestRelations;
  withLabelsDetails?: boolean;
  contextProjectId?: number;
}

export const DRAFT = /^\s*(?:\[draft\]|\(draft\)|draft:|draft\s-|draft\s|\[wip\]|wip:|wip\s)/i;
export const isDraft = (title: string) => DRAFT.test(title);

function taskCompletion(description: string | null) {
  const items = description?.match(/^\s*(?:[-*+]|\d+[.)])\s+\[([ xX])\]/gm) ?? [];
  return { count: items.length, completed_count: items.filter((i) => /\[[xX]\]/.test(i)).length };
}

/** MergeRequest#detailed_merge_status for the checks labforge runs (no pipelines or approvals yet). */
export function detailedMergeStatus(
  mr: MergeRequest,
  git: MergeRequestGitState | undefined,
  mergeMethod: string | undefined,
  blockedByDiscussions = false,
): string {
  if (mr.state !== 'opened') return 'not_open';
  if (isDraft(mr.title)) return 'draft_status';
  if (!git?.sourceSha || !git.targetSha) return 'broken_status';
  if (git.hasConflicts) return 'conflict';
  if (blockedByDiscussions) return 'discussions_not_resolved';
  // Semi-linear and fast-forward merges need the source on top of the target.
  if (mergeMethod && mergeMethod !== 'merge' && git.baseSha !== git.targetSha) return 'need_rebase';
  return 'mergeable';
}

const userBasic = (p: MergeRequestPresenter, id: number | null) => {
  const u = id === null ? undefined : p.relations.users.get(id);
  return u ? toUserBasic(p.config, u) : null;
};

const bool = (v: unknown) => (v === null || v === undefined ? null : Boolean(v));

function references(p: MergeRequestPresenter, mr: MergeRequest) {
  const path = p.relations.projectPaths.get(mr.project_id) ?? '';
  return {
    short: `!${mr.iid}`,
    relative: p.contextProjectId === mr.project_id ? `!${mr.iid}` : `${path}!${mr.iid}`,
    full: `${path}!${mr.iid}`,
  };
}

/** lib/api/entities/issuable_entity.rb: the fields every merge request answer starts with. */
export function issuableFields(mr: MergeRequest) {
  return {
    id: mr.id,
    iid: mr.iid,
    project_id: mr.project_id,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    created_at: mr.created_at,
    updated_at: mr.updated_at,
  };
}

/** lib/api/entities/merge_request_simple.rb */
export function toMergeRequestSimple(config: Pick<Config, 'externalUrl'>, path: string, mr: MergeRequest) {
  return { ...issuableFields(mr), web_url: webUrl(config, `${path}/-/merge_requests/${mr.iid}`) };
}

/** lib/api/entities/merge_request_basic.rb */
export function toMergeRequestBasic(p: MergeRequestPresenter, mr: MergeRequest) {
  const r = p.relations;
  const labels = r.labels.get(mr.id) ?? [];
  const assignees = (r.assignees.get(mr.id) ?? []).map((u) => toUserBasic(p.config, u));
  const reviewers = (r.reviewers.get(mr.id) ?? []).map((u) => toUserBasic(p.config, u));
  const milestone = mr.milestone_id === null ? undefined : r.milestones.get(mr.milestone_id);
  const votes = r.votes.get(mr.id) ?? { up: 0, down: 0 };
  const git = r.git.get(mr.id);
  const draft = isDraft(mr.title);
  const merged = mr.state === 'merged';
  const refs = references(p, mr);
  return {
    id: mr.id,
    iid: mr.iid,
    project_id: mr.project_id,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    created_at: mr.created_at,
    updated_at: mr.updated_at,
    merged_by: merged ? userBasic(p, mr.merge_user_id) : null,
    merge_user: userBasic(p, mr.merge_user_id),
    merged_at: mr.merged_at,
    closed_by: userBasic(p, mr.closed_by_id),
    closed_at: mr.closed_at,
    target_branch: mr.target_branch,
    source_branch: mr.source_branch,
    user_notes_count: r.notesCount.get(mr.id) ?? 0,
    upvotes: votes.up,
    downvotes: votes.down,
    author: userBasic(p, mr.author_id),
    assignees,
    assignee: assignees[0] ?? null,
    reviewers,
    source_project_id: mr.source_project_id,
    target_project_id: mr.project_id,
    labels: p.withLabelsDetails ? labels.map(toLabelBasic) : labels.map((l) => l.title),
    draft,
    imported: false,
    imported_from: 'none',
    work_in_progress: draft,
    milestone: milestone ? toMilestone(p.config, milestone, r.milestonePaths(milestone), p.today) : null,
    merge_when_pipeline_succeeds: false,
    merge_status: git?.canBeMerged ? 'can_be_merged' : 'cannot_be_merged',
    detailed_merge_status: detailedMergeStatus(
      mr,
      git,
      r.mergeMethods.get(mr.project_id),
      r.blockedByDiscussions.has(mr.id),
    ),
    merge_after: null,
    sha: git?.sourceSha ?? mr.diff_head_sha,
    merge_commit_sha: mr.merge_commit_sha,
    squash_commit_sha: mr.squash_commit_sha,
    discussion_locked: bool(mr.discussion_locked),
    should_remove_source_branch: null,
    force_remove_source_branch: bool(mr.force_remove_source_branch),
    prepared_at: mr.created_at,
    // allow_collaboration and allow_maintainer_to_push appear only on merge requests from forks.
    ...(mr.source_project_id === mr.project_id
      ? {}
      : {
          allow_collaboration: Boolean(mr.allow_collaboration),
          allow_maintainer_to_push: Boolean(mr.allow_collaboration),
        }),
    reference: refs.short,
    references: refs,
    web_url: webUrl(p.config, `${r.projectPaths.get(mr.project_id) ?? ''}/-/merge_requests/${mr.iid}`),
    time_stats: {
      time_estimate: mr.time_estimate,
      total_time_spent: mr.total_time_spent,
      human_time_estimate: humanDuration(mr.time_estimate),
      human_total_time_spent: humanDuration(mr.total_time_spent),
    },
    squash: Boolean(mr.squash),
    squash_on_merge: Boolean(mr.squash),
    task_completion_status: taskCompletion(mr.description),
    has_conflicts: git?.hasConflicts ?? false,
    blocking_discussions_resolved: !r.blockedByDiscussions.has(mr.id),
    approvals_before_merge: null,
  };
}

/** lib/api/entities/merge_request.rb (the single-MR entity). */
export function toMergeRequest(
  p: MergeRequestPresenter,
  mr: MergeRequest,
  extra: { subscribed: boolean; canMerge: boolean },
) {
  const git = p.relations.git.get(mr.id);
  const count = git?.changesCount;
  return {
    ...toMergeRequestBasic(p, mr),
    subscribed: extra.subscribed,
    changes_count: count === null || count === undefined ? null : String(count),
    latest_build_started_at: null,
    latest_build_finished_at: null,
    first_deployed_to_production_at: null,
    pipeline: null,
    head_pipeline: null,
    // With the source branch gone, the latest version's refs (as GitLab shows its last diff).
    diff_refs: git?.sourceSha
      ? { base_sha: git.baseSha, head_sha: git.sourceSha, start_sha: git.targetSha }
      : mr.diff_head_sha
        ? { base_sha: mr.diff_base_sha, head_sha: mr.diff_head_sha, start_sha: mr.diff_start_sha }
        : null,
    merge_error: null,
    first_contribution: false,
    user: { can_merge: extra.canMerge },
  };
}
