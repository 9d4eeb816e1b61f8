import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint, type RouteContext } from '../../http/endpoint.js';
import { invalidParams, notFound } from '../../http/errors.js';
import { findGroup, findProject } from '../../http/lookups.js';
import { paginate } from '../../http/pagination.js';
import { type Infer, type Params, p } from '../../http/params.js';
import { authorize, can } from '../../permissions/index.js';
import type { IssueSubject } from '../../permissions/issues.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { issueTimeRoutes } from './actions_routes.js';
import { issueClosedByRoutes } from './closed_by.js';
import { findIssueList, findIssues, type IssueFilters, issueStatistics, type NotFilters } from './finder.js';
import { CreateIssue, ListIssues, UPDATE_AT_LEAST_ONE, UpdateIssue } from './params.js';
import { presentIssue, presentIssueList } from './present.js';
import { createIssue, deleteIssue, updateIssue } from './service.js';

type ListParams = Infer<typeof ListIssues>;
export const today = (deps: Deps) => deps.clock.now().toISOString().slice(0, 10);

const list = (v: unknown): string[] | undefined =>
  v === undefined || v === null
    ? undefined
    : (Array.isArray(v) ? v.map(String) : String(v).split(',')).map((s) => s.trim()).filter(Boolean);

function notFilters(raw: Params | undefined): NotFilters | undefined {
  if (!raw) return undefined;
  const int = (v: unknown) => (v !== undefined && /^\d+$/.test(String(v)) ? Number(v) : undefined);
  return {
    labels: list(raw.labels),
    milestone: raw.milestone === undefined ? undefined : String(raw.milestone),
    author_id: int(raw.author_id),
    author_username: raw.author_username === undefined ? undefined : String(raw.author_username),
    assignee_id: raw.assignee_id === undefined ? undefined : String(raw.assignee_id),
    assignee_username: list(raw.assignee_username),
    iids: list(raw.iids)?.flatMap((v) => (/^\d+$/.test(v) ? [Number(v)] : [])),
    my_reaction_emoji: raw.my_reaction_emoji === undefined ? undefined : String(raw.my_reaction_emoji),
  };
}

/** The API's params → IssuesFinder filters. */
export function issueFilters(params: ListParams, extra: Partial<IssueFilters> = {}): IssueFilters {
  if (params.author_id !== undefined && params.author_username !== undefined)
    throw invalidParams(['author_id, author_username are mutually exclusive']);
  if (params.assignee_id !== undefined && params.assignee_username !== undefined)
    throw invalidParams(['assignee_id, assignee_username are mutually exclusive']);
  return {
    ...params,
    milestone: params.milestone ?? params.milestone_id,
    issue_type: params.issue_type ? [params.issue_type] : undefined,
    not: notFilters(params.not),
    ...extra,
  };
}

async function listIssues(ctx: RouteContext<ListParams>, filters: IssueFilters, contextProjectId?: number) {
  const list = await findIssueList(ctx.deps.db, ctx.user, filters, today(ctx.deps));
  const rows = await paginate(ctx, list.page, { count: list.count });
  return presentIssueList(ctx.deps, ctx.user, rows, {
    withLabelsDetails: ctx.params.with_labels_details,
    contextProjectId,
  });
}

/** An issue by iid in a project the viewer can see; missing and hidden are the same 404 (C22, C54). */
export async function findIssue(
  deps: Deps,
  user: User | null,
  project: ProjectSubject,
  iid: number,
): Promise<IssueSubject> {
  const issue = await deps.db
    .selectFrom('issues')
    .selectAll()
    .where('project_id', '=', project.project.id)
    .where('iid', '=', iid)
    .executeTakeFirst();
  if (!issue) throw notFound('Issue');
  const assignees = await deps.db
    .selectFrom('issue_assignees')
    .select('user_id')
    .where('issue_id', '=', issue.id)
    .execute();
  const subject = { project, issue, assigneeIds: assignees.map((a) => a.user_id) };
  if (!can(user, 'read_issue_iid', subject)) throw notFound('Issue');
  return subject;
}

/** The project and issue of a `/projects/:id/issues/:issue_iid/…` route. */
export async function projectIssue(deps: Deps, user: User | null, id: string, iid: number) {
  const project = await findProject(deps.db, user, id);
  return findIssue(deps, user, project, iid);
}

