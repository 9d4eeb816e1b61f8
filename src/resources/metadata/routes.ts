import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';

export const REVISION = 'labforge';

export function metadataResource(app: FastifyInstance, deps: Deps): void {
  // GET /version — doc/api/version.md (C3)
  endpoint(app, deps, {
    method: 'GET',
    url: '/version',
    auth: 'user',
    scopes: ['read_user'],
    handler: () => ({ version: deps.config.gitlabVersion, revision: REVISION }),
  });
}
