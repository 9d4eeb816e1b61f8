import type { Db } from '../../db/connection.js';
import type { User } from '../../http/auth.js';
import { notFound, routeNotFound } from '../../http/errors.js';
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

/** destroy_conditionally! (C25), shared by every resource. */
export { checkUnmodifiedSince } from '../../http/conditional.js';
