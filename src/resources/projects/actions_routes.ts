import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { ApiError } from '../../http/errors.js';
import { findGroup, findNamespace, findProject } from '../../http/lookups.js';
import { p } from '../../http/params.js';
import type { GroupSubject } from '../../permissions/groups.js';
import { authorize, can } from '../../permissions/index.js';
import { ForkProject, ListProjects, ShareProject } from './params.js';
import { listProjects, presentProject, presentProjectRow } from './present_routes.js';
import { targetNamespace } from './routes.js';
import {
  forkProject,
  setArchived,
  shareProject,
  starProject,
  transferProject,
  unshareProject,
} from './service.js';

const idParam = { id: p.idOrPath().required() };

export function projectActionsResource(app: FastifyInstance, deps: Deps): void {
  for (const [action, star] of [
    ['star', true],
    ['unstar', false],
  ] as const) {
    // POST /projects/:id/star, /unstar — doc/api/project_starring.md (304 when nothing changes)
    endpoint(app, deps, {
      method: 'POST',
      url: `/projects/:id/${action}`,
      auth: 'user',
      params: idParam,
      async handler(ctx) {
        const subject = await findProject(deps.db, ctx.user, ctx.params.id);
        try {
          const project = await starProject(deps, subject.project, ctx.user, star);
          ctx.reply.code(201);
          return presentProject(ctx, { ...subject, project });
        } catch (err) {
          if (err instanceof ApiError && err.status === 304) return ctx.reply.code(304).send();
          throw err;
        }
      },
    });
  }

  // GET /projects/:id/starrers — doc/api/project_starring.md#list-users-who-starred-a-project
  // gitlab-compat: not implemented yet.

  for (const [action, archived] of [
    ['archive', true],
    ['unarchive', false],
  ] as const) {
    // POST /projects/:id/archive, /unarchive — doc/api/projects.md#archive-a-project
    endpoint(app, deps, {
      method: 'POST',
      url: `/projects/:id/${action}`,
      auth: 'user',
      params: idParam,
      async handler(ctx) {
        const subject = await findProject(deps.db, ctx.user, ctx.params.id);
        authorize(ctx.user, 'archive_project', subject);
        const project = await setArchived(deps, subject.project, archived);
        ctx.reply.code(201);
        return presentProject(ctx, { ...subject, project });
      },
    });
  }

  // POST /projects/:id/fork — doc/api/project_forks.md#fork-a-project
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/fork',
    auth: 'user',
    params: ForkProject,
    async handler(ctx) {
      const { user, params } = ctx;
      const subject = await findProject(deps.db, user, params.id);
      authorize(user, 'fork_project', subject);
      const nsRef = params.namespace_id ?? params.namespace_path ?? params.namespace;
      let target: GroupSubject;
      try {
        target = await targetNamespace(deps, user, nsRef === undefined ? undefined : String(nsRef));
      } catch (err) {
        if (err instanceof ApiError && err.status === 400)
          throw new ApiError(404, { message: '404 Target Namespace Not Found' });
        throw err;
      }
      const project = await forkProject(deps, user, subject.project, target.group, target.access > 0, params);
      ctx.reply.code(201);
      return presentProjectRow(ctx, project);
    },
  });

  // GET /projects/:id/forks — doc/api/project_forks.md#list-forks-of-a-project
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/forks',
    auth: 'public',
    params: { ...idParam, ...ListProjects },
    async handler(ctx) {
      const { id, ...filters } = ctx.params;
      const subject = await findProject(deps.db, ctx.user, id);
      return listProjects(ctx, { ...filters, forked_from: subject.project.id }, filters.simple);
    },
  });

  // PUT /projects/:id/transfer — doc/api/projects.md#transfer-a-project-to-a-new-namespace
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id/transfer',
    auth: 'user',
    params: { ...idParam, namespace: p.idOrPath().required() },
    async handler(ctx) {
      const { user, params } = ctx;
      const subject = await findProject(deps.db, user, params.id);
      authorize(user, 'change_namespace', subject);
      const target = await findNamespace(deps.db, user, params.namespace);
      if (!can(user, 'create_projects', target))
        throw new ApiError(400, { message: '400 Bad request - Transfer failed, please contact an admin.' });
      const project = await transferProject(deps, subject.project, subject.namespace, target.group);
      return presentProject(ctx, { ...subject, project, namespace: target.group });
    },
  });

  // POST /projects/:id/share — doc/api/projects.md#share-a-project-with-a-group
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/share',
    auth: 'user',
    params: ShareProject,
    async handler(ctx) {
      const { user, params } = ctx;
      const subject = await findProject(deps.db, user, params.id);
      authorize(user, 'share_project', subject);
      const group = await findGroup(deps.db, user, String(params.group_id));
      const link = await shareProject(deps, subject.project, group.group, params);
      ctx.reply.code(201);
      return {
        id: link.id,
        project_id: link.project_id,
        group_id: link.group_id,
        group_access: link.group_access,
        expires_at: link.expires_at,
      };
    },
  });

  // DELETE /projects/:id/share/:group_id — doc/api/projects.md#delete-a-shared-project-link-in-a-group
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/projects/:id/share/:group_id',
    auth: 'user',
    params: { ...idParam, group_id: p.integer().required() },
    async handler({ user, params }) {
      const subject = await findProject(deps.db, user, params.id);
      authorize(user, 'share_project', subject);
      await unshareProject(deps, subject.project, params.group_id);
    },
  });
}
