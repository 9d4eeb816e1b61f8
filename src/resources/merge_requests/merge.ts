/**
 * Accepting a merge request (MergeRequests::MergeService): the checks in GitLab's order, a lock
 * on the row (state 'locked') so two merges at once cannot both run, the merge method of the
 * project (merge commit, semi-linear, fast-forward), optional squash, and the source branch
 * removed afterwards when asked.
 */
import { type Deps, nowIso } from '../../deps.js';
import {
  deleteRef,
  isAncestor,
  mergeBranch,
  RefConflictError,
  rebaseCommits,
  squashCommits,
  updateRef,
} from '../../git/index.js';
import type { User } from '../../http/auth.js';
import { ApiError, apiMessage, forbidden, methodNotAllowed, unauthorized } from '../../http/errors.js';
import { can } from '../../permissions/index.js';
import type { MergeRequest } from '../../permissions/merge_requests.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { loadBranchRules, matching } from '../protected_branches/rules.js';
import { recordMergeRequestMerged } from './activity.js';
import { closeIssuesOnMerge } from './closing_issues.js';
import { blockedByDiscussions } from './discussion_state.js';
import { isDraft } from './entity.js';
import { type MergeRequestGitState, mergeRequestGitState, syncHeadRef } from './git_state.js';

/** MergeRequest#can_be_merged_by?: push access, and the merge rules when the target is protected. */
export async function canMergeInto(deps: Deps, s: ProjectSubject, user: User | null, branch: string) {
  const rules = matching(await loadBranchRules(deps.db, s.project.id), branch);
  return can(user, 'merge_merge_request', {
    project: s,
    protectedRules: rules.length ? rules.flatMap((r) => r.merge) : null,
  });
}

export interface MergeOptions {
  merge_commit_message?: string;
  squash_commit_message?: string;
  squash?: boolean;
  should_remove_source_branch?: boolean;
  sha?: string;
}

const branchCannotBeMerged = () => apiMessage(422, 'Branch cannot be merged');

export function defaultMergeMessage(mr: MergeRequest, fullPath: string) {
  return [
    `Merge branch '${mr.source_branch}' into '${mr.target_branch}'`,
    mr.title,
    `See merge request ${fullPath}!${mr.iid}`,
  ].join('\n\n');
}

function squashWanted(s: ProjectSubject, mr: MergeRequest, asked: boolean | undefined) {
  const option = s.project.squash_option;
  if (option === 'always') return true;
  if (option === 'never') return false;
  return asked ?? Boolean(mr.squash);
}

async function runMerge(
  deps: Deps,
  s: ProjectSubject,
  user: User,
  mr: MergeRequest,
  git: MergeRequestGitState & { sourceSha: string; targetSha: string },
  opts: MergeOptions,
) {
  const repo = deps.git.projectRepo(s.project.id);
  const author = { name: user.name, email: user.email, date: deps.clock.now() };
  const method = s.project.merge_method;
  let head = git.sourceSha;
  let squashSha: string | null = null;
  if (squashWanted(s, mr, opts.squash)) {
    squashSha = await squashCommits(repo, {
      base: git.baseSha ?? git.targetSha,
      head,
      message: opts.squash_commit_message ?? mr.title,
      author,
    });
    head = squashSha;
  }
  const outcome = await mergeBranch(repo, {
    targetBranch: mr.target_branch,
    source: head,
    expectedTarget: git.targetSha,
    message: opts.merge_commit_message ?? defaultMergeMessage(mr, s.project.path_with_namespace),
    author,
    fastForwardOnly: method === 'ff',
  });
  if (outcome.status !== 'merged') throw branchCannotBeMerged();
  return {
    mergedSha: outcome.oid,
    mergeCommitSha: outcome.fastForward ? null : outcome.oid,
    squashSha,
  };
}

/**
 * PUT /projects/:id/merge_requests/:merge_request_iid/merge
 *
 * Refusals, as lib/api/merge_requests.rb answers them (checked in this order):
 * - 401 `401 Unauthorized`: the caller cannot merge into the target branch;
 * - 405 `405 Method Not Allowed`: not mergeable now (`MergeRequest#mergeable?`) — closed, merged
 *   or locked, draft, source or target branch gone, conflicts, unresolved discussions when the
 *   project requires them resolved, or a source that must be rebased first (fast-forward and
 *   semi-linear projects). Checked before `sha`, so a stale `sha` on such an MR is still 405;
 * - 409 `SHA does not match HEAD of source branch: <head>`: `sha` given and not the source head;
 * - 422 `Branch cannot be merged`: the merge itself failed (the target moved under it).
 * gitlab-compat: GitLab's own `Branch cannot be merged` check right after the 405 one (406 in
 * older releases, 422 now) does not fire without auto-merge, which labforge does not have;
 * labforge has no pipelines, so "pipelines must succeed" is not checked.
 */