export function issuesResource(app: FastifyInstance, deps: Deps): void {
  // GET /issues — doc/api/issues.md#list-issues
  endpoint(app, deps, {
    method: 'GET',
    url: '/issues',
    auth: 'user',
    params: ListIssues,
    handler: (ctx) =>
      listIssues(ctx, issueFilters(ctx.params, { scope: ctx.params.scope ?? 'created_by_me' })),
  });

  // GET /groups/:id/issues — doc/api/issues.md#list-group-issues
  endpoint(app, deps, {
    method: 'GET',
    url: '/groups/:id/issues',
    auth: 'public',
    params: { id: p.idOrPath().required(), ...ListIssues },
    async handler(ctx) {
      const group = await findGroup(deps.db, ctx.user, ctx.params.id);
      return listIssues(ctx, issueFilters(ctx.params, { group_id: group.group.id }));
    },
  });

  // GET /projects/:id/issues — doc/api/issues.md#list-project-issues
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/issues',
    auth: 'public',
    params: { id: p.idOrPath().required(), ...ListIssues },
    async handler(ctx) {
      const project = await findProject(deps.db, ctx.user, ctx.params.id);
      return listIssues(
        ctx,
        issueFilters(ctx.params, { project_id: project.project.id, project }),
        project.project.id,
      );
    },
  });

  // GET /projects/:id/milestones/:milestone_id/issues — doc/api/milestones.md#get-all-issues-assigned-to-a-single-milestone
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/milestones/:milestone_id/issues',
    auth: 'public',
    params: { id: p.idOrPath().required(), ...ListIssues, milestone_id: p.integer().required() },
    async handler(ctx) {
      const project = await findProject(deps.db, ctx.user, ctx.params.id);
      const m = await deps.db
        .selectFrom('milestones')
        .select('id')
        .where('id', '=', ctx.params.milestone_id)
        .where('project_id', '=', project.project.id)
        .executeTakeFirst();
      if (!m) throw notFound('Milestone');
      const rows = await paginate(
        ctx,
        (await findIssues(deps.db, ctx.user, { project_id: project.project.id, project }, today(deps))).where(
          'issues.milestone_id',
          '=',
          m.id,
        ),
      );
      return presentIssueList(deps, ctx.user, rows, { contextProjectId: project.project.id });
    },
  });

  // GET /issues_statistics, /groups/:id/issues_statistics, /projects/:id/issues_statistics — doc/api/issues_statistics.md
  endpoint(app, deps, {
    method: 'GET',
    url: '/issues_statistics',
    auth: 'user',
    params: ListIssues,
    handler: (ctx) =>
      issueStatistics(
        deps.db,
        ctx.user,
        issueFilters(ctx.params, { scope: ctx.params.scope ?? 'created_by_me' }),
        today(deps),
      ),
  });
  endpoint(app, deps, {
    method: 'GET',
    url: '/groups/:id/issues_statistics',
    auth: 'public',
    params: { id: p.idOrPath().required(), ...ListIssues },
    async handler(ctx) {
      const group = await findGroup(deps.db, ctx.user, ctx.params.id);
      return issueStatistics(
        deps.db,
        ctx.user,
        issueFilters(ctx.params, { group_id: group.group.id }),
        today(deps),
      );
    },
  });
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/issues_statistics',
    auth: 'public',
    params: { id: p.idOrPath().required(), ...ListIssues },
    async handler(ctx) {
      const project = await findProject(deps.db, ctx.user, ctx.params.id);
      return issueStatistics(
        deps.db,
        ctx.user,
        issueFilters(ctx.params, { project_id: project.project.id, project }),
        today(deps),
      );
    },
  });

  // GET /projects/:id/issues/:issue_iid — doc/api/issues.md#single-project-issue
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/issues/:issue_iid',
    auth: 'public',
    params: { id: p.idOrPath().required(), issue_iid: p.integer().required() },
    async handler(ctx) {
      const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.issue_iid);
      return presentIssue(deps, ctx.user, s.issue);
    },
  });

  // GET /issues/:id — doc/api/issues.md#single-issue (admins: by global id)
  endpoint(app, deps, {
    method: 'GET',
    url: '/issues/:id',
    auth: 'admin',
    params: { id: p.integer().required() },
    async handler(ctx) {
      const issue = await deps.db
        .selectFrom('issues')
        .selectAll()
        .where('id', '=', ctx.params.id)
        .executeTakeFirst();
      if (!issue) throw notFound('Issue');
      return presentIssue(deps, ctx.user, issue);
    },
  });

  // POST /projects/:id/issues — doc/api/issues.md#new-issue
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/issues',
    auth: 'user',
    params: CreateIssue,
    async handler(ctx) {
      const project = await findProject(deps.db, ctx.user, ctx.params.id);
      authorize(ctx.user, 'create_issue', project);
      const issue = await createIssue(deps, project, ctx.user, {
        ...ctx.params,
        due_date: ctx.params.due_date || undefined,
      });
      ctx.reply.code(201);
      return presentIssue(deps, ctx.user, issue);
    },
  });

  // PUT /projects/:id/issues/:issue_iid — doc/api/issues.md#edit-an-issue
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id/issues/:issue_iid',
    auth: 'user',
    params: UpdateIssue,
    async handler(ctx) {
      const params = ctx.params;
      if (!UPDATE_AT_LEAST_ONE.some((k) => params[k] !== undefined))
        throw invalidParams([
          `${UPDATE_AT_LEAST_ONE.join(', ')} are missing, at least one parameter must be provided`,
        ]);
      const s = await projectIssue(deps, ctx.user, params.id, params.issue_iid);
      authorize(ctx.user, 'update_issue', s);
      const issue = await updateIssue(deps, s.project, ctx.user, s.issue, {
        ...params,
        due_date: params.due_date === '' ? null : params.due_date,
      });
      return presentIssue(deps, ctx.user, issue);
    },
  });

  // DELETE /projects/:id/issues/:issue_iid — doc/api/issues.md#delete-an-issue
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/projects/:id/issues/:issue_iid',
    auth: 'user',
    params: { id: p.idOrPath().required(), issue_iid: p.integer().required() },
    async handler(ctx) {
      const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.issue_iid);
      authorize(ctx.user, 'destroy_issue', s);
      await deleteIssue(deps, s.issue);
    },
  });

  issueTimeRoutes(app, deps);
  issueClosedByRoutes(app, deps);
}
