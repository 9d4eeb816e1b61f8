import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { checkUnmodifiedSince } from '../../http/conditional.js';
import { endpoint } from '../../http/endpoint.js';
import { notFound } from '../../http/errors.js';
import { paginate } from '../../http/pagination.js';
import type { PersonalAccessTokenRow } from '../personal_access_tokens/entity.js';
import { findPersonalAccessTokens, findUserById } from '../personal_access_tokens/finder.js';
import { revokePersonalAccessToken } from '../personal_access_tokens/service.js';
import { toImpersonationToken, toImpersonationTokenWithToken } from './entity.js';
import { CreateImpersonationToken, ImpersonationTokenId, ListImpersonationTokens } from './params.js';
import { createImpersonationToken } from './service.js';

/** find_user_by_id: the user the tokens act as. */
async function targetUser(deps: Deps, id: number) {
  const user = await findUserById(deps.db, id);
  if (!user) throw notFound('User');
  return user;
}

async function findImpersonationToken(
  deps: Deps,
  userId: number,
  id: number,
): Promise<PersonalAccessTokenRow> {
  const token = await deps.db
    .selectFrom('personal_access_tokens')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('impersonation', '=', true)
    .executeTakeFirst();
  if (!token) throw notFound('Impersonation Token');
  return token;
}

/** lib/api/users.rb, segment ':user_id' / resource :impersonation_tokens (admins only). */
export function impersonationTokensResource(app: FastifyInstance, deps: Deps): void {
  // GET /users/:user_id/impersonation_tokens — doc/api/user_tokens.md#list-all-impersonation-tokens-for-a-user
  endpoint(app, deps, {
    method: 'GET',
    url: '/users/:user_id/impersonation_tokens',
    auth: 'admin',
    params: ListImpersonationTokens,
    async handler(ctx) {
      const user = await targetUser(deps, ctx.params.user_id);
      const now = deps.clock.now();
      const state = ctx.params.state === 'all' ? undefined : (ctx.params.state as 'active' | 'inactive');
      const query = findPersonalAccessTokens(deps.db, {
        userId: user.id,
        impersonation: true,
        state,
        today: now.toISOString().slice(0, 10),
      });
      const rows = await paginate(ctx, query);
      return rows.map((row) => toImpersonationToken(row, now));
    },
  });

  // POST /users/:user_id/impersonation_tokens — doc/api/user_tokens.md#create-an-impersonation-token
  endpoint(app, deps, {
    method: 'POST',
    url: '/users/:user_id/impersonation_tokens',
    auth: 'admin',
    params: CreateImpersonationToken,
    async handler({ params, reply }) {
      const { user_id, ...input } = params;
      const user = await targetUser(deps, user_id);
      const token = await createImpersonationToken(deps, user.id, input);
      reply.code(201);
      return toImpersonationTokenWithToken(token, deps.clock.now());
    },
  });

  // GET /users/:user_id/impersonation_tokens/:impersonation_token_id — doc/api/user_tokens.md#get-an-impersonation-token-for-a-user
  endpoint(app, deps, {
    method: 'GET',
    url: '/users/:user_id/impersonation_tokens/:impersonation_token_id',
    auth: 'admin',
    params: ImpersonationTokenId,
    async handler({ params }) {
      const user = await targetUser(deps, params.user_id);
      const token = await findImpersonationToken(deps, user.id, params.impersonation_token_id);
      return toImpersonationToken(token, deps.clock.now());
    },
  });

  // DELETE /users/:user_id/impersonation_tokens/:impersonation_token_id — doc/api/user_tokens.md#revoke-an-impersonation-token
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/users/:user_id/impersonation_tokens/:impersonation_token_id',
    auth: 'admin',
    params: ImpersonationTokenId,
    async handler({ params, request }) {
      const user = await targetUser(deps, params.user_id);
      const token = await findImpersonationToken(deps, user.id, params.impersonation_token_id);
      checkUnmodifiedSince(request, token.updated_at);
      await revokePersonalAccessToken(deps, token.id);
    },
  });
}
