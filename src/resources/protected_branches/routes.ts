import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { recordNotFound } from '../../http/errors.js';
import { findProject } from '../../http/lookups.js';
import { paginateList, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { authorize } from '../../permissions/index.js';
import { PROTECTED_REF_LEVELS } from '../../permissions/repositories.js';
import { toProtectedBranch } from './entity.js';
import { loadBranchRules } from './rules.js';
import { protectBranch, unprotectBranch, updateProtectedBranch } from './service.js';

const level = () => p.integer().values([...PROTECTED_REF_LEVELS]);

export function protectedBranchesResource(app: FastifyInstance, deps: Deps): void {
  // GET /projects/:id/protected_branches — doc/api/protected_branches.md#list-protected-branches
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/protected_branches',
    auth: 'user',
    params: { id: p.idOrPath().required(), search: p.string(), ...paginationParams },
    async handler(ctx) {
      const subject = await findProject(deps.db, ctx.user, ctx.params.id);
      authorize(ctx.user, 'read_protected_branch', subject);
      const search = ctx.params.search?.toLowerCase();
      const rules = (await loadBranchRules(deps.db, subject.project.id)).filter(
        (r) => !search || r.name.toLowerCase().includes(search),
      );
      return paginateList(ctx, rules).map(toProtectedBranch);
    },
  });

  // GET /projects/:id/protected_branches/:name — doc/api/protected_branches.md#get-a-single-protected-branch-or-wildcard-protected-branch
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/protected_branches/:name',
    auth: 'user',
    params: { id: p.idOrPath().required(), name: p.string().required() },
    async handler({ user, params }) {
      const subject = await findProject(deps.db, user, params.id);
      authorize(user, 'read_protected_branch', subject);
      const [rule] = await loadBranchRules(deps.db, subject.project.id, { name: params.name });
      if (!rule) throw recordNotFound();
      return toProtectedBranch(rule);
    },
  });

  // POST /projects/:id/protected_branches — doc/api/protected_branches.md#protect-repository-branches
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/protected_branches',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      name: p.string().required(),
      push_access_level: level(),
      merge_access_level: level(),
      unprotect_access_level: level(),
      allow_force_push: p.boolean(),
      code_owner_approval_required: p.boolean(),
    },
    async handler({ user, params, reply }) {
      const subject = await findProject(deps.db, user, params.id);
      authorize(user, 'admin_protected_branch', subject);
      const { id: _id, ...attrs } = params;
      const rule = await protectBranch(deps, subject.project, attrs);
      reply.code(201);
      return toProtectedBranch(rule);
    },
  });

  // PATCH /projects/:id/protected_branches/:name — doc/api/protected_branches.md#update-a-protected-branch
  endpoint(app, deps, {
    method: 'PATCH',
    url: '/projects/:id/protected_branches/:name',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      name: p.string().required(),
      push_access_level: level(),
      merge_access_level: level(),
      unprotect_access_level: level(),
      allow_force_push: p.boolean(),
      code_owner_approval_required: p.boolean(),
    },
    async handler({ user, params }) {
      const subject = await findProject(deps.db, user, params.id);
      authorize(user, 'admin_protected_branch', subject);
      const [rule] = await loadBranchRules(deps.db, subject.project.id, { name: params.name });
      if (!rule) throw recordNotFound();
      const { id: _id, name: _name, ...attrs } = params;
      return toProtectedBranch(await updateProtectedBranch(deps, subject.project, rule, attrs));
    },
  });

  // DELETE /projects/:id/protected_branches/:name — doc/api/protected_branches.md#unprotect-repository-branches
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/projects/:id/protected_branches/:name',
    auth: 'user',
    params: { id: p.idOrPath().required(), name: p.string().required() },
    async handler({ user, params }) {
      const subject = await findProject(deps.db, user, params.id);
      authorize(user, 'admin_protected_branch', subject);
      await unprotectBranch(deps, subject.project, params.name);
    },
  });
}
