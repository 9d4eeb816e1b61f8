import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { toMetadata } from './entity.js';

/** lib/api/metadata.rb: any signed-in caller; tokens with read_user or ai_features may read it too. */
const SCOPES = ['read_user', 'ai_features'];

export function metadataResource(app: FastifyInstance, deps: Deps): void {
  // GET /metadata — doc/api/metadata.md
  endpoint(app, deps, {
    method: 'GET',
    url: '/metadata',
    auth: 'user',
    scopes: SCOPES,
    handler: () => toMetadata(deps.config),
  });

  // GET /version — doc/api/version.md (C3); deprecated in favour of /metadata, and answers the same
  endpoint(app, deps, {
    method: 'GET',
    url: '/version',
    auth: 'user',
    scopes: SCOPES,
    handler: () => toMetadata(deps.config),
  });
}
