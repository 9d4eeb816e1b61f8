/**
 * What git says about a merge request, computed synchronously on read so clients never poll:
 * the heads, diff_refs, conflicts and the change count. Merged and closed MRs answer what was
 * recorded when they left the open state.
 */
import type { Deps } from '../../deps.js';
import { fetchCommit, RefConflictError, readRef, readRefs, updateRef } from '../../git/index.js';
import type { User } from '../../http/auth.js';
import type { MergeRequest } from '../../permissions/merge_requests.js';
import { changedFilesCount, mergeability } from './git_cache.js';
import { noteAddedCommits } from './push_notes.js';
import { recordVersion } from './versions.js';

export interface MergeRequestGitState {
  sourceSha: string | null;
  targetSha: string | null;
  baseSha: string | null;
  hasConflicts: boolean;
  /** Whether the source can be merged as it is (false when a branch is gone or conflicts). */
  canBeMerged: boolean;
  changesCount: number | null;
}

export const headRef = (iid: number) => `refs/merge-requests/${iid}/head`;

const recorded = (mr: MergeRequest): MergeRequestGitState => ({
  sourceSha: mr.diff_head_sha,
  targetSha: mr.diff_start_sha,
  baseSha: mr.diff_base_sha,
  hasConflicts: false,
  canBeMerged: mr.state === 'merged',
  changesCount: null,
});

