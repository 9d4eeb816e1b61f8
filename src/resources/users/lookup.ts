import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/connection.js';
import type { User } from '../../http/auth.js';
import { notFound, preconditionFailed, routeNotFound } from '../../http/errors.js';
import { findUserById, parseUserId } from './finder.js';

/**
 * The user named by a numeric `:id` path segment. GitLab's users routes only match digits
 * (`requirements: { id: /[0-9]*\/ }`), so `/users/abc` is an unknown route; a well-formed id with
 * no user is `404 User Not Found`.
 */
export async function userFromPath(db: Db, raw: string): Promise<User> {
  if (!/^\d+$/.test(raw)) throw routeNotFound();
  const user = await findUserById(db, parseUserId(raw));
  if (!user) throw notFound('User');
  return user;
}

/** A numeric `:key_id` / `:email_id` segment; anything else is Grape's "x is invalid" (400). */
export function recordIdFromPath(raw: string): number | null {
  return parseUserId(raw);
}

/** destroy_conditionally!: a DELETE with If-Unmodified-Since older than the last change answers 412 (C25). */
export function checkUnmodifiedSince(request: FastifyRequest, updatedAt: string): void {
  const header = request.headers['if-unmodified-since'];
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return;
  const since = Date.parse(value);
  if (Number.isNaN(since)) return;
  if (Date.parse(updatedAt) > since) throw preconditionFailed();
}
