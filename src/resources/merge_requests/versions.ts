/**
 * Merge request versions (GitLab's merge_request_diffs): one when the MR is created and one for
 * every new head of its source branch. The MR row's diff_* columns hold the latest version's
 * refs; moving them by compare-and-swap is what decides which of two concurrent observers of a
 * push records the version, so a push never yields two versions.
 */
import { type Deps, nowIso } from '../../deps.js';
import { rangePatchId } from '../../git/index.js';
import type { MergeRequest } from '../../permissions/merge_requests.js';
import { changedFilesCount } from './git_cache.js';

export interface VersionRefs {
  head: string;
  base: string | null;
  start: string | null;
}

/** Records a version for `refs.head` unless the MR's latest version already has that head. */
export async function recordVersion(deps: Deps, mr: MergeRequest, refs: VersionRefs): Promise<boolean> {
  if (mr.diff_head_sha === refs.head) return false;
  const repo = deps.git.projectRepo(mr.project_id);
  const [size, patchId] = await Promise.all([
    changedFilesCount(deps, repo, refs.base, refs.head),
    refs.base ? rangePatchId(repo, refs.base, refs.head) : Promise.resolve(null),
  ]);
  const now = nowIso(deps);
  return deps.db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable('merge_requests')
      .set({ diff_head_sha: refs.head, diff_base_sha: refs.base, diff_start_sha: refs.start })
      .where('id', '=', mr.id)
      .where((eb) =>
        mr.diff_head_sha === null
          ? eb('diff_head_sha', 'is', null)
          : eb('diff_head_sha', '=', mr.diff_head_sha),
      )
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return false;
    await trx
      .insertInto('merge_request_diffs')
      .values({
        merge_request_id: mr.id,
        state: size === 0 ? 'empty' : 'collected',
        head_commit_sha: refs.head,
        base_commit_sha: refs.base,
        start_commit_sha: refs.start,
        real_size: String(size),
        patch_id_sha: patchId,
        created_at: now,
      })
      .execute();
    return true;
  });
}

/** The versions of a merge request, newest first (a query, for pagination). */
export function versionsQuery(deps: Deps, mrId: number) {
  return deps.db
    .selectFrom('merge_request_diffs')
    .selectAll()
    .where('merge_request_id', '=', mrId)
    .orderBy('id', 'desc');
}

export function findVersion(deps: Deps, mrId: number, versionId: number) {
  return deps.db
    .selectFrom('merge_request_diffs')
    .selectAll()
    .where('merge_request_id', '=', mrId)
    .where('id', '=', versionId)
    .executeTakeFirst();
}
