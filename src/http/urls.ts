import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';

/** An absolute URL on this server's public address, for web_url fields and _links. */
export function webUrl(config: Pick<Config, 'externalUrl'>, path: string): string {
  return `${config.externalUrl}/${path.replace(/^\/+/, '')}`;
}

/** The API URL of the current request's path on the public address (for Link headers). */
export function requestApiUrl(config: Pick<Config, 'externalUrl'>, request: FastifyRequest): string {
  const path = request.url.split('?')[0]!;
  return `${config.externalUrl}${path}`;
}
