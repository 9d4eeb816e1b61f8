import assert from 'node:assert/strict';
import { unique } from '../../../test/factories.js';
import type { TestServer } from '../../../test/server.js';

/** Helpers for the issue-tracking tests (labels, milestones, issues, notes, award emoji). */
export type Json = Record<string, unknown>;

export async function api<T = Json>(
  s: TestServer,
  method: string,
  path: string,
  body?: unknown,
  token?: string | null,
  expected = method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200,
): Promise<T> {
  const res = await s.request(path, { method, body, token });
  assert.equal(res.status, expected, `${method} ${path}: ${res.text}`);
  return res.body as T;
}

export async function createGroup(
  s: TestServer,
  attrs: Json = {},
  token?: string,
): Promise<Json & { id: number; full_path: string }> {
  const path = unique('grp');
  return api(s, 'POST', '/groups', { name: path, path, visibility: 'public', ...attrs }, token);
}

export async function createProject(
  s: TestServer,
  attrs: Json = {},
  token?: string,
): Promise<Json & { id: number; path_with_namespace: string }> {
  return api(s, 'POST', '/projects', { name: unique('proj'), visibility: 'public', ...attrs }, token);
}

export async function addMember(
  s: TestServer,
  kind: 'projects' | 'groups',
  id: number,
  userId: number,
  level: number,
) {
  await api(s, 'POST', `/${kind}/${id}/members`, { user_id: userId, access_level: level });
}
