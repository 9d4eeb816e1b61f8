/** Commits::CherryPickService and Commits::RevertService for the API. */
import type { Deps } from '../../deps.js';
import { type Commit, cherryPick, RefConflictError, revertCommit, ZERO_OID } from '../../git/index.js';
import type { User } from '../../http/auth.js';
import { apiMessage, structuredApiError } from '../../http/errors.js';
import { findBranch } from '../branches/service.js';
import { refreshMergeRequestsAfterPush } from '../merge_requests/git_state.js';
import type { RepoContext } from '../repositories/context.js';
import { afterRefsChanged } from '../repositories/storage.js';

export type PickKind = 'cherry-pick' | 'revert';

/** Commit#cherry_pick_message and Commit#revert_message. */
export function pickMessage(kind: PickKind, c: Commit): string {
  if (kind === 'revert') return `Revert "${c.title.trim()}"\n\nThis reverts commit ${c.id}`;
  return `${c.message.trimEnd()}\n\n(cherry picked from commit ${c.id})`;
}

const failure = (kind: PickKind, code: 'conflict' | 'empty', dryRun: boolean) => {
  const done = kind === 'revert' ? 'reverted' : 'cherry-picked';
  return structuredApiError(
    400,
    `Sorry, we cannot ${kind} this commit automatically. This commit may already have been ${done}, or a more recent commit may have updated some of its content.`,
    { error_code: code, ...(dryRun ? { dry_run: 'error' } : {}) },
  );
};

/** Applies the pick or revert on `branch`: the new commit's id, or null on a clean dry run. */
export async function pickCommit(
  deps: Deps,
  ctx: RepoContext,
  user: User,
  kind: PickKind,
  commit: Commit,
  p: { branch: string; dry_run: boolean; message?: string },
): Promise<string | null> {
  const before = await findBranch(ctx.repo, p.branch);
  const now = deps.clock.now();
  const me = { name: user.name, email: user.email, date: now };
  const params = {
    branch: p.branch,
    commit: commit.id,
    message: p.message ?? pickMessage(kind, commit),
    // A cherry-pick keeps the original author; a revert is authored by the caller.
    author:
      kind === 'cherry-pick'
        ? { name: commit.author_name, email: commit.author_email, date: new Date(commit.authored_date) }
        : me,
    committer: me,
    dryRun: p.dry_run,
  };
  let outcome: Awaited<ReturnType<typeof cherryPick>>;
  try {
    outcome = kind === 'revert' ? await revertCommit(ctx.repo, params) : await cherryPick(ctx.repo, params);
  } catch (err) {
    if (err instanceof RefConflictError)
      throw apiMessage(400, `Could not update refs/heads/${p.branch}. Please refresh and try again.`);
    throw err;
  }
  if (outcome.status !== 'done') throw failure(kind, outcome.status, p.dry_run);
  if (outcome.oid) {
    await afterRefsChanged(deps, ctx.subject.project, { pushedBranches: [p.branch] });
    // The picked commit sits on the branch's head as it was: that push's "added 1 commit" note.
    await refreshMergeRequestsAfterPush(
      deps,
      ctx.subject.project.id,
      [{ branch: p.branch, oldrev: before.commit?.id ?? ZERO_OID, newrev: outcome.oid }],
      user,
    );
  }
  return outcome.oid;
}
