import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { listBranches, type RefEntry } from '../../git/index.js';
import { endpoint } from '../../http/endpoint.js';
import { apiMessage } from '../../http/errors.js';
import { paginateList, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { readableRepository, writableRepository } from '../repositories/context.js';
import { toBranch } from './entity.js';
import { branchFacts, createBranch, deleteBranch, deleteMergedBranches, findBranch } from './service.js';

/** GitLab's branch search: `^prefix`, `suffix$`, else a case-insensitive substring. */
function searchFilter(search: string | undefined): (name: string) => boolean {
  if (!search) return () => true;
  const s = search.toLowerCase();
  if (s.startsWith('^')) return (n) => n.toLowerCase().startsWith(s.slice(1));
  if (s.endsWith('$')) return (n) => n.toLowerCase().endsWith(s.slice(0, -1));
  return (n) => n.toLowerCase().includes(s);
}

function regexFilter(regex: string | undefined): (name: string) => boolean {
  if (!regex) return () => true;
  let re: RegExp;
  try {
    re = new RegExp(regex);
  } catch {
    throw apiMessage(400, 'Regex is invalid');
  }
  return (n) => re.test(n);
}

const byUpdated = (a: RefEntry, b: RefEntry) =>
  Date.parse(a.commit?.committed_date ?? '') - Date.parse(b.commit?.committed_date ?? '') ||
  (a.name < b.name ? -1 : 1);

export function branchesResource(app: FastifyInstance, deps: Deps): void {
  const present = async (
    ctx: Awaited<ReturnType<typeof readableRepository>>,
    user: Parameters<typeof branchFacts>[2],
    list: RefEntry[],
  ) => {
    const facts = await branchFacts(deps, ctx, user, list);
    return list.map((b, i) => toBranch(deps.config, ctx.subject.project.path_with_namespace, b, facts[i]!));
  };

  // GET /projects/:id/repository/branches — doc/api/branches.md#list-repository-branches
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/branches',
    auth: 'public',
    params: {
      id: p.idOrPath().required(),
      search: p.string(),
      regex: p.string(),
      sort: p.string().values(['name_asc', 'updated_asc', 'updated_desc']),
      page_token: p.string(),
      ...paginationParams,
    },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      const search = searchFilter(c.params.search);
      const regex = regexFilter(c.params.regex);
      let list = (await listBranches(ctx.repo)).filter((b) => search(b.name) && regex(b.name));
      if (c.params.sort === 'updated_asc') list = list.sort(byUpdated);
      else if (c.params.sort === 'updated_desc') list = list.sort((a, b) => byUpdated(b, a));
      if (c.params.page_token) list = list.filter((b) => b.name > c.params.page_token!);
      return present(ctx, c.user, paginateList(c, list));
    },
  });

  // GET /projects/:id/repository/branches/:branch — doc/api/branches.md#get-single-repository-branch
  endpoint(app, deps, {
    method: ['GET', 'HEAD'],
    url: '/projects/:id/repository/branches/:branch',
    auth: 'public',
    params: { id: p.idOrPath().required(), branch: p.string().required() },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      const branch = await findBranch(ctx.repo, c.params.branch);
      if (c.request.method === 'HEAD') return c.reply.code(204).send();
      return (await present(ctx, c.user, [branch]))[0];
    },
  });

  // POST /projects/:id/repository/branches — doc/api/branches.md#create-repository-branch
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/repository/branches',
    auth: 'user',
    params: { id: p.idOrPath().required(), branch: p.string().required(), ref: p.string().required() },
    async handler(c) {
      const ctx = await writableRepository(deps, c.user, c.params.id);
      const branch = await createBranch(deps, ctx, c.params.branch, c.params.ref);
      c.reply.code(201);
      return (await present(ctx, c.user, [branch]))[0];
    },
  });

  // DELETE /projects/:id/repository/branches/:branch — doc/api/branches.md#delete-repository-branch
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/projects/:id/repository/branches/:branch',
    auth: 'user',
    params: { id: p.idOrPath().required(), branch: p.string().required() },
    async handler(c) {
      const ctx = await writableRepository(deps, c.user, c.params.id);
      await deleteBranch(deps, ctx, c.user, c.params.branch);
    },
  });

  // DELETE /projects/:id/repository/merged_branches — doc/api/branches.md#delete-merged-branches
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/projects/:id/repository/merged_branches',
    auth: 'user',
    params: { id: p.idOrPath().required() },
    async handler(c) {
      const ctx = await writableRepository(deps, c.user, c.params.id);
      await deleteMergedBranches(deps, ctx);
      c.reply.code(202);
      return { message: '202 Accepted' };
    },
  });
}
