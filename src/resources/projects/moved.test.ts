import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';

describe('moved projects (C27) and the offset limit setting (C43)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  /** Raw HTTP that does not follow redirects, to see the 301 itself. */
  const raw = (path: string, token: string, method = 'GET') =>
    fetch(`${s.url}/api/v4${path}`, { method, headers: { 'private-token': token }, redirect: 'manual' });

  const setting = async (body: Record<string, unknown>) => {
    const res = await s.request('/application/settings', { method: 'PUT', body });
    assert.equal(res.status, 200, res.text);
  };

  test('C27: a renamed or transferred project answers 301 at its old path; writes 405; off → followed', async () => {
    const owner = await createUser(s);
    const made = await s.request('/projects', {
      method: 'POST',
      token: owner.token,
      body: { name: 'moving', visibility: 'private' },
    });
    const id = (made.body as { id: number }).id;
    const renamed = await s.request(`/projects/${id}`, {
      method: 'PUT',
      token: owner.token,
      body: { path: 'moved-here' },
    });
    assert.equal(renamed.status, 200, renamed.text);
    const oldPath = encodeURIComponent(`${owner.username}/moving`);

    const res = await raw(`/projects/${oldPath}?statistics=true`, owner.token);
    assert.equal(res.status, 301);
    const location = `${s.url}/api/v4/projects/${id}?statistics=true`;
    assert.equal(res.headers.get('location'), location);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await res.text(), `This resource has been moved permanently to ${location}`);

    // Sub-resources keep the rest of the path.
    const members = await raw(`/projects/${oldPath}/members`, owner.token);
    assert.equal(members.status, 301);
    assert.equal(members.headers.get('location'), `${s.url}/api/v4/projects/${id}/members`);

    // A write to the old path is refused, not redirected.
    const put = await raw(`/projects/${oldPath}`, owner.token, 'PUT');
    assert.equal(put.status, 405);
    assert.deepEqual(await put.json(), { message: 'Non GET methods are not allowed for moved projects' });

    // Someone who may not see the private project gets 404, never the new location.
    const stranger = await createUser(s);
    const hidden = await raw(`/projects/${oldPath}`, stranger.token);
    assert.equal(hidden.status, 404);
    assert.equal(hidden.headers.get('location'), null);

    // The current path, in another case, is not a move.
    const current = await raw(`/projects/${encodeURIComponent(`${owner.username}/MOVED-HERE`)}`, owner.token);
    assert.equal(current.status, 200);

    // Transfers redirect too; gitbeaker (fetch) follows the redirect to the project.
    const group = await s.request('/groups', {
      method: 'POST',
      token: owner.token,
      body: { name: 'dest', path: unique('dest') },
    });
    const gpath = (group.body as { full_path: string }).full_path;
    const moved = await s.request(`/projects/${id}/transfer`, {
      method: 'PUT',
      token: owner.token,
      body: { namespace: gpath },
    });
    assert.equal(moved.status, 200, moved.text);
    const followed = (await s.gitlab(owner.token).Projects.show(`${owner.username}/moved-here`)) as {
      id: number;
      path_with_namespace: string;
    };
    assert.equal(followed.id, id);
    assert.equal(followed.path_with_namespace, `${gpath}/moved-here`);

    // Switched off: the old path answers as the project itself, and writes go through.
    await setting({ api_redirect_moved_projects: false });
    try {
      const off = await raw(`/projects/${oldPath}`, owner.token);
      assert.equal(off.status, 200);
      assert.equal(((await off.json()) as { id: number }).id, id);
    } finally {
      await setting({ api_redirect_moved_projects: true });
    }
  });

  test('C43: the maximum offset comes from offset_pagination_limit (projects, users, groups; 0 = none)', async () => {
    const message = (type: string, limit: number) =>
      `Offset pagination has a maximum allowed offset of ${limit} for requests that return objects of type ${type}. Remaining records can be retrieved using keyset pagination.`;
    await setting({ offset_pagination_limit: 10 });
    try {
      for (const [path, type] of [
        ['/projects', 'Project'],
        ['/users', 'User'],
        ['/groups', 'Group'],
      ] as const) {
        const at = await s.request(`${path}?page=11&per_page=1`);
        assert.equal(at.status, 200, `${path}: ${at.text}`);
        const past = await s.request(`${path}?page=12&per_page=1`);
        assert.equal(past.status, 405, path);
        assert.deepEqual(past.body, { error: message(type, 10) });
        // Keyset pages are never capped.
        const keyset = await s.request(
          `${path}?pagination=keyset&per_page=1&order_by=${type === 'Group' ? 'name' : 'id'}${type === 'Group' ? '&sort=asc' : ''}`,
        );
        assert.equal(keyset.status, 200, `${path}: ${keyset.text}`);
      }
      await setting({ offset_pagination_limit: 0 });
      assert.equal((await s.request('/projects?page=100000&per_page=100')).status, 200);
    } finally {
      await setting({ offset_pagination_limit: 50000 });
    }
    const cap = await s.request('/projects?page=502&per_page=100');
    assert.deepEqual(cap.body, { error: message('Project', 50000) });
  });
});
