import { hash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { preconditionFailed } from './errors.js';

/**
 * GitLab's conditional requests: `If-Unmodified-Since` on deletes (C25, destroy_conditionally!)
 * and `ETag` / `If-None-Match` on reads (C26, Rack::ETag + Rack::ConditionalGet).
 */

/** destroy_conditionally!: a DELETE with If-Unmodified-Since older than the last change answers 412 (C25). */
export function checkUnmodifiedSince(request: FastifyRequest, updatedAt: string): void {
  const header = request.headers['if-unmodified-since'];
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return;
  const since = Date.parse(value);
  if (Number.isNaN(since)) return;
  if (Date.parse(updatedAt) > since) throw preconditionFailed();
}

/** What GitLab's API answers beside an ETag (Rack::ETag's default for cacheable answers). */
const CACHE_CONTROL = 'max-age=0, private, must-revalidate';

/**
 * Rack::ETag: a weak validator from the answer's bytes (32 hex digits). A weak validator only has
 * to change when the bytes do, so the digest is SHA-1 in one call: every GET answer pays for it.
 */
export function weakEtag(body: string): string {
  return `W/"${hash('sha1', body, 'hex').slice(0, 32)}"`;
}

/** Rack::ConditionalGet: If-None-Match names this ETag (in a list, or `*`). */
function noneMatch(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return false;
  return value
    .split(',')
    .map((v) => v.trim())
    .some((v) => v === '*' || v === etag);
}

/**
 * C26: a 200 answer to GET/HEAD carries a weak ETag of its body; when the client's If-None-Match
 * already names it, the answer is 304 with no body. Returns true when the 304 was sent. `known`:
 * the body's ETag, already worked out (JsonBody).
 */
export function answerConditionally(
  request: FastifyRequest,
  reply: FastifyReply,
  body: string,
  known: { etag: string } | null = null,
): boolean {
  if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return false;
  const etag = known ? known.etag : weakEtag(body);
  reply.header('etag', etag);
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', CACHE_CONTROL);
  if (!noneMatch(request, etag)) return false;
  reply.code(304).send();
  return true;
}
