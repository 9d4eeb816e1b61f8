import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { Caller } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { badRequest, methodNotAllowed, notFound } from '../../http/errors.js';
import { can } from '../../permissions/index.js';
import { toPersonalAccessToken, toPersonalAccessTokenWithToken } from './entity.js';
import { findPersonalAccessToken } from './finder.js';
import { RotateSelf } from './params.js';
import { TOKEN_SCOPES } from './scopes.js';
import { revokePersonalAccessToken, rotatePersonalAccessToken } from './service.js';

/** The personal access token the request authenticated with. */
async function ownToken(deps: Deps, caller: Caller) {
  // gitlab-compat: only personal access tokens reach here today; other credential kinds have no `self`.
  const token = caller.tokenId === null ? undefined : await findPersonalAccessToken(deps.db, caller.tokenId);
  if (!token) throw notFound();
  return token;
}

/** lib/api/personal_access_tokens/self_information.rb and self_rotation.rb */
export function selfRoutes(app: FastifyInstance, deps: Deps): void {
  // Any token, whatever its scopes, may look at and revoke itself.

  // GET /personal_access_tokens/self — doc/api/personal_access_tokens.md#self-inform
  endpoint(app, deps, {
    method: 'GET',
    url: '/personal_access_tokens/self',
    auth: 'user',
    scopes: TOKEN_SCOPES,
    async handler({ caller }) {
      return toPersonalAccessToken(await ownToken(deps, caller), deps.clock.now());
    },
  });

  // DELETE /personal_access_tokens/self — doc/api/personal_access_tokens.md#self-revoke
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/personal_access_tokens/self',
    auth: 'user',
    scopes: TOKEN_SCOPES,
    async handler({ caller, user }) {
      const token = await ownToken(deps, caller);
      if (!can(caller.sudoFrom ?? user, 'revoke_token', token)) throw badRequest();
      await revokePersonalAccessToken(deps, token.id);
    },
  });

  // POST /personal_access_tokens/self/rotate — doc/api/personal_access_tokens.md#self-rotate
  endpoint(app, deps, {
    method: 'POST',
    url: '/personal_access_tokens/self/rotate',
    auth: 'user',
    scopes: ['self_rotate'],
    params: RotateSelf,
    async handler({ caller, params }) {
      if (caller.tokenId === null) throw methodNotAllowed();
      const result = await rotatePersonalAccessToken(deps, await ownToken(deps, caller), params.expires_at);
      if (!result.ok) throw badRequest(result.message);
      return toPersonalAccessTokenWithToken(result.token, deps.clock.now());
    },
  });
}
