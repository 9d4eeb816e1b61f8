import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { notFound } from '../../http/errors.js';
import { p } from '../../http/params.js';
import { toPersonalAccessTokenWithToken } from './entity.js';
import { isTokenScope } from './scopes.js';
import { createPersonalAccessToken, daysFromNow, MAX_LIFETIME_DAYS } from './service.js';

const scopesParam = () =>
  p.array(p.string(), { commaSeparated: true }).check((list) => list.length > 0 && list.every(isTokenScope));

export function personalAccessTokensResource(app: FastifyInstance, deps: Deps): void {
  // POST /users/:user_id/personal_access_tokens — doc/api/user_tokens.md#create-a-personal-access-token-for-a-user
  endpoint(app, deps, {
    method: 'POST',
    url: '/users/:user_id/personal_access_tokens',
    auth: 'admin',
    params: {
      user_id: p.integer().required(),
      name: p.string().required(),
      description: p.string(),
      scopes: scopesParam().required(),
      expires_at: p.date(),
    },
    async handler({ params, reply }) {
      const user = await deps.db
        .selectFrom('users')
        .select('id')
        .where('id', '=', params.user_id)
        .executeTakeFirst();
      if (!user) throw notFound('User');
      // gitlab-compat: tokens must expire (GitLab's default); without a date they get the maximum lifetime.
      const created = await createPersonalAccessToken(deps, {
        userId: user.id,
        name: params.name,
        description: params.description ?? null,
        scopes: params.scopes,
        expiresAt: params.expires_at ?? daysFromNow(deps, MAX_LIFETIME_DAYS),
      });
      reply.code(201);
      return toPersonalAccessTokenWithToken(created, deps.clock.now());
    },
  });
}
