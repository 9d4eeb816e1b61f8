/**
 * Commits::CreateService for the API (files and commits endpoints): the branch's protection, the
 * git layer's commit with a compare-and-swap on the branch, GitLab's error messages, then the
 * project's bookkeeping.
 */
import type { Deps } from '../../deps.js';
import {
  type CommitAction,
  CommitActionError,
  commitFiles,
  InvalidArgumentError,
  InvalidRefNameError,
  isValidBranchName,
  NotFoundError,
  RefConflictError,
  ZERO_OID,
} from '../../git/index.js';
import type { User } from '../../http/auth.js';
import { apiMessage, forbidden } from '../../http/errors.js';
import { canPushToBranch } from '../branches/service.js';
import { refreshMergeRequestsAfterPush } from '../merge_requests/git_state.js';
import { loadBranchRules, matching } from '../protected_branches/rules.js';
import type { RepoContext } from '../repositories/context.js';
import { afterRefsChanged } from '../repositories/storage.js';

export interface ApiCommitParams {
  branch: string;
  start_branch?: string;
  start_sha?: string;
  commit_message: string;
  author_email?: string;
  author_name?: string;
  force?: boolean;
  actions: CommitAction[];
  /** See CommitFilesParams.expectedHead (the files API's last_commit_id lock). */
  expectedHead?: string | null;
}

/** helpers.rb `authorize_push_to_branch!` */
export async function authorizePushToBranch(deps: Deps, ctx: RepoContext, user: User, branch: string) {
  const rules = matching(await loadBranchRules(deps.db, ctx.subject.project.id), branch);
  if (!canPushToBranch(user, ctx.subject, rules))
    throw forbidden('You are not allowed to push into this branch');
}

export async function commitToBranch(
  deps: Deps,
  ctx: RepoContext,
  user: User,
  p: ApiCommitParams,
): Promise<{ oid: string }> {
  if (!isValidBranchName(p.branch)) throw apiMessage(400, 'Branch name is invalid');
  await authorizePushToBranch(deps, ctx, user, p.branch);
  let result: Awaited<ReturnType<typeof commitFiles>>;
  try {
    result = await commitFiles(ctx.repo, {
      branch: p.branch,
      start_branch: p.start_branch ?? null,
      start_sha: p.start_sha ?? null,
      message: p.commit_message,
      author: {
        name: p.author_name ?? user.name,
        email: p.author_email ?? user.email,
        date: deps.clock.now(),
      },
      committer: { name: user.name, email: user.email, date: deps.clock.now() },
      actions: p.actions,
      force: p.force,
      expectedHead: p.expectedHead,
    });
  } catch (err) {
    throw commitError(err, p);
  }
  await afterRefsChanged(deps, ctx.subject.project, { pushedBranches: [p.branch] });
  // As after a push (GitLab's post-receive runs for API commits too): open merge requests from
  // this branch get the "added N commits" note.
  const oldrev = result.branchCreated || !result.parent ? ZERO_OID : result.parent;
  await refreshMergeRequestsAfterPush(
    deps,
    ctx.subject.project.id,
    [{ branch: p.branch, oldrev, newrev: result.oid }],
    user,
  );
  return { oid: result.oid };
}

/** The git layer's typed failures as GitLab words them (400 with a message). */
function commitError(err: unknown, p: ApiCommitParams): unknown {
  if (err instanceof CommitActionError) {
    if (err.message.startsWith('The file has changed'))
      return apiMessage(
        400,
        'You are attempting to update a file that has changed since you started editing it.',
      );
    return apiMessage(400, err.message);
  }
  // Gitaly's updateref.Error text for a branch that moved under the commit (UserCommitFiles).
  if (err instanceof RefConflictError)
    return apiMessage(400, `Could not update refs/heads/${p.branch}. Please refresh and try again.`);
  if (err instanceof NotFoundError) {
    if (err.what === 'start_branch') return apiMessage(400, `Cannot find start_branch '${p.start_branch}'`);
    if (err.what === 'start_sha') return apiMessage(400, `Cannot find start_sha '${p.start_sha}'`);
    return apiMessage(400, 'You can only create or edit files when you are on a branch');
  }
  if (err instanceof InvalidRefNameError) return apiMessage(400, 'Branch name is invalid');
  if (err instanceof InvalidArgumentError) {
    // Gitaly's index errors for a bad action path (OperationService#index_error_message).
    if (err.message.includes('file path traversal'))
      return apiMessage(400, 'Path cannot include directory traversal');
    if (err.message.includes('file path inside .git') || err.message.includes('file path segment'))
      return apiMessage(400, `invalid path: '${err.argument}'`);
    return apiMessage(400, `Invalid ${err.message.replace(/^invalid git argument \((.*)\)$/, '$1')}`);
  }
  return err;
}
