import type { FastifyInstance } from 'fastify';
import type { Selectable } from 'kysely';
import type { Config } from '../../config.js';
import type { MergeRequestDiffsTable } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { diffTrees, listCommits } from '../../git/index.js';
import { endpoint } from '../../http/endpoint.js';
import { recordNotFound } from '../../http/errors.js';
import { paginate, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { toCommit } from '../commits/entity.js';
import { mergeRequestGitState } from './git_state.js';
import { projectMergeRequest } from './lookup.js';
import { findVersion, versionsQuery } from './versions.js';

type Version = Selectable<MergeRequestDiffsTable>;

const mrParams = { id: p.idOrPath().required(), merge_request_iid: p.integer().required() };

/** lib/api/entities/merge_request_diff.rb */
export const toMergeRequestDiff = (v: Version) => ({
  id: v.id,
  head_commit_sha: v.head_commit_sha,
  base_commit_sha: v.base_commit_sha,
  start_commit_sha: v.start_commit_sha,
  created_at: v.created_at,
  merge_request_id: v.merge_request_id,
  state: v.state,
  real_size: v.real_size,
  patch_id_sha: v.patch_id_sha,
});

/** lib/api/entities/merge_request_diff_full.rb: the version with its commits and diffs. */
async function toMergeRequestDiffFull(config: Config, repo: string, projectPath: string, v: Version) {
  const [commits, diffs] = await Promise.all([
    listCommits(repo, {
      ref: v.base_commit_sha ? `${v.base_commit_sha}..${v.head_commit_sha}` : v.head_commit_sha,
      limit: 10_000,
    }),
    diffTrees(repo, v.base_commit_sha, v.head_commit_sha),
  ]);
  return {
    ...toMergeRequestDiff(v),
    commits: commits.map((c) => toCommit(config, projectPath, c)),
    diffs,
  };
}

/** Versions: GET …/versions and …/versions/:version_id (doc/api/merge_requests.md). */
export function versionsRoutes(app: FastifyInstance, deps: Deps): void {
  // GET /projects/:id/merge_requests/:merge_request_iid/versions — doc/api/merge_requests.md#get-merge-request-diff-versions
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid/versions',
    auth: 'public',
    params: { ...mrParams, ...paginationParams },
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      // Reading the git state records a version for a head no push has reported yet.
      await mergeRequestGitState(deps, s.mr);
      const rows = await paginate(ctx, versionsQuery(deps, s.mr.id));
      return rows.map(toMergeRequestDiff);
    },
  });

  // GET /projects/:id/merge_requests/:merge_request_iid/versions/:version_id — doc/api/merge_requests.md#get-a-single-merge-request-diff-version
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid/versions/:version_id',
    auth: 'public',
    params: { ...mrParams, version_id: p.integer().required(), unidiff: p.boolean() },
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      const v = await findVersion(deps, s.mr.id, ctx.params.version_id);
      if (!v) throw recordNotFound();
      const repo = deps.git.projectRepo(s.project.project.id);
      return toMergeRequestDiffFull(deps.config, repo, s.project.project.path_with_namespace, v);
    },
  });
}
