import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestServer } from './server.js';

let seq = 0;
/** A short unique suffix, so tests in one server never collide. */
export const unique = (prefix: string) => `${prefix}${++seq}${randomBytes(3).toString('hex')}`;

export interface CreatedUser {
  id: number;
  username: string;
  email: string;
  /** A personal access token (scopes api) for this user. */
  token: string;
}

/** Creates a user through the admin API (POST /users) and gives it a token (POST /users/:id/personal_access_tokens). */
export async function createUser(
  s: TestServer,
  attrs: Record<string, unknown> = {},
  scopes: string[] = ['api'],
): Promise<CreatedUser> {
  const username = (attrs.username as string | undefined) ?? unique('user');
  const email = (attrs.email as string | undefined) ?? `${username}@example.com`;
  const created = await s.request('/users', {
    method: 'POST',
    body: {
      username,
      email,
      name: `User ${username}`,
      password: 'Secret-pass-123',
      skip_confirmation: true,
      ...attrs,
    },
  });
  assert.equal(created.status, 201, `POST /users: ${created.text}`);
  const user = created.body as { id: number; username: string; email: string };
  const token = await s.request(`/users/${user.id}/personal_access_tokens`, {
    method: 'POST',
    body: { name: 'test', scopes },
  });
  assert.equal(token.status, 201, `POST /users/:id/personal_access_tokens: ${token.text}`);
  return { id: user.id, username: user.username, email, token: (token.body as { token: string }).token };
}
