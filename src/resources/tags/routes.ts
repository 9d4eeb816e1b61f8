import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { listTags, type RefEntry } from '../../git/index.js';
import { endpoint } from '../../http/endpoint.js';
import { paginateList, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { authorize } from '../../permissions/index.js';
import { type RepoContext, readableRepository } from '../repositories/context.js';
import { toTag } from './entity.js';
import { createTag, deleteTag, findTag, protectedTagNames } from './service.js';

/** Version order: numeric runs compare as numbers (`v1.10` after `v1.9`). */
const versionCompare = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
const updatedAt = (t: RefEntry) => Date.parse(t.tag?.tagger_date ?? t.commit?.committed_date ?? '') || 0;

export function tagsResource(app: FastifyInstance, deps: Deps): void {
  const present = async (ctx: RepoContext, list: RefEntry[]) => {
    const prot = await protectedTagNames(
      deps,
      ctx.subject.project.id,
      list.map((t) => t.name),
    );
    return list.map((t) => toTag(deps.config, ctx.subject.project.path_with_namespace, t, prot.has(t.name)));
  };

  // GET /projects/:id/repository/tags — doc/api/tags.md#list-project-repository-tags
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/tags',
    auth: 'public',
    params: {
      id: p.idOrPath().required(),
      order_by: p.string().values(['name', 'updated', 'version']).default('updated'),
      sort: p.string().values(['asc', 'desc']).default('desc'),
      search: p.string(),
      page_token: p.string(),
      ...paginationParams,
    },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      const s = c.params.search?.toLowerCase();
      const match = (n: string) =>
        !s
          ? true
          : s.startsWith('^')
            ? n.toLowerCase().startsWith(s.slice(1))
            : s.endsWith('$')
              ? n.toLowerCase().endsWith(s.slice(0, -1))
              : n.toLowerCase().includes(s);
      const list = (await listTags(ctx.repo)).filter((t) => match(t.name));
      const cmp =
        c.params.order_by === 'name'
          ? (a: RefEntry, b: RefEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
          : c.params.order_by === 'version'
            ? (a: RefEntry, b: RefEntry) => versionCompare(a.name, b.name)
            : (a: RefEntry, b: RefEntry) => updatedAt(a) - updatedAt(b) || (a.name < b.name ? -1 : 1);
      list.sort(c.params.sort === 'asc' ? cmp : (a, b) => cmp(b, a));
      return present(ctx, paginateList(c, list));
    },
  });

  // GET /projects/:id/repository/tags/:tag_name — doc/api/tags.md#get-a-single-repository-tag
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/tags/:tag_name',
    auth: 'public',
    params: { id: p.idOrPath().required(), tag_name: p.string().required() },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      return (await present(ctx, [await findTag(ctx.repo, c.params.tag_name)]))[0];
    },
  });

  // POST /projects/:id/repository/tags — doc/api/tags.md#create-a-new-tag
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/repository/tags',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      tag_name: p.string().required(),
      ref: p.string().required(),
      message: p.string(),
    },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      authorize(c.user, 'admin_tag', ctx.subject);
      const tag = await createTag(deps, ctx, c.user, c.params);
      c.reply.code(201);
      return (await present(ctx, [tag]))[0];
    },
  });

  // DELETE /projects/:id/repository/tags/:tag_name — doc/api/tags.md#delete-a-tag
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/projects/:id/repository/tags/:tag_name',
    auth: 'user',
    params: { id: p.idOrPath().required(), tag_name: p.string().required() },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      authorize(c.user, 'admin_tag', ctx.subject);
      await deleteTag(deps, ctx, c.user, c.params.tag_name);
    },
  });
}
