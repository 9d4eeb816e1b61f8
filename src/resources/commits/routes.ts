import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import {
  type CommitAction,
  commitDiff,
  commitStats,
  countCommits,
  isAncestor,
  listBranches,
  listCommits,
  listTags,
  readCommit,
  readCommits,
} from '../../git/index.js';
import { endpoint } from '../../http/endpoint.js';
import { notFound } from '../../http/errors.js';
import { pageWindow, paginateList, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { isSafeRevision, readableRepository, writableRepository } from '../repositories/context.js';
import { toCommit, toCommitDetail } from './entity.js';
import { commitPickResource } from './pick_routes.js';
import { commitToBranch } from './service.js';
import { commitStatusesResource } from './statuses.js';

export function commitsResource(app: FastifyInstance, deps: Deps): void {
  commitPickResource(app, deps);
  commitStatusesResource(app, deps);
  const findCommit = async (repo: string, sha: string) => {
    const c = isSafeRevision(sha) ? await readCommit(deps.git.pool, repo, sha) : null;
    if (!c) throw notFound('Commit');
    return c;
  };

  // GET /projects/:id/repository/commits — doc/api/commits.md#list-repository-commits
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/commits',
    auth: 'public',
    params: {
      id: p.idOrPath().required(),
      ref_name: p.string(),
      since: p.datetime(),
      until: p.datetime(),
      path: p.string(),
      author: p.string(),
      all: p.boolean(),
      with_stats: p.boolean(),
      first_parent: p.boolean(),
      order: p.string().values(['default', 'topo']),
      trailers: p.boolean(),
      ...paginationParams,
    },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      const ref = c.params.ref_name || ctx.subject.project.default_branch || 'HEAD';
      if (!isSafeRevision(ref)) throw notFound('Commit');
      const { offset, perPage } = pageWindow(c);
      const opts = {
        ref,
        all: c.params.all,
        path: c.params.path,
        since: c.params.since ? new Date(c.params.since) : null,
        until: c.params.until ? new Date(c.params.until) : null,
        author: c.params.author,
        firstParent: c.params.first_parent,
        order: c.params.order as 'default' | 'topo' | undefined,
      };
      const [page, total] = await Promise.all([
        listCommits(ctx.repo, { ...opts, skip: offset, limit: perPage }),
        countCommits(ctx.repo, opts),
      ]);
      // The page is already cut by git: hand paginateList a sparse view of the whole list.
      const items = new Array(offset).concat(page);
      const shown = paginateList(c, items, total);
      const path = ctx.subject.project.path_with_namespace;
      if (!c.params.with_stats) return shown.map((x) => toCommit(deps.config, path, x));
      const stats = await Promise.all(shown.map((x) => commitStats(ctx.repo, x.id, x.parent_ids[0] ?? null)));
      return shown.map((x, i) => ({ ...toCommit(deps.config, path, x), stats: stats[i] }));
    },
  });

  // GET /projects/:id/repository/commits/:sha — doc/api/commits.md#get-a-single-commit
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/commits/:sha',
    auth: 'public',
    params: { id: p.idOrPath().required(), sha: p.string().required(), stats: p.boolean().default(true) },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      const commit = await findCommit(ctx.repo, c.params.sha);
      const stats = c.params.stats
        ? await commitStats(ctx.repo, commit.id, commit.parent_ids[0] ?? null)
        : null;
      const { project } = ctx.subject;
      return toCommitDetail(deps.config, project.path_with_namespace, project.id, commit, stats);
    },
  });

  // GET /projects/:id/repository/commits/:sha/diff — doc/api/commits.md#get-the-diff-of-a-commit
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/commits/:sha/diff',
    auth: 'public',
    params: {
      id: p.idOrPath().required(),
      sha: p.string().required(),
      unidiff: p.boolean(),
      ...paginationParams,
    },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      const commit = await findCommit(ctx.repo, c.params.sha);
      return paginateList(c, await commitDiff(ctx.repo, commit));
    },
  });

  // GET /projects/:id/repository/commits/:sha/refs — doc/api/commits.md#get-references-a-commit-is-pushed-to
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/commits/:sha/refs',
    auth: 'public',
    params: {
      id: p.idOrPath().required(),
      sha: p.string().required(),
      type: p.string().values(['branch', 'tag', 'all']).default('all'),
      ...paginationParams,
    },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      const commit = await findCommit(ctx.repo, c.params.sha);
      // gitlab-compat: refs whose tip is the commit or contains it (git branch/tag --contains), checked by tip ancestry.
      const { type } = c.params;
      const refs = [
        ...(type !== 'tag' ? (await listBranches(ctx.repo)).map((b) => ({ type: 'branch', b })) : []),
        ...(type !== 'branch' ? (await listTags(ctx.repo)).map((b) => ({ type: 'tag', b })) : []),
      ];
      const out: Array<{ type: string; name: string }> = [];
      for (const r of refs) {
        if (r.b.commit && (await isAncestor(ctx.repo, commit.id, r.b.commit.id)))
          out.push({ type: r.type, name: r.b.name });
      }
      return paginateList(c, out);
    },
  });

  // POST /projects/:id/repository/commits — doc/api/commits.md#create-a-commit-with-multiple-files-and-actions
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/repository/commits',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      branch: p.string().required(),
      commit_message: p.string().required(),
      start_branch: p.string(),
      start_sha: p.string(),
      start_project: p.idOrPath(),
      actions: p.array(p.hash()).required(),
      author_email: p.string(),
      author_name: p.string(),
      stats: p.boolean().default(true),
      force: p.boolean(),
    },
    async handler(c) {
      const ctx = await writableRepository(deps, c.user, c.params.id);
      const actions = c.params.actions.map((a) => ({
        action: String(a.action) as CommitAction['action'],
        file_path: String(a.file_path ?? ''),
        previous_path: a.previous_path === undefined ? null : String(a.previous_path),
        content: a.content === undefined || a.content === null ? null : String(a.content),
        encoding: a.encoding === 'base64' ? ('base64' as const) : ('text' as const),
        execute_filemode:
          a.execute_filemode === undefined
            ? null
            : a.execute_filemode === true || a.execute_filemode === 'true',
        last_commit_id: a.last_commit_id === undefined ? null : String(a.last_commit_id),
      }));
      const { oid } = await commitToBranch(deps, ctx, c.user, { ...c.params, actions });
      const [commit] = await readCommits(deps.git.pool, ctx.repo, [oid]);
      const stats = c.params.stats ? await commitStats(ctx.repo, oid, commit!.parent_ids[0] ?? null) : null;
      c.reply.code(201);
      const { project } = ctx.subject;
      return toCommitDetail(deps.config, project.path_with_namespace, project.id, commit!, stats);
    },
  });
}
