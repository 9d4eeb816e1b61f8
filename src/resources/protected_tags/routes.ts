import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { recordNotFound } from '../../http/errors.js';
import { findProject } from '../../http/lookups.js';
import { paginateList, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { authorize } from '../../permissions/index.js';
import { PROTECTED_REF_LEVELS } from '../../permissions/repositories.js';
import { toProtectedTag } from '../protected_branches/entity.js';
import { loadTagRules } from '../protected_branches/rules.js';
import { protectTag, unprotectTag } from './service.js';

/** Every endpoint of lib/api/protected_tags.rb runs `authorize_admin_project` first (maintainers). */
export function protectedTagsResource(app: FastifyInstance, deps: Deps): void {
  // GET /projects/:id/protected_tags — doc/api/protected_tags.md#list-protected-tags
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/protected_tags',
    auth: 'user',
    params: { id: p.idOrPath().required(), ...paginationParams },
    async handler(ctx) {
      const subject = await findProject(deps.db, ctx.user, ctx.params.id);
      authorize(ctx.user, 'admin_project', subject);
      return paginateList(ctx, await loadTagRules(deps.db, subject.project.id)).map(toProtectedTag);
    },
  });

  // GET /projects/:id/protected_tags/:name — doc/api/protected_tags.md#get-a-single-protected-tag-or-wildcard-protected-tag
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/protected_tags/:name',
    auth: 'user',
    params: { id: p.idOrPath().required(), name: p.string().required() },
    async handler({ user, params }) {
      const subject = await findProject(deps.db, user, params.id);
      authorize(user, 'admin_project', subject);
      const [rule] = await loadTagRules(deps.db, subject.project.id, params.name);
      if (!rule) throw recordNotFound();
      return toProtectedTag(rule);
    },
  });

  // POST /projects/:id/protected_tags — doc/api/protected_tags.md#protect-repository-tags
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/protected_tags',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      name: p.string().required(),
      create_access_level: p.integer().values([...PROTECTED_REF_LEVELS]),
    },
    async handler({ user, params, reply }) {
      const subject = await findProject(deps.db, user, params.id);
      authorize(user, 'admin_project', subject);
      // gitlab-compat: allowed_to_create (users, groups, deploy keys) is Premium and not taken.
      const rule = await protectTag(deps, subject.project, {
        name: params.name,
        create_access_level: params.create_access_level,
      });
      reply.code(201);
      return toProtectedTag(rule);
    },
  });

  // DELETE /projects/:id/protected_tags/:name — doc/api/protected_tags.md#unprotect-repository-tags
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/projects/:id/protected_tags/:name',
    auth: 'user',
    params: { id: p.idOrPath().required(), name: p.string().required() },
    async handler({ user, params }) {
      const subject = await findProject(deps.db, user, params.id);
      authorize(user, 'admin_project', subject);
      await unprotectTag(deps, subject.project, params.name);
    },
  });
}
