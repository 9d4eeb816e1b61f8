import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { notFound, unauthorized } from '../../http/errors.js';
import { findGroup, findProject } from '../../http/lookups.js';
import { paginate } from '../../http/pagination.js';
import { can } from '../../permissions/index.js';
import type { TokenFilters } from '../personal_access_tokens/finder.js';
import { type TokenResource, toResourceAccessToken, toResourceAccessTokenWithToken } from './entity.js';
import { botAccessLevels, findResourceToken, findResourceTokens } from './finder.js';
import { CreateResourceToken, ListResourceTokens, ResourceTokenId, RotateResourceToken } from './params.js';
import {
  createResourceAccessToken,
  revokeResourceAccessToken,
  rotateResourceAccessToken,
  sourceOf,
  type TokenSubject,
} from './service.js';

type SourceType = 'project' | 'group';

/** find_source: the project or group, 404 when missing or hidden. */
const findSource = (deps: Deps, type: SourceType, user: User, id: string): Promise<TokenSubject> =>
  type === 'project' ? findProject(deps.db, user, id) : findGroup(deps.db, user, id);

const resourceOf = (s: TokenSubject): TokenResource =>
  'project' in s ? { type: 'project', id: s.project.id } : { type: 'group', id: s.group.id };

async function levelOf(deps: Deps, s: TokenSubject, userId: number) {
  return (await botAccessLevels(deps.db, sourceOf(s), [userId])).get(userId);
}

/** lib/api/resource_access_tokens.rb: the same five endpoints under /projects and /groups (C13). */
export function resourceAccessTokensResource(app: FastifyInstance, deps: Deps): void {
  for (const type of ['project', 'group'] as const) {
    const base = `/${type}s/:id/access_tokens`;
    const tokenNotFound = () => notFound(`${type} Access Token`);

    // GET /projects/:id/access_tokens — doc/api/project_access_tokens.md#list-all-project-access-tokens
    // GET /groups/:id/access_tokens — doc/api/group_access_tokens.md#list-all-group-access-tokens
    endpoint(app, deps, {
      method: 'GET',
      url: base,
      auth: 'user',
      params: ListResourceTokens,
      async handler(ctx) {
        const { user, params } = ctx;
        const subject = await findSource(deps, type, user, params.id);
        if (!can(user, 'read_resource_access_tokens', subject)) throw unauthorized();
        const now = deps.clock.now();
        const source = sourceOf(subject);
        const rows = await paginate(
          ctx,
          findResourceTokens(deps.db, source, {
            revoked: params.revoked,
            state: params.state as TokenFilters['state'],
            createdBefore: params.created_before,
            createdAfter: params.created_after,
            lastUsedBefore: params.last_used_before,
            lastUsedAfter: params.last_used_after,
            expiresBefore: params.expires_before,
            expiresAfter: params.expires_after,
            search: params.search,
            sort: params.sort,
            today: now.toISOString().slice(0, 10),
          }),
        );
        const levels = await botAccessLevels(
          deps.db,
          source,
          rows.map((r) => r.user_id),
        );
        const resource = resourceOf(subject);
        return rows.map((r) => toResourceAccessToken(r, now, resource, levels.get(r.user_id)));
      },
    });

    // GET /projects/:id/access_tokens/:token_id — doc/api/project_access_tokens.md#get-details-on-a-project-access-token
    // GET /groups/:id/access_tokens/:token_id — doc/api/group_access_tokens.md#get-details-on-a-group-access-token
    endpoint(app, deps, {
      method: 'GET',
      url: `${base}/:token_id`,
      auth: 'user',
      params: ResourceTokenId,
      async handler({ user, params }) {
        const subject = await findSource(deps, type, user, params.id);
        if (!can(user, 'read_resource_access_tokens', subject)) throw unauthorized();
        const token = await findResourceToken(deps.db, sourceOf(subject), params.token_id);
        if (!token) throw tokenNotFound();
        const level = await levelOf(deps, subject, token.user_id);
        return toResourceAccessToken(token, deps.clock.now(), resourceOf(subject), level);
      },
    });

    // POST /projects/:id/access_tokens — doc/api/project_access_tokens.md#create-a-project-access-token
    // POST /groups/:id/access_tokens — doc/api/group_access_tokens.md#create-a-group-access-token
    endpoint(app, deps, {
      method: 'POST',
      url: base,
      auth: 'user',
      params: CreateResourceToken,
      async handler({ user, params, reply }) {
        const { id, ...input } = params;
        const subject = await findSource(deps, type, user, id);
        const token = await createResourceAccessToken(deps, user, subject, input);
        reply.code(201);
        return toResourceAccessTokenWithToken(
          token,
          deps.clock.now(),
          resourceOf(subject),
          input.access_level,
        );
      },
    });

    // POST /projects/:id/access_tokens/:token_id/rotate — doc/api/project_access_tokens.md#rotate-a-project-access-token
    // POST /groups/:id/access_tokens/:token_id/rotate — doc/api/group_access_tokens.md#rotate-a-group-access-token
    endpoint(app, deps, {
      method: 'POST',
      url: `${base}/:token_id/rotate`,
      auth: 'user',
      params: RotateResourceToken,
      async handler({ user, params }) {
        const subject = await findSource(deps, type, user, params.id);
        const token = can(user, 'create_resource_access_tokens', subject)
          ? await findResourceToken(deps.db, sourceOf(subject), params.token_id)
          : undefined;
        // Only administrators learn that a token does not exist.
        if (!token) throw user.admin ? notFound() : unauthorized();
        const level = await levelOf(deps, subject, token.user_id);
        const rotated = await rotateResourceAccessToken(deps, user, subject, token, level, params.expires_at);
        return toResourceAccessTokenWithToken(rotated, deps.clock.now(), resourceOf(subject), level);
      },
    });

    // DELETE /projects/:id/access_tokens/:token_id — doc/api/project_access_tokens.md#revoke-a-project-access-token
    // DELETE /groups/:id/access_tokens/:token_id — doc/api/group_access_tokens.md#revoke-a-group-access-token
    endpoint(app, deps, {
      method: 'DELETE',
      url: `${base}/:token_id`,
      auth: 'user',
      params: ResourceTokenId,
      async handler({ user, params }) {
        const subject = await findSource(deps, type, user, params.id);
        const token = await findResourceToken(deps.db, sourceOf(subject), params.token_id);
        if (!token) throw tokenNotFound();
        await revokeResourceAccessToken(deps, user, subject, token);
      },
    });
  }
}
