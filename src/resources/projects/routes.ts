import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { checkUnmodifiedSince } from '../../http/conditional.js';
import { endpoint } from '../../http/endpoint.js';
import { ApiError, invalidParams, notFound, validationFailed } from '../../http/errors.js';
import { findGroup, findNamespace, findProject, userNamespace } from '../../http/lookups.js';
import { p } from '../../http/params.js';
import type { GroupSubject } from '../../permissions/groups.js';
import { authorize, can } from '../../permissions/index.js';
import { projectActionsResource } from './actions_routes.js';
import {
  CreateProject,
  CreateProjectForUser,
  ListGroupProjects,
  ListProjects,
  UpdateProject,
} from './params.js';
import {
  listProjects,
  presentProject,
  presentProjectRow,
  presentProjectWithAccess,
} from './present_routes.js';
import { createProject, scheduleProjectDeletion, updateProject } from './service.js';

/** Where a new project goes: namespace_id, else the creator's own namespace; anything else is "is not valid". */
export async function targetNamespace(
  deps: Deps,
  user: User,
  namespaceId: string | undefined,
): Promise<GroupSubject> {
  const invalid = () => validationFailed({ namespace: ['is not valid'] });
  let subject: GroupSubject;
  if (namespaceId === undefined || namespaceId === null) {
    const ns = await userNamespace(deps.db, user);
    subject = { group: ns, access: 50, descendantAccess: false };
  } else {
    try {
      subject = await findNamespace(deps.db, user, namespaceId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) throw invalid();
      throw err;
    }
  }
  if (!can(user, 'create_projects', subject)) throw invalid();
  return subject;
}

const atLeastOne = (params: { name?: string; path?: string }) => {
  if (params.name === undefined && params.path === undefined)
    throw invalidParams(['name, path are missing, at least one parameter must be provided']);
};

export function projectsResource(app: FastifyInstance, deps: Deps): void {
  // GET /projects — doc/api/projects.md#list-all-projects
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects',
    auth: 'public',
    params: ListProjects,
    handler: (ctx) => listProjects(ctx, ctx.params, ctx.params.simple),
  });

  // POST /projects — doc/api/projects.md#create-a-project
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects',
    auth: 'user',
    params: CreateProject,
    async handler(ctx) {
      const { user, params, reply } = ctx;
      atLeastOne(params);
      const target = await targetNamespace(deps, user, params.namespace_id);
      // gitlab-compat: initialize_with_readme is accepted; the repository is created by the git layer.
      const project = await createProject(deps, user, target.group, target.access > 0, params);
      reply.code(201);
      return presentProjectRow(ctx, project);
    },
  });

  // POST /projects/user/:user_id — doc/api/projects.md#create-a-project-for-a-user
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/user/:user_id',
    auth: 'admin',
    params: CreateProjectForUser,
    async handler(ctx) {
      const { params, reply } = ctx;
      const owner = await deps.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', params.user_id)
        .executeTakeFirst();
      if (!owner) throw notFound('User');
      atLeastOne(params);
      const target = await targetNamespace(deps, owner, params.namespace_id);
      const project = await createProject(deps, owner, target.group, target.access > 0, params);
      reply.code(201);
      return presentProjectRow(ctx, project);
    },
  });

  // GET /projects/:id — doc/api/projects.md#get-a-single-project
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id',
    auth: 'public',
    params: {
      id: p.idOrPath().required(),
      statistics: p.boolean(),
      license: p.boolean(),
      with_custom_attributes: p.boolean(),
    },
    async handler(ctx) {
      const subject = await findProject(deps.db, ctx.user, ctx.params.id);
      return presentProjectWithAccess(ctx, subject);
    },
  });

  // PUT /projects/:id — doc/api/projects.md#edit-a-project
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id',
    auth: 'user',
    params: UpdateProject,
    async handler(ctx) {
      const { user, params } = ctx;
      const subject = await findProject(deps.db, user, params.id);
      authorize(user, 'admin_project', subject);
      if (params.visibility !== undefined) authorize(user, 'change_visibility_level', subject);
      if (params.path !== undefined && params.path !== subject.project.path)
        authorize(user, 'rename_project', subject);
      const { id: _id, ...attrs } = params;
      const project = await updateProject(deps, subject.project, subject.namespace, attrs);
      return presentProject(ctx, { ...subject, project });
    },
  });

  // DELETE /projects/:id — doc/api/projects.md#delete-a-project (scheduled: 202)
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/projects/:id',
    auth: 'user',
    params: { id: p.idOrPath().required() },
    async handler({ user, params, reply, request }) {
      const subject = await findProject(deps.db, user, params.id);
      authorize(user, 'remove_project', subject);
      checkUnmodifiedSince(request, subject.project.updated_at);
      await scheduleProjectDeletion(deps, subject.project, user);
      reply.code(202);
      return { message: '202 Accepted' };
    },
  });

  // GET /users/:user_id/projects — doc/api/projects.md#list-a-users-projects
  endpoint(app, deps, {
    method: 'GET',
    url: '/users/:user_id/projects',
    auth: 'public',
    params: { user_id: p.string().required(), ...ListProjects },
    async handler(ctx) {
      const { user_id, ...filters } = ctx.params;
      const q = deps.db.selectFrom('users').select(['id', 'username', 'name']);
      const owner = await (/^\d+$/.test(user_id)
        ? q.where('id', '=', Number(user_id))
        : q.where((eb) => eb(eb.fn('lower', ['username']), '=', user_id.toLowerCase()))
      ).executeTakeFirst();
      if (!owner) throw notFound('User');
      const ns = await userNamespace(deps.db, owner as User);
      return listProjects(ctx, { ...filters, namespace_ids: [ns.id] }, filters.simple);
    },
  });

  // GET /groups/:id/projects — doc/api/groups.md#list-projects
  endpoint(app, deps, {
    method: 'GET',
    url: '/groups/:id/projects',
    auth: 'public',
    params: ListGroupProjects,
    async handler(ctx) {
      const { id, include_subgroups, with_shared, ...filters } = ctx.params;
      const group = await findGroup(deps.db, ctx.user, id);
      const scope = include_subgroups ? { subtree_of: group.group.id } : { namespace_ids: [group.group.id] };
      return listProjects(
        ctx,
        { ...filters, ...scope, shared_with_groups: with_shared ? [group.group.id] : undefined },
        filters.simple,
      );
    },
  });

  projectActionsResource(app, deps);
}
