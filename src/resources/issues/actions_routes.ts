import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { invalidParams } from '../../http/errors.js';
import { findProject } from '../../http/lookups.js';
import { paginate } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { authorize } from '../../permissions/index.js';
import { setSubscription } from '../labels/subscriptions.js';
import { toUserBasic } from '../users/entity.js';
import { toIssuableTimeStats } from './entity.js';
import { moveIssue } from './move.js';
import { presentIssue } from './present.js';
import { projectIssue } from './routes.js';
import { setTime } from './service.js';
import { parseDuration } from './time_tracking.js';

const IssueParams = { id: p.idOrPath().required(), issue_iid: p.integer().required() };

const duration = (raw: string) => {
  const seconds = parseDuration(raw);
  // gitlab-compat: GitLab answers an unparsable duration with a model error; this names the parameter.
  if (seconds === null) throw invalidParams(['duration is invalid']);
  return seconds;
};

/** Subscriptions, participants and time tracking of an issue. */
export function issueTimeRoutes(app: FastifyInstance, deps: Deps): void {
  // POST /projects/:id/issues/:issue_iid/move — doc/api/issues.md#move-an-issue
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/issues/:issue_iid/move',
    auth: 'user',
    params: { ...IssueParams, to_project_id: p.integer().required() },
    async handler(ctx) {
      const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.issue_iid);
      const target = await findProject(deps.db, ctx.user, String(ctx.params.to_project_id));
      const moved = await moveIssue(deps, ctx.user, s, target);
      ctx.reply.code(201);
      return presentIssue(deps, ctx.user, moved);
    },
  });

  for (const [action, on] of [
    ['subscribe', true],
    ['unsubscribe', false],
  ] as const) {
    // POST /projects/:id/issues/:issue_iid/(un)subscribe — doc/api/issues.md#subscribe-to-an-issue
    endpoint(app, deps, {
      method: 'POST',
      url: `/projects/:id/issues/:issue_iid/${action}`,
      auth: 'user',
      params: IssueParams,
      async handler(ctx) {
        const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.issue_iid);
        if (!(await setSubscription(deps, ctx.user.id, 'Issue', s.issue.id, on)))
          return ctx.reply.code(304).send();
        ctx.reply.code(201);
        return presentIssue(deps, ctx.user, s.issue);
      },
    });
  }

  // GET /projects/:id/issues/:issue_iid/participants — doc/api/issues.md#list-participants-in-an-issue
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/issues/:issue_iid/participants',
    auth: 'public',
    params: IssueParams,
    async handler(ctx) {
      const { issue, assigneeIds } = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.issue_iid);
      const commenters = deps.db
        .selectFrom('notes')
        .select('author_id')
        .where('noteable_type', '=', 'Issue')
        .where('noteable_id', '=', issue.id)
        .where('system', '=', false);
      const ids = [issue.author_id ?? -1, ...assigneeIds];
      const rows = await paginate(
        ctx,
        deps.db
          .selectFrom('users')
          .selectAll()
          .where((eb) => eb.or([eb('id', 'in', ids), eb('id', 'in', commenters)]))
          .orderBy('id'),
      );
      return rows.map((u) => toUserBasic(deps.config, u));
    },
  });

  // POST /projects/:id/issues/:issue_iid/time_estimate — doc/api/issues.md#set-a-time-estimate-for-an-issue
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/issues/:issue_iid/time_estimate',
    auth: 'user',
    params: { ...IssueParams, duration: p.string().required() },
    async handler(ctx) {
      const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.issue_iid);
      authorize(ctx.user, 'admin_issue', s.project);
      const seconds = duration(ctx.params.duration);
      if (seconds < 0) throw invalidParams(['duration is invalid']);
      ctx.reply.code(200);
      return toIssuableTimeStats(await setTime(deps, s.issue, { time_estimate: seconds }));
    },
  });

  // POST /projects/:id/issues/:issue_iid/reset_time_estimate — doc/api/issues.md#reset-the-time-estimate-for-an-issue
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/issues/:issue_iid/reset_time_estimate',
    auth: 'user',
    params: IssueParams,
    async handler(ctx) {
      const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.issue_iid);
      authorize(ctx.user, 'admin_issue', s.project);
      ctx.reply.code(200);
      return toIssuableTimeStats(await setTime(deps, s.issue, { time_estimate: 0 }));
    },
  });

  // POST /projects/:id/issues/:issue_iid/add_spent_time — doc/api/issues.md#add-spent-time-for-an-issue
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/issues/:issue_iid/add_spent_time',
    auth: 'user',
    params: { ...IssueParams, duration: p.string().required(), summary: p.string() },
    async handler(ctx) {
      const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.issue_iid);
      authorize(ctx.user, 'admin_issue', s.project);
      const total = Math.max(0, s.issue.total_time_spent + duration(ctx.params.duration));
      ctx.reply.code(201);
      return toIssuableTimeStats(await setTime(deps, s.issue, { total_time_spent: total }));
    },
  });

  // POST /projects/:id/issues/:issue_iid/reset_spent_time — doc/api/issues.md#reset-spent-time-for-an-issue
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/issues/:issue_iid/reset_spent_time',
    auth: 'user',
    params: IssueParams,
    async handler(ctx) {
      const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.issue_iid);
      authorize(ctx.user, 'admin_issue', s.project);
      ctx.reply.code(200);
      return toIssuableTimeStats(await setTime(deps, s.issue, { total_time_spent: 0 }));
    },
  });

  // GET /projects/:id/issues/:issue_iid/time_stats — doc/api/issues.md#get-time-tracking-stats
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/issues/:issue_iid/time_stats',
    auth: 'public',
    params: IssueParams,
    async handler(ctx) {
      const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.issue_iid);
      return toIssuableTimeStats(s.issue);
    },
  });
}
