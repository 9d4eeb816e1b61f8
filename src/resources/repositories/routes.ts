import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import {
  ARCHIVE_FORMATS,
  archive,
  compare,
  isArchiveFormat,
  listCommits,
  mergeBase,
  NotFoundError,
  peelCommit,
  readCommit,
  readTree,
  readTreeRecursive,
  resolveCommit,
} from '../../git/index.js';
import { endpoint } from '../../http/endpoint.js';
import { apiMessage, notFound } from '../../http/errors.js';
import { paginateList, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { webUrl } from '../../http/urls.js';
import { toCommit } from '../commits/entity.js';
import { isSafeRevision, readableRepository } from './context.js';

const OID = /^[0-9a-f]{40}$/;

export function repositoriesResource(app: FastifyInstance, deps: Deps): void {
  // GET /projects/:id/repository/tree — doc/api/repositories.md#list-repository-tree
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/tree',
    auth: 'public',
    params: {
      id: p.idOrPath().required(),
      path: p.string().default(''),
      ref: p.string(),
      recursive: p.boolean().default(false),
      ...paginationParams,
    },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      const ref = c.params.ref || ctx.subject.project.default_branch || 'HEAD';
      if (!isSafeRevision(ref) || c.params.path.includes('\0')) throw notFound('Tree');
      const commit = await peelCommit(deps.git.pool, ctx.repo, ref);
      if (!commit) throw notFound('Tree');
      const entries = c.params.recursive
        ? await readTreeRecursive(deps.git.pool, ctx.repo, commit, c.params.path)
        : await readTree(deps.git.pool, ctx.repo, commit, c.params.path);
      if (!entries) throw notFound('Tree');
      // Gitaly's order: trees first, then blobs and submodules, each by path.
      const rank = (t: string) => (t === 'tree' ? 0 : 1);
      entries.sort((a, b) => rank(a.type) - rank(b.type) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      return paginateList(c, entries).map((e) => ({
        id: e.id,
        name: e.name,
        type: e.type,
        path: e.path,
        mode: e.mode,
      }));
    },
  });

  // GET /projects/:id/repository/blobs/:sha — doc/api/repositories.md#get-a-blob-from-repository
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/blobs/:sha',
    auth: 'public',
    params: { id: p.idOrPath().required(), sha: p.string().required() },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      const obj = OID.test(c.params.sha) ? await deps.git.pool.read(ctx.repo, c.params.sha) : null;
      if (obj?.type !== 'blob' || !obj.data) throw notFound('Blob');
      return { size: obj.size, encoding: 'base64', content: obj.data.toString('base64'), sha: obj.oid };
    },
  });

  // GET /projects/:id/repository/blobs/:sha/raw — doc/api/repositories.md#raw-blob-content
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/blobs/:sha/raw',
    auth: 'public',
    params: { id: p.idOrPath().required(), sha: p.string().required() },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      const obj = OID.test(c.params.sha) ? await deps.git.pool.read(ctx.repo, c.params.sha) : null;
      if (obj?.type !== 'blob' || !obj.data) throw notFound('Blob');
      const binary = obj.data.subarray(0, 8000).includes(0);
      return c.reply.type(binary ? 'application/octet-stream' : 'text/plain; charset=utf-8').send(obj.data);
    },
  });

  // GET /projects/:id/repository/compare — doc/api/repositories.md#compare-branches-tags-or-commits
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/compare',
    auth: 'public',
    params: {
      id: p.idOrPath().required(),
      from: p.string().required(),
      to: p.string().required(),
      from_project_id: p.integer(),
      straight: p.boolean().default(false),
      unidiff: p.boolean(),
    },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      if (!isSafeRevision(c.params.from) || !isSafeRevision(c.params.to)) throw notFound('Ref');
      let result: Awaited<ReturnType<typeof compare>>;
      try {
        result = await compare(ctx.repo, c.params.from, c.params.to, { straight: c.params.straight });
      } catch (err) {
        if (err instanceof NotFoundError) throw notFound('Ref');
        throw err;
      }
      const path = ctx.subject.project.path_with_namespace;
      return {
        commit: result.commit ? toCommit(deps.config, path, result.commit) : null,
        commits: result.commits.map((x) => toCommit(deps.config, path, x)),
        diffs: result.diffs,
        compare_timeout: result.compare_timeout,
        compare_same_ref: result.compare_same_ref,
        web_url: webUrl(deps.config, `${path}/-/compare/${result.from}...${result.to}`),
      };
    },
  });

  // GET /projects/:id/repository/merge_base — doc/api/repositories.md#merge-base
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/merge_base',
    auth: 'public',
    params: { id: p.idOrPath().required(), refs: p.array(p.string()).required() },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      const refs = c.params.refs;
      if (refs.length < 2) throw apiMessage(400, 'Provide at least 2 refs');
      const oids: string[] = [];
      for (const r of refs) {
        const oid = isSafeRevision(r) ? await resolveCommit(ctx.repo, r) : null;
        if (!oid) throw apiMessage(404, `Could not find ref: ${r}`);
        oids.push(oid);
      }
      // gitlab-compat: the base of the first two refs (git merge-base of more is an octopus base).
      const base = await mergeBase(ctx.repo, oids[0]!, oids[1]!);
      const commit = base ? await readCommit(deps.git.pool, ctx.repo, base) : null;
      if (!commit) throw notFound('Merge Base');
      return toCommit(deps.config, ctx.subject.project.path_with_namespace, commit);
    },
  });

  // GET /projects/:id/repository/contributors — doc/api/repositories.md#contributors
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/contributors',
    auth: 'public',
    params: {
      id: p.idOrPath().required(),
      ref: p.string(),
      order_by: p.string().values(['name', 'email', 'commits']).default('commits'),
      sort: p.string().values(['asc', 'desc']).default('asc'),
      ...paginationParams,
    },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      const ref = c.params.ref || ctx.subject.project.default_branch || 'HEAD';
      if (!isSafeRevision(ref)) throw notFound('Ref');
      const by = new Map<
        string,
        { name: string; email: string; commits: number; additions: number; deletions: number }
      >();
      for (const commit of await listCommits(ctx.repo, { ref })) {
        const key = commit.author_email.toLowerCase();
        const entry = by.get(key) ?? {
          name: commit.author_name,
          email: commit.author_email,
          commits: 0,
          additions: 0,
          deletions: 0,
        };
        entry.commits++;
        by.set(key, entry);
      }
      const key = c.params.order_by as 'name' | 'email' | 'commits';
      const list = [...by.values()].sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0));
      if (c.params.sort === 'desc') list.reverse();
      return paginateList(c, list);
    },
  });

  // GET /projects/:id/repository/archive[.format] — doc/api/repositories.md#get-file-archive
  for (const url of ['/projects/:id/repository/archive', '/projects/:id/repository/archive.:format'])
    endpoint(app, deps, {
      method: 'GET',
      url,
      auth: 'public',
      params: {
        id: p.idOrPath().required(),
        format: p.string(),
        sha: p.string(),
        path: p.string(),
      },
      async handler(c) {
        const ctx = await readableRepository(deps, c.user, c.params.id);
        const format = (c.params.format ?? '').replace(/^\./, '') || 'tar.gz';
        if (!isArchiveFormat(format)) throw notFound();
        const ref = c.params.sha || ctx.subject.project.default_branch || 'HEAD';
        const oid = isSafeRevision(ref) ? await resolveCommit(ctx.repo, ref) : null;
        if (!oid) throw notFound('Ref');
        const prefix = `${ctx.subject.project.path}-${ref.replace(/[^A-Za-z0-9._-]/g, '-')}`;
        c.reply.hijack();
        const res = c.reply.raw;
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-disposition': `attachment; filename="${prefix}.${ARCHIVE_FORMATS[format]}"`,
          'content-transfer-encoding': 'binary',
        });
        await archive(ctx.repo, oid, { format, prefix, path: c.params.path || null }, res).catch((err) => {
          c.request.log.error({ err }, 'archive failed');
          res.destroy();
        });
      },
    });
}