/** The source heads of fork merge requests, read from each source project's repository. */
async function forkSourceHeads(deps: Deps, mrs: readonly MergeRequest[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const bySource = new Map<number, MergeRequest[]>();
  for (const m of mrs)
    if (m.source_project_id !== m.project_id)
      bySource.set(m.source_project_id, [...(bySource.get(m.source_project_id) ?? []), m]);
  await Promise.all(
    [...bySource].map(async ([sourceId, list]) => {
      const refs = await readRefs(
        deps.git.projectRepo(sourceId),
        list.map((m) => `refs/heads/${m.source_branch}`),
      );
      for (const m of list) {
        const sha = refs.get(`refs/heads/${m.source_branch}`);
        if (sha) out.set(m.id, sha);
      }
    }),
  );
  return out;
}

/**
 * The git state of a page of merge requests: one `for-each-ref` per project for every source,
 * target and head ref (sources of fork MRs from the fork's repository), then a merge base and
 * an in-memory merge per open MR (in parallel), and the change count only when asked (the
 * single-MR entity). Head refs that lag are moved — for a fork MR after copying the source
 * commits into the target repository — and a new source head is recorded as a version.
 */
export async function mergeRequestGitStates(
  deps: Deps,
  mrs: readonly MergeRequest[],
  opts: { withChanges?: boolean } = {},
): Promise<Map<number, MergeRequestGitState>> {
  const out = new Map<number, MergeRequestGitState>();
  const open = mrs.filter((m) => m.state === 'opened' || m.state === 'locked');
  // Merged and closed MRs answer from their last recorded version; its change count still shows
  // (GitLab keeps the merge request diff), read from objects refs/merge-requests/<iid>/head keeps.
  await Promise.all(
    mrs
      .filter((m) => !open.includes(m))
      .map(async (m) => {
        const state = recorded(m);
        if (opts.withChanges && state.sourceSha)
          state.changesCount = await changedFilesCount(
            deps,
            deps.git.projectRepo(m.project_id),
            state.baseSha,
            state.sourceSha,
          ).catch(() => null);
        out.set(m.id, state);
      }),
  );
  const byProject = new Map<number, MergeRequest[]>();
  for (const m of open) byProject.set(m.project_id, [...(byProject.get(m.project_id) ?? []), m]);
  const forkHeads = await forkSourceHeads(deps, open);
  await Promise.all(
    [...byProject].map(async ([projectId, list]) => {
      const repo = deps.git.projectRepo(projectId);
      const refs = await readRefs(
        repo,
        list.flatMap((m) => [
          ...(m.source_project_id === projectId ? [`refs/heads/${m.source_branch}`] : []),
          `refs/heads/${m.target_branch}`,
          headRef(m.iid),
        ]),
      );
      await Promise.all(
        list.map(async (m) => {
          const sourceSha =
            (m.source_project_id === projectId
              ? refs.get(`refs/heads/${m.source_branch}`)
              : forkHeads.get(m.id)) ?? null;
          const targetSha = refs.get(`refs/heads/${m.target_branch}`) ?? null;
          if (!sourceSha || !targetSha) {
            out.set(m.id, {
              sourceSha,
              targetSha,
              baseSha: null,
              hasConflicts: false,
              canBeMerged: false,
              changesCount: null,
            });
            return;
          }
          const current = refs.get(headRef(m.iid)) ?? null;
          if (current !== sourceSha) {
            if (m.source_project_id !== projectId)
              await fetchCommit(repo, deps.git.projectRepo(m.source_project_id), sourceSha);
            await moveHeadRef(repo, m.iid, sourceSha, current);
          }
          const { baseSha, clean } = await mergeability(deps, repo, targetSha, sourceSha);
          if (m.diff_head_sha !== sourceSha)
            await recordVersion(deps, m, { head: sourceSha, base: baseSha, start: targetSha });
          const changesCount = opts.withChanges
            ? await changedFilesCount(deps, repo, baseSha, sourceSha)
            : null;
          out.set(m.id, {
            sourceSha,
            targetSha,
            baseSha,
            hasConflicts: !clean,
            canBeMerged: clean,
            changesCount,
          });
        }),
      );
    }),
  );
  return out;
}

/** One merge request's git state, with its change count. */
export async function mergeRequestGitState(deps: Deps, mr: MergeRequest): Promise<MergeRequestGitState> {
  return (await mergeRequestGitStates(deps, [mr], { withChanges: true })).get(mr.id)!;
}

async function moveHeadRef(repo: string, iid: number, sha: string, current: string | null) {
  try {
    await updateRef(repo, headRef(iid), sha, current);
  } catch (err) {
    // Another reader moved it at the same moment to the same head; nothing to do.
    if (!(err instanceof RefConflictError)) throw err;
  }
}

/** GitLab keeps refs/merge-requests/<iid>/head at the source head (fetchable by clients). */
export async function syncHeadRef(
  deps: Deps,
  projectId: number,
  iid: number,
  sha: string,
  sourceProjectId = projectId,
): Promise<void> {
  const repo = deps.git.projectRepo(projectId);
  const current = await readRef(repo, headRef(iid));
  if (current === sha) return;
  if (sourceProjectId !== projectId) await fetchCommit(repo, deps.git.projectRepo(sourceProjectId), sha);
  await moveHeadRef(repo, iid, sha, current);
}

/** One pushed branch: its name, previous head (zeros when created) and new head (zeros when deleted). */
export interface BranchPush {
  branch: string;
  oldrev: string;
  newrev: string;
}

/**
 * After a push (MergeRequests::RefreshService's part that labforge needs): the open merge
 * requests whose source is one of the pushed branches get their head ref moved (commits copied
 * for forks), a new version recorded and, as the pusher, the "added N commits" system note.
 * Mergeability is computed on read, so pushes to a target branch need nothing here.
 */
// `git push` and the API's branch moves (files, commits, cherry-pick, revert) run this, as GitLab's
// post-receive does for both. gitlab-compat: a rebase (the MR's own) writes no note here.
export async function refreshMergeRequestsAfterPush(
  deps: Deps,
  projectId: number,
  pushes: readonly BranchPush[],
  pusher: User,
): Promise<void> {
  if (!pushes.length) return;
  const mrs = await deps.db
    .selectFrom('merge_requests')
    .selectAll()
    .where('source_project_id', '=', projectId)
    .where('source_branch', 'in', [...new Set(pushes.map((p) => p.branch))])
    .where('state', 'in', ['opened', 'locked'])
    .execute();
  if (!mrs.length) return;
  const states = await mergeRequestGitStates(deps, mrs);
  for (const mr of mrs) {
    const push = pushes.find((p) => p.branch === mr.source_branch);
    const state = states.get(mr.id);
    if (!push || !state?.sourceSha || state.sourceSha !== push.newrev) continue;
    await noteAddedCommits(deps, mr, pusher, {
      oldrev: push.oldrev,
      newrev: push.newrev,
      previousHead: mr.diff_head_sha,
      targetSha: state.targetSha,
    });
  }
}