export async function acceptMergeRequest(
  deps: Deps,
  s: ProjectSubject,
  user: User,
  mr: MergeRequest,
  opts: MergeOptions,
): Promise<MergeRequest> {
  if (!(await canMergeInto(deps, s, user, mr.target_branch))) throw unauthorized();
  const git = await mergeRequestGitState(deps, mr);
  if (mr.state !== 'opened' || isDraft(mr.title) || !git.sourceSha || !git.targetSha || git.hasConflicts)
    throw methodNotAllowed();
  if ((await blockedByDiscussions(deps.db, [mr])).size) throw methodNotAllowed();
  // Semi-linear and fast-forward need the source rebased on the target first (should_be_rebased?).
  if (
    s.project.merge_method !== 'merge' &&
    !(await isAncestor(deps.git.projectRepo(s.project.id), git.targetSha, git.sourceSha))
  )
    throw methodNotAllowed();
  if (opts.sha !== undefined && opts.sha !== git.sourceSha)
    throw apiMessage(409, `SHA does not match HEAD of source branch: ${git.sourceSha}`);
  // The lock: only one request moves an open MR to 'locked'; the others find it no longer open.
  const locked = await deps.db
    .updateTable('merge_requests')
    .set({ state: 'locked', updated_at: nowIso(deps) }) // when the lock was taken: lookup.ts
    .where('id', '=', mr.id)
    .where('state', '=', 'opened')
    .executeTakeFirst();
  if (Number(locked.numUpdatedRows) !== 1) throw methodNotAllowed();
  let result: Awaited<ReturnType<typeof runMerge>>;
  try {
    result = await runMerge(
      deps,
      s,
      user,
      mr,
      { ...git, sourceSha: git.sourceSha, targetSha: git.targetSha },
      opts,
    );
  } catch (err) {
    await deps.db.updateTable('merge_requests').set({ state: 'opened' }).where('id', '=', mr.id).execute();
    if (err instanceof ApiError) throw err;
    if (err instanceof RefConflictError) throw branchCannotBeMerged();
    throw err;
  }
  const now = nowIso(deps);
  const removeSource = opts.should_remove_source_branch ?? Boolean(mr.force_remove_source_branch);
  const merged = await deps.db
    .updateTable('merge_requests')
    .set({
      state: 'merged',
      merge_commit_sha: result.mergeCommitSha,
      squash_commit_sha: result.squashSha,
      merged_commit_sha: result.mergedSha,
      merge_user_id: user.id,
      merged_at: now,
      diff_head_sha: git.sourceSha,
      diff_base_sha: git.baseSha,
      diff_start_sha: git.targetSha,
      updated_at: now,
    })
    .where('id', '=', mr.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await deps.db.transaction().execute((trx) => recordMergeRequestMerged(trx, now, user, merged));
  if (removeSource) await removeSourceBranch(deps, mr.source_project_id, mr.source_branch, git.sourceSha);
  await closeIssuesOnMerge(deps, user, { project: s, mr: merged });
  return merged;
}

/**
 * Deletes the source branch (in the fork, for a fork MR) if it is still where it was merged
 * from, unprotected and not the default.
 */
async function removeSourceBranch(deps: Deps, projectId: number, branch: string, sha: string) {
  const project = await deps.db
    .selectFrom('projects')
    .select('default_branch')
    .where('id', '=', projectId)
    .executeTakeFirst();
  if (!project || branch === project.default_branch) return;
  if (matching(await loadBranchRules(deps.db, projectId), branch).length) return;
  try {
    await deleteRef(deps.git.projectRepo(projectId), `refs/heads/${branch}`, sha);
  } catch (err) {
    // Pushed to since the merge: keep it, as GitLab keeps a branch with new commits.
    if (!(err instanceof RefConflictError)) throw err;
  }
}

/** Push access to a branch: push_code, and the push rules when it is protected. */
async function canPushTo(deps: Deps, s: ProjectSubject, user: User, branch: string) {
  const rules = matching(await loadBranchRules(deps.db, s.project.id), branch);
  if (!rules.length) return can(user, 'push_code', s);
  return can(user, 'access_protected_ref', { project: s, rules: rules.flatMap((r) => r.push) });
}

/**
 * PUT …/rebase: replays the source branch on the target head and moves it by compare-and-swap.
 * Runs before the answer, so `rebase_in_progress` is already false.
 * gitlab-compat: a conflicting rebase leaves the branch as it was without recording merge_error.
 */
export async function rebaseMergeRequest(deps: Deps, s: ProjectSubject, user: User, mr: MergeRequest) {
  // gitlab-compat: rebasing a merge request from a fork (which pushes to the fork) is refused.
  if (mr.source_project_id !== mr.project_id) throw forbidden();
  if (!(await canPushTo(deps, s, user, mr.source_branch))) throw forbidden();
  const git = await mergeRequestGitState(deps, mr);
  if (mr.state !== 'opened' || !git.sourceSha || !git.targetSha) throw methodNotAllowed();
  if (!git.baseSha || git.baseSha === git.targetSha) return;
  const repo = deps.git.projectRepo(s.project.id);
  const out = await rebaseCommits(repo, {
    onto: git.targetSha,
    base: git.baseSha,
    head: git.sourceSha,
    committer: { name: user.name, email: user.email, date: deps.clock.now() },
  });
  if (out.status !== 'rebased') return;
  try {
    await updateRef(repo, `refs/heads/${mr.source_branch}`, out.oid, git.sourceSha);
  } catch (err) {
    if (err instanceof RefConflictError)
      throw apiMessage(
        409,
        'Failed to enqueue the rebase operation, possibly due to a long-lived transaction. Try again later.',
      );
    throw err;
  }
  await syncHeadRef(deps, s.project.id, mr.iid, out.oid);
}
