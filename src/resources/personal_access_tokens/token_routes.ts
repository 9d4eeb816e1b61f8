import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint, type SignedInContext } from '../../http/endpoint.js';
import { badRequest, notFound, recordNotFound, unauthorized } from '../../http/errors.js';
import { paginate } from '../../http/pagination.js';
import { can } from '../../permissions/index.js';
import { toPersonalAccessToken, toPersonalAccessTokenWithToken } from './entity.js';
import {
  findPersonalAccessToken,
  findPersonalAccessTokens,
  findUserById,
  type TokenFilters,
} from './finder.js';
import { ListTokens, Rotate, TokenId, userIdParam } from './params.js';
import { revokePersonalAccessToken, rotatePersonalAccessToken } from './service.js';

const findUser = (deps: Deps, id: number | null) => findUserById(deps.db, id);

function ownerOf(deps: Deps, token: { user_id: number } | undefined) {
  return findUser(deps, token ? token.user_id : null);
}

/** GitLab's `restrict_non_admins!`, run before every endpoint of lib/api/personal_access_tokens.rb. */
async function restrictNonAdmins(deps: Deps, ctx: SignedInContext<unknown>): Promise<void> {
  if (ctx.user.admin) return;
  const userId = userIdParam(ctx.raw.user_id);
  if (userId === null) return;
  const target = (await findUser(deps, userId)) ?? null;
  if (!can(ctx.user, 'read_user_personal_access_tokens', target)) throw unauthorized();
}

/** Admins list anyone's tokens (or one user's); everyone else only their own, impersonation ones aside. */
async function ownerFilter(deps: Deps, ctx: SignedInContext<unknown>): Promise<Partial<TokenFilters>> {
  if (!ctx.user.admin) return { userId: ctx.user.id, impersonation: false };
  if (!('user_id' in ctx.raw)) return {};
  const user = await findUser(deps, userIdParam(ctx.raw.user_id));
  if (!user) throw notFound();
  return { userId: user.id };
}

/** lib/api/personal_access_tokens.rb */
export function tokenRoutes(app: FastifyInstance, deps: Deps): void {
  // GET /personal_access_tokens — doc/api/personal_access_tokens.md#list-all-personal-access-tokens
  endpoint(app, deps, {
    method: 'GET',
    url: '/personal_access_tokens',
    auth: 'user',
    params: ListTokens,
    async handler(ctx) {
      await restrictNonAdmins(deps, ctx);
      const { params } = ctx;
      const now = deps.clock.now();
      const query = findPersonalAccessTokens(deps.db, {
        ...(await ownerFilter(deps, ctx)),
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
      });
      const rows = await paginate(ctx, query);
      return rows.map((row) => toPersonalAccessToken(row, now));
    },
  });

  // GET /personal_access_tokens/:id — doc/api/personal_access_tokens.md#get-details-on-a-personal-access-token
  endpoint(app, deps, {
    method: 'GET',
    url: '/personal_access_tokens/:id',
    auth: 'user',
    params: TokenId,
    async handler(ctx) {
      await restrictNonAdmins(deps, ctx);
      const token = await findPersonalAccessToken(deps.db, ctx.params.id);
      const owner = (await ownerOf(deps, token)) ?? null;
      // Only admins learn that a token does not exist.
      if (!token || !can(ctx.user, 'read_user_personal_access_tokens', owner))
        throw ctx.user.admin ? notFound() : unauthorized();
      // gitlab-compat: last_used_ips (PersonalAccessTokenWithLastUsedIps) is not recorded.
      return toPersonalAccessToken(token, deps.clock.now());
    },
  });

  // POST /personal_access_tokens/:id/rotate — doc/api/personal_access_tokens.md#rotate-a-personal-access-token
  endpoint(app, deps, {
    method: 'POST',
    url: '/personal_access_tokens/:id/rotate',
    auth: 'user',
    params: Rotate,
    async handler(ctx) {
      await restrictNonAdmins(deps, ctx);
      const token = await findPersonalAccessToken(deps.db, ctx.params.id);
      const owner = (await ownerOf(deps, token)) ?? null;
      if (!token || !can(ctx.user, 'manage_user_personal_access_token', owner))
        throw ctx.user.admin ? notFound() : unauthorized();
      const result = await rotatePersonalAccessToken(deps, token, ctx.params.expires_at);
      if (!result.ok) throw badRequest(result.message);
      return toPersonalAccessTokenWithToken(result.token, deps.clock.now());
    },
  });

  // DELETE /personal_access_tokens/:id — doc/api/personal_access_tokens.md#revoke-a-personal-access-token
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/personal_access_tokens/:id',
    auth: 'user',
    params: TokenId,
    async handler(ctx) {
      await restrictNonAdmins(deps, ctx);
      const token = await findPersonalAccessToken(deps.db, ctx.params.id);
      if (!token) throw recordNotFound();
      if (!can(ctx.user, 'revoke_token', token)) throw badRequest();
      await revokePersonalAccessToken(deps, token.id);
    },
  });
}
