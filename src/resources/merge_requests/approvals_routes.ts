import type { FastifyInstance } from 'fastify';
import { type Deps, nowIso } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { apiMessage, recordNotFound, unauthorized } from '../../http/errors.js';
import { p } from '../../http/params.js';
import { authorize, can } from '../../permissions/index.js';
import type { MergeRequestSubject } from '../../permissions/merge_requests.js';
import { toUserBasic } from '../users/entity.js';
import { issuableFields } from './entity.js';
import { mergeRequestGitState } from './git_state.js';
import { projectMergeRequest } from './lookup.js';

const mrParams = { id: p.idOrPath().required(), merge_request_iid: p.integer().required() };

/**
 * The approvals answer: CE's MergeRequestApprovals (lib/api/entities/merge_request_approvals.rb)
 * led by the merge request's IssuableEntity fields and merge_status, as the ApprovalState entity
 * that GitLab.com and the documentation answer with. python-gitlab replaces a merge request's
 * attributes with this answer after `approve()`: without `iid` the object is unusable.
 */
// gitlab-compat: approval rules are a paid feature; the rule fields of ApprovalState are left out and `approved` means "has an approval", as in CE.
async function toMergeRequestApprovals(deps: Deps, viewer: User | null, s: MergeRequestSubject) {
  const [rows, git] = await Promise.all([
    deps.db
      .selectFrom('approvals')
      .innerJoin('users', 'users.id', 'approvals.user_id')
      .selectAll('users')
      .select('approvals.created_at as approved_at')
      .where('approvals.merge_request_id', '=', s.mr.id)
      .orderBy('approvals.id')
      .execute(),
    mergeRequestGitState(deps, s.mr),
  ]);
  const approvedByViewer = viewer !== null && rows.some((r) => r.id === viewer.id);
  return {
    ...issuableFields(s.mr),
    merge_status: git.canBeMerged ? 'can_be_merged' : 'cannot_be_merged',
    user_has_approved: approvedByViewer,
    user_can_approve: !approvedByViewer && can(viewer, 'approve_merge_request', s),
    approved: rows.length > 0,
    approved_by: rows.map(({ approved_at, ...u }) => ({ user: toUserBasic(deps.config, u), approved_at })),
  };
}

/** Approvals (lib/api/merge_request_approvals.rb): status, approve, unapprove, reset. */
export function approvalsRoutes(app: FastifyInstance, deps: Deps): void {
  // GET /projects/:id/merge_requests/:merge_request_iid/approvals — doc/api/merge_request_approvals.md
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid/approvals',
    auth: 'public',
    params: mrParams,
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      return toMergeRequestApprovals(deps, ctx.user, s);
    },
  });

  // POST /projects/:id/merge_requests/:merge_request_iid/approve — doc/api/merge_request_approvals.md#approve-merge-request
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/merge_requests/:merge_request_iid/approve',
    auth: 'user',
    params: { ...mrParams, sha: p.string(), approval_password: p.string() },
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      authorize(ctx.user, 'approve_merge_request', s);
      if (ctx.params.sha !== undefined) {
        const git = await mergeRequestGitState(deps, s.mr);
        if (ctx.params.sha !== git.sourceSha)
          throw apiMessage(409, `SHA does not match HEAD of source branch: ${git.sourceSha}`);
      }
      const now = nowIso(deps);
      const inserted = await deps.db
        .insertInto('approvals')
        .values({ merge_request_id: s.mr.id, user_id: ctx.user.id, created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['merge_request_id', 'user_id']).doNothing())
        .executeTakeFirst();
      // Approving twice: ApprovalService answers false, the API 401.
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw unauthorized();
      ctx.reply.code(201);
      return toMergeRequestApprovals(deps, ctx.user, s);
    },
  });

  // POST /projects/:id/merge_requests/:merge_request_iid/unapprove — doc/api/merge_request_approvals.md#unapprove-merge-request
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/merge_requests/:merge_request_iid/unapprove',
    auth: 'user',
    params: mrParams,
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      authorize(ctx.user, 'approve_merge_request', s);
      const removed = await deps.db
        .deleteFrom('approvals')
        .where('merge_request_id', '=', s.mr.id)
        .where('user_id', '=', ctx.user.id)
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) throw recordNotFound();
      ctx.reply.code(201);
      return toMergeRequestApprovals(deps, ctx.user, s);
    },
  });

  // PUT /projects/:id/merge_requests/:merge_request_iid/reset_approvals — doc/api/merge_request_approvals.md#reset-approvals-of-a-merge-request
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id/merge_requests/:merge_request_iid/reset_approvals',
    auth: 'user',
    params: mrParams,
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      if (!can(ctx.user, 'reset_merge_request_approvals', s)) throw unauthorized();
      await deps.db.deleteFrom('approvals').where('merge_request_id', '=', s.mr.id).execute();
      ctx.reply.code(202);
      return ctx.reply.send();
    },
  });
}
