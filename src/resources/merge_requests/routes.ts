import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { countCommits } from '../../git/index.js';
import type { User } from '../../http/auth.js';
import { endpoint, type RouteContext } from '../../http/endpoint.js';
import { ApiError, invalidParams } from '../../http/errors.js';
import { findGroup, findProject } from '../../http/lookups.js';
import { paginate } from '../../http/pagination.js';
import { type Infer, p } from '../../http/params.js';
import { authorize, can } from '../../permissions/index.js';
import type { MergeRequest } from '../../permissions/merge_requests.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { approvalsRoutes } from './approvals_routes.js';
import { changesRoutes } from './changes_routes.js';
import { mergeRequestExtraRoutes } from './extra_routes.js';
import { findMergeRequests, type MergeRequestFilters } from './finder.js';
import { mergeRequestGitState } from './git_state.js';
import { present, projectMergeRequest } from './lookup.js';
import { acceptMergeRequest, rebaseMergeRequest } from './merge.js';
import { mergeRequestNotesRoutes } from './notes_routes.js';
import {
  CreateMergeRequest,
  ListMergeRequests,
  MergeParams,
  UPDATE_AT_LEAST_ONE,
  UpdateMergeRequest,
} from './params.js';
import { presentMergeRequestList } from './present.js';
import { createMergeRequest, deleteMergeRequest, updateMergeRequest } from './service.js';
import { versionsRoutes } from './versions_routes.js';

type ListParams = Infer<typeof ListMergeRequests>;

/**
 * MergeRequests::BuildService#find_target_project: the given target when the caller may open
 * merge requests in it; otherwise (missing, hidden, no access) the project itself, as GitLab
 * falls back rather than answering 404. Whether it is in the fork network is checked later (422).
 */
/** MergeRequest#diverged_commits_count: commits on the target branch that the source lacks. */
async function divergedCommitsCount(deps: Deps, mr: MergeRequest): Promise<number> {
  const git = await mergeRequestGitState(deps, mr);
  if (!git.sourceSha || !git.targetSha) return 0;
  return countCommits(deps.git.projectRepo(mr.project_id), { ref: `${git.sourceSha}..${git.targetSha}` });
}

async function targetProject(deps: Deps, user: User, source: ProjectSubject, id: number | undefined) {
  if (id === undefined || id === source.project.id) return source;
  const target = await findProject(deps.db, user, String(id)).catch((err) => {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  });
  return target && can(user, 'target_merge_request_in', target) ? target : source;
}

function filters(params: ListParams, extra: Partial<MergeRequestFilters>): MergeRequestFilters {
  if (params.author_id !== undefined && params.author_username !== undefined)
    throw invalidParams(['author_id, author_username are mutually exclusive']);
  const wip = params.wip === undefined ? undefined : params.wip === 'yes';
  return { ...params, draft: params.draft ?? wip, ...extra };
}

async function list(ctx: RouteContext<ListParams>, f: MergeRequestFilters, contextProjectId?: number) {
  const rows = await paginate(ctx, findMergeRequests(ctx.deps.db, ctx.user, f));
  return presentMergeRequestList(ctx.deps, rows, {
    simple: ctx.params.view === 'simple',
    withLabelsDetails: ctx.params.with_labels_details,
    contextProjectId,
  });
}

