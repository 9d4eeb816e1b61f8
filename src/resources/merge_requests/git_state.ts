/**
 * What git says about a merge request, computed synchronously on read so clients never poll:
 * the heads, diff_refs, conflicts and the change count. Merged and closed MRs answer what was
 * recorded when they left the open state.
 */
import type { Deps } from '../../deps.js';
import {
  diffTrees,
  mergeBase,
  mergeTrees,
  RefConflictError,
  readRef,
  readRefs,
  updateRef,
} from '../../git/index.js';
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

interface Mergeability {
  baseSha: string | null;
  clean: boolean;
}

/**
 * Merge base and cleanliness depend only on the two commits, so they are remembered per git
 * layer (bounded, oldest dropped first): a list page costs one for-each-ref per project once its
 * heads have been seen. Safe across instances: the key is the pair of immutable object ids.
 */
const MERGEABILITY_CACHE_SIZE = 10_000;
const mergeabilityCaches = new WeakMap<object, Map<string, Mergeability>>();

async function mergeability(deps: Deps, repo: string, target: string, source: string): Promise<Mergeability> {
  let cache = mergeabilityCaches.get(deps.git);
  if (!cache) {
    cache = new Map();
    mergeabilityCaches.set(deps.git, cache);
  }
  const key = `${repo}\0${target}\0${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const [baseSha, merged] = await Promise.all([
    mergeBase(repo, target, source),
    mergeTrees(repo, target, source),
  ]);
  const value = { baseSha, clean: merged.clean };
  cache.set(key, value);
  if (cache.size > MERGEABILITY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return value;
}

const recorded = (mr: MergeRequest): MergeRequestGitState => ({
  sourceSha: mr.diff_head_sha,
  targetSha: mr.diff_start_sha,
  baseSha: mr.diff_base_sha,
  hasConflicts: false,
  canBeMerged: mr.state === 'merged',
  changesCount: null,
});

/**
 * The git state of a page of merge requests: one `for-each-ref` per project for every source,
 * target and head ref, then a merge base and an in-memory merge per open MR (in parallel), and
 * the change count only when asked (the single-MR entity). Head refs that lag are moved.
 */
export async function mergeRequestGitStates(
  deps: Deps,
  mrs: readonly MergeRequest[],
  opts: { withChanges?: boolean } = {},
): Promise<Map<number, MergeRequestGitState>> {
  const out = new Map<number, MergeRequestGitState>();
  const open = mrs.filter((m) => m.state === 'opened' || m.state === 'locked');
  for (const m of mrs) if (!open.includes(m)) out.set(m.id, recorded(m));
  const byProject = new Map<number, MergeRequest[]>();
  for (const m of open) byProject.set(m.project_id, [...(byProject.get(m.project_id) ?? []), m]);
  await Promise.all(
    [...byProject].map(async ([projectId, list]) => {
      const repo = deps.git.projectRepo(projectId);
      const refs = await readRefs(
        repo,
        list.flatMap((m) => [
          `refs/heads/${m.source_branch}`,
          `refs/heads/${m.target_branch}`,
          headRef(m.iid),
        ]),
      );
      await Promise.all(
        list.map(async (m) => {
          const sourceSha = refs.get(`refs/heads/${m.source_branch}`) ?? null;
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
          const { baseSha, clean } = await mergeability(deps, repo, targetSha, sourceSha);
          const changesCount = opts.withChanges ? (await diffTrees(repo, baseSha, sourceSha)).length : null;
          const current = refs.get(headRef(m.iid)) ?? null;
          if (current !== sourceSha) await moveHeadRef(repo, m.iid, sourceSha, current);
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
export async function syncHeadRef(deps: Deps, projectId: number, iid: number, sha: string): Promise<void> {
  const repo = deps.git.projectRepo(projectId);
  const current = await readRef(repo, headRef(iid));
  if (current !== sha) await moveHeadRef(repo, iid, sha, current);
}
