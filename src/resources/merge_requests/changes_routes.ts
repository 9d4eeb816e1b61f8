import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { diffTrees, listCommits, rawDiff } from '../../git/index.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { paginateList, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import type { MergeRequestSubject } from '../../permissions/merge_requests.js';
import { toCommit } from '../commits/entity.js';
import { presentIssueList } from '../issues/present.js';
import { toUserBasic } from '../users/entity.js';
import { referencedIssues } from './closing_issues.js';
import { mergeRequestGitState } from './git_state.js';
import { present, projectMergeRequest } from './lookup.js';

const mrParams = { id: p.idOrPath().required(), merge_request_iid: p.integer().required() };

/**
 * The MR's diff range: merge base → source head; what was recorded once merged or closed, and
 * the latest version's range when the source branch is gone.
 */
async function range(deps: Deps, s: MergeRequestSubject) {
  const git = await mergeRequestGitState(deps, s.mr);
  const repo = deps.git.projectRepo(s.project.project.id);
  if (git.sourceSha) return { repo, base: git.baseSha, head: git.sourceSha };
  return { repo, base: s.mr.diff_base_sha, head: s.mr.diff_head_sha };
}

async function participants(deps: Deps, s: MergeRequestSubject): Promise<User[]> {
  const id = s.mr.id;
  const linked = (table: 'merge_request_assignees' | 'merge_request_reviewers') =>
    deps.db.selectFrom(table).select('user_id').where('merge_request_id', '=', id);
  const noteAuthors = deps.db
    .selectFrom('notes')
    .select('author_id')
    .where('noteable_type', '=', 'MergeRequest')
    .where('noteable_id', '=', id)
    .where('system', '=', false)
    .where('internal', '=', false);
  return deps.db
    .selectFrom('users')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('id', '=', s.mr.author_id ?? -1),
        eb('id', 'in', linked('merge_request_assignees')),
        eb('id', 'in', linked('merge_request_reviewers')),
        eb('id', 'in', noteAuthors),
      ]),
    )
    .orderBy('id')
    .execute();
}

/** Reading the change: commits, changes, diffs, raw_diffs, participants. */
export function changesRoutes(app: FastifyInstance, deps: Deps): void {
  // GET /projects/:id/merge_requests/:merge_request_iid/commits — doc/api/merge_requests.md#get-single-merge-request-commits
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid/commits',
    auth: 'public',
    params: { ...mrParams, ...paginationParams },
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      const r = await range(deps, s);
      const commits = r.head
        ? await listCommits(r.repo, { ref: r.base ? `${r.base}..${r.head}` : r.head, limit: 10_000 })
        : [];
      const path = s.project.project.path_with_namespace;
      return paginateList(
        ctx,
        commits.map((c) => toCommit(deps.config, path, c)),
      );
    },
  });

  // GET /projects/:id/merge_requests/:merge_request_iid/changes — doc/api/merge_requests.md#get-single-merge-request-changes
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid/changes',
    auth: 'public',
    params: { ...mrParams, access_raw_diffs: p.boolean(), unidiff: p.boolean() },
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      const r = await range(deps, s);
      const [entity, changes] = await Promise.all([
        present(deps, ctx.user, s),
        r.head ? diffTrees(r.repo, r.base, r.head) : Promise.resolve([]),
      ]);
      return { ...entity, changes, overflow: false };
    },
  });

  // GET /projects/:id/merge_requests/:merge_request_iid/diffs — doc/api/merge_requests.md#list-merge-request-diffs
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid/diffs',
    auth: 'public',
    params: { ...mrParams, unidiff: p.boolean(), ...paginationParams },
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      const r = await range(deps, s);
      return paginateList(ctx, r.head ? await diffTrees(r.repo, r.base, r.head) : []);
    },
  });

  // GET /projects/:id/merge_requests/:merge_request_iid/raw_diffs — doc/api/merge_requests.md#show-merge-request-raw-diffs
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid/raw_diffs',
    auth: 'public',
    params: mrParams,
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      const r = await range(deps, s);
      const text = r.head && r.base ? await rawDiff(r.repo, r.base, r.head) : '';
      return ctx.reply.type('text/plain; charset=utf-8').send(text);
    },
  });

  // GET /projects/:id/merge_requests/:merge_request_iid/closes_issues — doc/api/merge_requests.md#list-issues-that-close-on-merge
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid/closes_issues',
    auth: 'public',
    params: { ...mrParams, ...paginationParams },
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      const { closing } = await referencedIssues(deps, ctx.user, s);
      const page = paginateList(ctx, closing);
      return presentIssueList(
        deps,
        ctx.user,
        page.map((i) => i.issue),
      );
    },
  });

  // GET /projects/:id/merge_requests/:merge_request_iid/related_issues — doc/api/merge_requests.md#list-issues-related-to-the-merge-request
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid/related_issues',
    auth: 'public',
    params: { ...mrParams, ...paginationParams },
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      const { closing, mentioned } = await referencedIssues(deps, ctx.user, s);
      const page = paginateList(ctx, [...closing, ...mentioned]);
      // gitlab-compat: answered as IssueBasic, not the full Issue entity.
      return presentIssueList(
        deps,
        ctx.user,
        page.map((i) => i.issue),
      );
    },
  });

  // GET /projects/:id/merge_requests/:merge_request_iid/participants — doc/api/merge_requests.md#get-single-merge-request-participants
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid/participants',
    auth: 'public',
    params: mrParams,
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      return (await participants(deps, s)).map((u) => toUserBasic(deps.config, u));
    },
  });
}