export function mergeRequestsResource(app: FastifyInstance, deps: Deps): void {
  // GET /merge_requests — doc/api/merge_requests.md#list-merge-requests
  endpoint(app, deps, {
    method: 'GET',
    url: '/merge_requests',
    auth: 'public',
    params: ListMergeRequests,
    handler: (ctx) => {
      // Anonymous callers may only ask for scope=all (GitLab's authenticate! unless scope all).
      const scope = ctx.params.scope ?? (ctx.user ? 'created_by_me' : 'all');
      return list(ctx, filters(ctx.params, { scope }));
    },
  });

  // GET /groups/:id/merge_requests — doc/api/merge_requests.md#list-group-merge-requests
  endpoint(app, deps, {
    method: 'GET',
    url: '/groups/:id/merge_requests',
    auth: 'public',
    params: { id: p.idOrPath().required(), ...ListMergeRequests },
    async handler(ctx) {
      const group = await findGroup(deps.db, ctx.user, ctx.params.id);
      return list(ctx, filters(ctx.params, { group_id: group.group.id }));
    },
  });

  // GET /projects/:id/merge_requests — doc/api/merge_requests.md#list-project-merge-requests
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests',
    auth: 'public',
    params: { id: p.idOrPath().required(), ...ListMergeRequests },
    async handler(ctx) {
      const project = await findProject(deps.db, ctx.user, ctx.params.id);
      authorize(ctx.user, 'read_merge_request', project);
      return list(ctx, filters(ctx.params, { project_id: project.project.id }), project.project.id);
    },
  });

  // GET /projects/:id/merge_requests/:merge_request_iid — doc/api/merge_requests.md#get-single-mr
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:merge_request_iid',
    auth: 'public',
    params: {
      id: p.idOrPath().required(),
      merge_request_iid: p.integer().required(),
      include_diverged_commits_count: p.boolean(),
      include_rebase_in_progress: p.boolean(),
    },
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      const entity = await present(deps, ctx.user, s);
      return {
        ...entity,
        ...(ctx.params.include_diverged_commits_count
          ? { diverged_commits_count: await divergedCommitsCount(deps, s.mr) }
          : {}),
        // Rebases run while the request waits (PUT …/rebase answers when done): never in progress.
        ...(ctx.params.include_rebase_in_progress ? { rebase_in_progress: false } : {}),
      };
    },
  });

  // POST /projects/:id/merge_requests — doc/api/merge_requests.md#create-mr
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/merge_requests',
    auth: 'user',
    params: { id: p.idOrPath().required(), ...CreateMergeRequest },
    async handler(ctx) {
      const project = await findProject(deps.db, ctx.user, ctx.params.id);
      authorize(ctx.user, 'create_merge_request', project);
      const target = await targetProject(deps, ctx.user, project, ctx.params.target_project_id);
      const mr = await createMergeRequest(deps, target, ctx.user, ctx.params, project);
      ctx.reply.code(201);
      return present(deps, ctx.user, { project: target, mr });
    },
  });

  // PUT /projects/:id/merge_requests/:merge_request_iid — doc/api/merge_requests.md#update-mr
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id/merge_requests/:merge_request_iid',
    auth: 'user',
    params: { id: p.idOrPath().required(), merge_request_iid: p.integer().required(), ...UpdateMergeRequest },
    async handler(ctx) {
      const params = ctx.params;
      if (!UPDATE_AT_LEAST_ONE.some((k) => params[k] !== undefined))
        throw invalidParams([
          `${UPDATE_AT_LEAST_ONE.join(', ')} are missing, at least one parameter must be provided`,
        ]);
      const s = await projectMergeRequest(deps, ctx.user, params.id, params.merge_request_iid);
      authorize(ctx.user, 'update_merge_request', s);
      const mr = await updateMergeRequest(deps, s.project, ctx.user, s.mr, params);
      return present(deps, ctx.user, s, mr);
    },
  });

  // DELETE /projects/:id/merge_requests/:merge_request_iid — doc/api/merge_requests.md#delete-a-merge-request
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/projects/:id/merge_requests/:merge_request_iid',
    auth: 'user',
    params: { id: p.idOrPath().required(), merge_request_iid: p.integer().required() },
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      authorize(ctx.user, 'destroy_merge_request', s);
      await deleteMergeRequest(deps, s.mr);
    },
  });

  // PUT /projects/:id/merge_requests/:merge_request_iid/merge — doc/api/merge_requests.md#merge-a-merge-request
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id/merge_requests/:merge_request_iid/merge',
    auth: 'user',
    params: { id: p.idOrPath().required(), merge_request_iid: p.integer().required(), ...MergeParams },
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      const mr = await acceptMergeRequest(deps, s.project, ctx.user, s.mr, ctx.params);
      return present(deps, ctx.user, s, mr);
    },
  });

  // PUT /projects/:id/merge_requests/:merge_request_iid/rebase — doc/api/merge_requests.md#rebase-a-merge-request
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id/merge_requests/:merge_request_iid/rebase',
    auth: 'user',
    params: { id: p.idOrPath().required(), merge_request_iid: p.integer().required(), skip_ci: p.boolean() },
    async handler(ctx) {
      const s = await projectMergeRequest(deps, ctx.user, ctx.params.id, ctx.params.merge_request_iid);
      await rebaseMergeRequest(deps, s.project, ctx.user, s.mr);
      ctx.reply.code(202);
      return { rebase_in_progress: false };
    },
  });

  changesRoutes(app, deps);
  versionsRoutes(app, deps);
  approvalsRoutes(app, deps);
  mergeRequestExtraRoutes(app, deps);
  mergeRequestNotesRoutes(app, deps);
}
