import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { toUserBasic } from './entity.js';

export function usersResource(app: FastifyInstance, deps: Deps): void {
  // GET /user — doc/api/users.md#retrieve-your-account-status (provisional)
  endpoint(app, deps, {
    method: 'GET',
    url: '/user',
    auth: 'user',
    scopes: ['read_user'],
    handler: ({ user }) => toUserBasic(deps.config, user),
  });
}
