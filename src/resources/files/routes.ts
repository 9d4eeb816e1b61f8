import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { p } from '../../http/params.js';
import { toCommit } from '../commits/entity.js';
import { commitToBranch } from '../commits/service.js';
import { readableRepository, writableRepository } from '../repositories/context.js';
import { toRepositoryFile } from './entity.js';
import { blameFile, blameRange, checkLastCommit, fileHeaders, filePath, readFileAt } from './service.js';

const WriteFile = {
  id: p.idOrPath().required(),
  file_path: p.string().required(),
  branch: p.string().required(),
  start_branch: p.string(),
  encoding: p.string().values(['text', 'base64']),
  author_email: p.string(),
  author_name: p.string(),
  content: p.string().required(),
  commit_message: p.string().required(),
  execute_filemode: p.boolean(),
  last_commit_id: p.string(),
};

export function filesResource(app: FastifyInstance, deps: Deps): void {
  // GET|HEAD /projects/:id/repository/files/:file_path — doc/api/repository_files.md#get-file-from-repository
  endpoint(app, deps, {
    method: ['GET', 'HEAD'],
    url: '/projects/:id/repository/files/:file_path',
    auth: 'public',
    params: { id: p.idOrPath().required(), file_path: p.string().required(), ref: p.string().required() },
    async handler({ user, params, reply, request }) {
      const ctx = await readableRepository(deps, user, params.id);
      const file = await readFileAt(deps, ctx, params.file_path, params.ref);
      reply.headers(fileHeaders(file));
      if (request.method === 'HEAD') return reply.code(200).send();
      return toRepositoryFile(file);
    },
  });

  // GET /projects/:id/repository/files/:file_path/raw — doc/api/repository_files.md#get-raw-file-from-repository
  endpoint(app, deps, {
    method: ['GET', 'HEAD'],
    url: '/projects/:id/repository/files/:file_path/raw',
    auth: 'public',
    params: {
      id: p.idOrPath().required(),
      file_path: p.string().required(),
      ref: p.string(),
      lfs: p.boolean(),
    },
    async handler({ user, params, reply }) {
      const ctx = await readableRepository(deps, user, params.id);
      const ref = params.ref ?? ctx.subject.project.default_branch ?? 'HEAD';
      const file = await readFileAt(deps, ctx, params.file_path, ref);
      // gitlab-compat: GitLab sniffs the type; raw files answer text/plain (or octet-stream for binary).
      const binary = file.blob.content.subarray(0, 8000).includes(0);
      reply.headers(fileHeaders(file));
      reply.header(
        'content-disposition',
        `inline; filename="${encodeURIComponent(file.path.split('/').pop()!)}"`,
      );
      return reply
        .type(binary ? 'application/octet-stream' : 'text/plain; charset=utf-8')
        .send(file.blob.content);
    },
  });

  // GET|HEAD /projects/:id/repository/files/:file_path/blame — doc/api/repository_files.md#get-file-blame-from-repository
  endpoint(app, deps, {
    method: ['GET', 'HEAD'],
    url: '/projects/:id/repository/files/:file_path/blame',
    auth: 'public',
    params: {
      id: p.idOrPath().required(),
      file_path: p.string().required(),
      ref: p.string().required(),
      range: p.hash(),
    },
    async handler({ user, params, reply, request }) {
      const range = blameRange(params.range);
      const ctx = await readableRepository(deps, user, params.id);
      const file = await readFileAt(deps, ctx, params.file_path, params.ref);
      reply.headers(fileHeaders(file));
      if (request.method === 'HEAD') return reply.code(200).send();
      const path = ctx.subject.project.path_with_namespace;
      // lib/api/entities/blame_range.rb
      return (await blameFile(deps, ctx, file, range)).map((g) => ({
        commit: toCommit(deps.config, path, g.commit),
        lines: g.lines,
      }));
    },
  });

  // POST /projects/:id/repository/files/:file_path — doc/api/repository_files.md#create-new-file-in-repository
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/repository/files/:file_path',
    auth: 'user',
    params: WriteFile,
    async handler({ user, params, reply }) {
      const ctx = await writableRepository(deps, user, params.id);
      const path = filePath(params.file_path);
      await commitToBranch(deps, ctx, user, {
        ...params,
        actions: [
          {
            action: 'create',
            file_path: path,
            content: params.content,
            encoding: params.encoding as 'text' | 'base64' | undefined,
            execute_filemode: params.execute_filemode,
          },
        ],
      });
      reply.code(201);
      return { file_path: path, branch: params.branch };
    },
  });

  // PUT /projects/:id/repository/files/:file_path — doc/api/repository_files.md#update-existing-file-in-repository
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id/repository/files/:file_path',
    auth: 'user',
    params: WriteFile,
    async handler({ user, params }) {
      const ctx = await writableRepository(deps, user, params.id);
      const path = filePath(params.file_path);
      const expectedHead = await checkLastCommit(ctx, params.branch, path, params.last_commit_id);
      await commitToBranch(deps, ctx, user, {
        ...params,
        expectedHead,
        actions: [
          {
            action: 'update',
            file_path: path,
            content: params.content,
            encoding: params.encoding as 'text' | 'base64' | undefined,
            execute_filemode: params.execute_filemode,
          },
        ],
      });
      return { file_path: path, branch: params.branch };
    },
  });

  // DELETE /projects/:id/repository/files/:file_path — doc/api/repository_files.md#delete-existing-file-in-repository
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/projects/:id/repository/files/:file_path',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      file_path: p.string().required(),
      branch: p.string().required(),
      start_branch: p.string(),
      author_email: p.string(),
      author_name: p.string(),
      commit_message: p.string().required(),
      last_commit_id: p.string(),
    },
    async handler({ user, params }) {
      const ctx = await writableRepository(deps, user, params.id);
      const path = filePath(params.file_path);
      const expectedHead = await checkLastCommit(ctx, params.branch, path, params.last_commit_id);
      await commitToBranch(deps, ctx, user, {
        ...params,
        expectedHead,
        actions: [{ action: 'delete', file_path: path }],
      });
    },
  });
}
