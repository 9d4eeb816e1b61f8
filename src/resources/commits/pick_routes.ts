import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { readCommit } from '../../git/index.js';
import { endpoint } from '../../http/endpoint.js';
import { notFound } from '../../http/errors.js';
import { p } from '../../http/params.js';
import { isSafeRevision, readableRepository } from '../repositories/context.js';
import { toCommit } from './entity.js';
import { type PickKind, pickCommit } from './pick.js';
import { authorizePushToBranch } from './service.js';

/** Cherry-pick and revert (lib/api/commits.rb), and the merge requests of a commit. */
export function commitPickResource(app: FastifyInstance, deps: Deps): void {
  const findCommit = async (repo: string, sha: string) => {
    const c = isSafeRevision(sha) ? await readCommit(deps.git.pool, repo, sha) : null;
    if (!c) throw notFound('Commit');
    return c;
  };

  const pick = (kind: PickKind, action: 'cherry_pick' | 'revert') =>
    endpoint(app, deps, {
      method: 'POST',
      url: `/projects/:id/repository/commits/:sha/${action}`,
      auth: 'user',
      params: {
        id: p.idOrPath().required(),
        sha: p.string().required(),
        branch: p.string().required(),
        dry_run: p.boolean().default(false),
        ...(kind === 'cherry-pick' ? { message: p.string() } : {}),
      },
      async handler({ user, params, reply }) {
        const ctx = await readableRepository(deps, user, params.id);
        await authorizePushToBranch(deps, ctx, user, params.branch);
        const commit = await findCommit(ctx.repo, params.sha);
        const message = 'message' in params ? (params.message as string | undefined) : undefined;
        const oid = await pickCommit(deps, ctx, user, kind, commit, { ...params, message });
        if (params.dry_run) {
          reply.code(200);
          return { dry_run: 'success' };
        }
        reply.code(201);
        const created = await readCommit(deps.git.pool, ctx.repo, oid!);
        return toCommit(deps.config, ctx.subject.project.path_with_namespace, created!);
      },
    });

  // POST /projects/:id/repository/commits/:sha/cherry_pick — doc/api/commits.md#cherry-pick-a-commit
  pick('cherry-pick', 'cherry_pick');
  // POST /projects/:id/repository/commits/:sha/revert — doc/api/commits.md#revert-a-commit
  pick('revert', 'revert');

  // GET /projects/:id/repository/commits/:sha/merge_requests — doc/api/commits.md#list-merge-requests-associated-with-a-commit
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/commits/:sha/merge_requests',
    auth: 'public',
    params: { id: p.idOrPath().required(), sha: p.string().required() },
    async handler({ user, params }) {
      const ctx = await readableRepository(deps, user, params.id);
      await findCommit(ctx.repo, params.sha);
      // gitlab-compat: merge requests are not linked to commits yet; the list is always empty.
      return [];
    },
  });
}
