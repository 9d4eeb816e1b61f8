import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { notFound, unprocessable } from '../../http/errors.js';
import { authorize } from '../../permissions/index.js';
import { toPersonalAccessTokenWithToken } from './entity.js';
import { findUserById } from './finder.js';
import { CreateForSelf, CreateForUser } from './params.js';
import { selfRoutes } from './self_routes.js';
import { createExpiringToken } from './service.js';
import { tokenRoutes } from './token_routes.js';

export function personalAccessTokensResource(app: FastifyInstance, deps: Deps): void {
  // POST /users/:user_id/personal_access_tokens — doc/api/user_tokens.md#create-a-personal-access-token-for-a-user
  endpoint(app, deps, {
    method: 'POST',
    url: '/users/:user_id/personal_access_tokens',
    auth: 'admin',
    params: CreateForUser,
    async handler({ user: actor, params, reply }) {
      const owner = await findUserById(deps.db, params.user_id);
      if (!owner) throw notFound('User');
      authorize(actor, 'create_user_personal_access_token', owner);
      const result = await createExpiringToken(deps, {
        userId: owner.id,
        name: params.name,
        description: params.description ?? null,
        scopes: params.scopes,
        expiresAt: params.expires_at,
      });
      if (!result.ok) throw unprocessable(result.message);
      reply.code(201);
      return toPersonalAccessTokenWithToken(result.token, deps.clock.now());
    },
  });

  // POST /user/personal_access_tokens — doc/api/user_tokens.md#create-a-personal-access-token
  endpoint(app, deps, {
    method: 'POST',
    url: '/user/personal_access_tokens',
    auth: 'user',
    params: CreateForSelf,
    async handler({ user, params, reply }) {
      authorize(user, 'create_user_personal_access_token', user);
      const result = await createExpiringToken(deps, {
        userId: user.id,
        name: params.name,
        description: params.description ?? null,
        scopes: params.scopes,
        expiresAt: params.expires_at,
      });
      if (!result.ok) throw unprocessable(result.message);
      reply.code(201);
      return toPersonalAccessTokenWithToken(result.token, deps.clock.now());
    },
  });

  selfRoutes(app, deps);
  tokenRoutes(app, deps);
}
