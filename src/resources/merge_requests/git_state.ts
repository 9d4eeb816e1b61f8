/**
 * What git says about a merge request, computed synchronously on read so clients never poll:
 * the heads, diff_refs, conflicts and the change count. Merged and closed MRs answer what was
 * recorded when they left the open state.
 */
import type { Deps } from '../../deps.js';
import { diffTrees, mergeBase, mergeTrees, readRef, updateRef } from '../../git/index.js';
import type { MergeRequest } from '../../permissions/merge_requests.js';

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

/** Reads the heads and merges the trees in memory; keeps refs/merge-requests/<iid>/head on the source head. */
export async function mergeRequestGitState(deps: Deps, mr: MergeRequest): Promise<MergeRequestGitState> {
  if (mr.state !== 'opened' && mr.state !== 'locked') {
    return {
      sourceSha: mr.diff_head_sha,
      targetSha: mr.diff_start_sha,
      baseSha: mr.diff_base_sha,
      hasConflicts: false,
      canBeMerged: mr.state === 'merged',
      changesCount: null,
    };
  }
  const repo = deps.git.projectRepo(mr.project_id);
  const [sourceSha, targetSha] = await Promise.all([
    readRef(repo, `refs/heads/${mr.source_branch}`),
    readRef(repo, `refs/heads/${mr.target_branch}`),
  ]);
  if (!sourceSha || !targetSha)
    return {
      sourceSha,
      targetSha,
      baseSha: null,
      hasConflicts: false,
      canBeMerged: false,
      changesCount: null,
    };
  const [baseSha, merged] = await Promise.all([
    mergeBase(repo, targetSha, sourceSha),
    mergeTrees(repo, targetSha, sourceSha),
  ]);
  const diffs = await diffTrees(repo, baseSha, sourceSha);
  await syncHeadRef(deps, mr.project_id, mr.iid, sourceSha);
  return {
    sourceSha,
    targetSha,
    baseSha,
    hasConflicts: !merged.clean,
    canBeMerged: merged.clean,
    changesCount: diffs.length,
  };
}

/** GitLab keeps refs/merge-requests/<iid>/head at the source head (fetchable by clients). */
export async function syncHeadRef(deps: Deps, projectId: number, iid: number, sha: string): Promise<void> {
  const repo = deps.git.projectRepo(projectId);
  const ref = headRef(iid);
  const current = await readRef(repo, ref);
  if (current === sha) return;
  try {
    await updateRef(repo, ref, sha, current);
  } catch {
    // Another reader moved it at the same moment to the same head; nothing to do.
  }
}
