import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { RefConflictError, readRef, writeMergeRef } from '../../git/index.js';
import { endpoint } from '../../http/endpoint.js';
import { apiMessage, unauthorized } from '../../http/errors.js';
import { paginate, paginateList } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { toUserBasic } from '../users/entity.js';
import { mergeRequestGitState } from './git_state.js';
import { projectMergeRequest } from './lookup.js';
import { canMergeInto, defaultMergeMessage } from './merge.js';

export const mergeRef = (iid: number) => `refs/merge-requests/${iid}/merge`;

const mrParams = { id: p.idOrPath().required(), merge_request_iid: p.integer().required() };

/** Pipelines, reviewers, approval state and auto-merge cancel (lib/api/merge_requests.rb). */
export function mergeRequestExtraRoutes(app: FastifyInstance, deps: Deps): void {
  // GET /projects/:id/merge_requests/:merge_request_iid/pipelines — doc/api/merge_requests.md#list-merge-request-pipelines
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid/pipelines',
    auth: 'public',
    params: mrParams,
    async handler(ctx) {
      await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      // labforge runs no CI: a merge request never has pipelines.
      return paginateList(ctx, []);
    },
  });

  // GET /projects/:id/merge_requests/:merge_request_iid/reviewers — doc/api/merge_requests.md#get-single-merge-request-reviewers
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid/reviewers',
    auth: 'public',
    params: mrParams,
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      const rows = await paginate(
        ctx,
        deps.db
          .selectFrom('merge_request_reviewers')
          .innerJoin('users', 'users.id', 'merge_request_reviewers.user_id')
          .selectAll('users')
          .select('merge_request_reviewers.created_at as reviewer_created_at')
          .where('merge_request_reviewers.merge_request_id', '=', s.mr.id)
          .orderBy('users.id'),
      );
      const approved = new Set(
        rows.length
          ? (
              await deps.db
                .selectFrom('approvals')
                .select('user_id')
                .where('merge_request_id', '=', s.mr.id)
                .where(
                  'user_id',
                  'in',
                  rows.map((r) => r.id),
                )
                .execute()
            ).map((a) => a.user_id)
          : [],
      );
      // Entities::MergeRequestReviewer; created_at is when the reviewer was added.
      return rows.map(({ reviewer_created_at, ...u }) => ({
        user: toUserBasic(deps.config, u),
        state: approved.has(u.id) ? 'approved' : 'unreviewed',
        created_at: reviewer_created_at,
      }));
    },
  });

  // GET /projects/:id/merge_requests/:merge_request_iid/approval_state — doc/api/merge_request_approvals.md#get-the-approval-state-of-merge-requests
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid/approval_state',
    auth: 'public',
    params: mrParams,
    async handler(ctx) {
      await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      // Approval rules are a Premium feature; the free tier has none.
      return { approval_rules_overwritten: false, rules: [] };
    },
  });

  // GET /projects/:id/merge_requests/:merge_request_iid/merge_ref — doc/api/merge_requests.md#returns-the-up-to-date-merge-ref-head-commit
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid/merge_ref',
    auth: 'public',
    params: mrParams,
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      const notMergeable = () => apiMessage(400, 'Merge request is not mergeable');
      const git = await mergeRequestGitState(deps, s.mr);
      if (s.mr.state !== 'opened' || !git.sourceSha || !git.targetSha || !git.canBeMerged)
        throw notMergeable();
      // MergeabilityCheckService writes it as the merge request's author (MergeToRefService).
      const author =
        (s.mr.author_id === null
          ? undefined
          : await deps.db
              .selectFrom('users')
              .selectAll()
              .where('id', '=', s.mr.author_id)
              .executeTakeFirst()) ?? ctx.user;
      const repo = deps.git.projectRepo(s.project.project.id);
      const write = () =>
        writeMergeRef(repo, {
          ref: mergeRef(s.mr.iid),
          target: git.targetSha!,
          source: git.sourceSha!,
          message: defaultMergeMessage(s.mr, s.project.project.path_with_namespace),
          author: {
            name: author?.name ?? 'labforge',
            email: author?.email ?? 'labforge@localhost',
            date: deps.clock.now(),
          },
        });
      let commitId: string | null;
      try {
        commitId = await write();
      } catch (err) {
        // Another request wrote it at the same moment: it is the same merge, answer what is there.
        if (!(err instanceof RefConflictError)) throw err;
        commitId = await readRef(repo, mergeRef(s.mr.iid));
      }
      if (!commitId) throw notMergeable();
      return { commit_id: commitId };
    },
  });

  // POST /projects/:id/merge_requests/:merge_request_iid/cancel_merge_when_pipeline_succeeds — doc/api/merge_requests.md#cancel-merge-when-pipeline-succeeds
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/merge_requests/:merge_request_iid/cancel_merge_when_pipeline_succeeds',
    auth: 'user',
    params: mrParams,
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      // MergeRequest#can_cancel_auto_merge?: whoever may merge it, or its author.
      if (
        s.mr.author_id !== ctx.user.id &&
        !(await canMergeInto(deps, s.project, ctx.user, s.mr.target_branch))
      )
        throw unauthorized();
      // labforge never sets auto-merge, so AutoMergeService#cancel always refuses; GitLab's
      // endpoint returns that service result as the body of a plain 201.
      ctx.reply.code(201);
      return { message: "Can't cancel the automatic merge", status: 'error', http_status: 406 };
    },
  });
}
