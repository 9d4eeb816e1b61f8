import type { FastifyRequest } from 'fastify';
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
