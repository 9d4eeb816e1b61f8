import assert from 'node:assert/strict';
import { unique } from '../../../test/factories.js';
import type { TestServer } from '../../../test/server.js';
import { nowIso } from '../../deps.js';

export interface TokenBody {
  id: number;
  name: string;
  revoked: boolean;
  created_at: string;
  description: string | null;
  scopes: string[];
  user_id: number;
  last_used_at: string | null;
  active: boolean;
  expires_at: string | null;
  token?: string;
}

/**
 * A plain user, inserted as a row: these tests exercise tokens, not user creation (POST /users is
 * covered by the users resource), so they do not depend on it.
 */
export async function insertUser(s: TestServer, attrs: { admin?: boolean } = {}) {
  const username = unique('patuser');
  const now = nowIso(s.server.deps);
  const row = await s.server.deps.db
    .insertInto('users')
    .values({
      username,
      name: `User ${username}`,
      email: `${username}@example.com`,
      admin: attrs.admin ?? false,
      confirmed_at: now,
      created_at: now,
      updated_at: now,
    })
    .returning(['id', 'username'])
    .executeTakeFirstOrThrow();
  return row;
}

/** A token for `userId` through the admin API. */
export async function tokenFor(
  s: TestServer,
  userId: number,
  body: Record<string, unknown> = {},
): Promise<TokenBody & { token: string }> {
  const res = await s.request(`/users/${userId}/personal_access_tokens`, {
    method: 'POST',
    body: { name: 'test', scopes: ['api'], ...body },
  });
  assert.equal(res.status, 201, res.text);
  return res.body as TokenBody & { token: string };
}

/** A user with one token (scopes api unless told). */
export async function userWithToken(
  s: TestServer,
  scopes: string[] = ['api'],
  attrs: { admin?: boolean } = {},
) {
  const user = await insertUser(s, attrs);
  const token = await tokenFor(s, user.id, { scopes });
  return { ...user, token: token.token, tokenId: token.id };
}

export const today = () => new Date().toISOString().slice(0, 10);
export const dayOffset = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);
