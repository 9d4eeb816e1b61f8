import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../test/factories.js';
import { startTestServer, type TestServer } from '../../test/server.js';

describe('conditional requests', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('C26: GETs of single resources and lists carry a weak ETag; If-None-Match answers 304 with no body', async () => {
    const user = await createUser(s);
    const made = await s.request('/projects', {
      method: 'POST',
      token: user.token,
      body: { name: 'cached' },
    });
    assert.equal(made.status, 201);
    assert.equal(made.headers.get('etag'), null, 'only reads carry an ETag');
    const id = (made.body as { id: number }).id;

    for (const path of [`/projects/${id}`, '/projects?per_page=5', '/user']) {
      const first = await s.request(path, { token: user.token });
      assert.equal(first.status, 200);
      const etag = first.headers.get('etag');
      assert.match(etag ?? '', /^W\/"[0-9a-f]{32}"$/, path);
      assert.equal(first.headers.get('cache-control'), 'max-age=0, private, must-revalidate');
      // Same state, same tag.
      assert.equal((await s.request(path, { token: user.token })).headers.get('etag'), etag);

      const cached = await s.request(path, { token: user.token, headers: { 'if-none-match': etag! } });
      assert.equal(cached.status, 304, path);
      assert.equal(cached.text, '');
      assert.equal(cached.headers.get('etag'), etag);
      // One of several tags, and `*`, match too; another tag does not.
      const listed = await s.request(path, {
        token: user.token,
        headers: { 'if-none-match': `W/"x", ${etag}` },
      });
      assert.equal(listed.status, 304);
      assert.equal(
        (await s.request(path, { token: user.token, headers: { 'if-none-match': '*' } })).status,
        304,
      );
      const stale = await s.request(path, { token: user.token, headers: { 'if-none-match': 'W/"other"' } });
      assert.equal(stale.status, 200);
      assert.ok(stale.text.length > 0);
    }

    // A change gives a new tag: the old one no longer matches.
    const before = (await s.request(`/projects/${id}`, { token: user.token })).headers.get('etag')!;
    await s.request(`/projects/${id}`, {
      method: 'PUT',
      token: user.token,
      body: { description: 'changed' },
    });
    const after = await s.request(`/projects/${id}`, {
      token: user.token,
      headers: { 'if-none-match': before },
    });
    assert.equal(after.status, 200);
    assert.notEqual(after.headers.get('etag'), before);

    // Errors carry no ETag.
    const missing = await s.request('/projects/999999', { token: user.token });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('etag'), null);

    // gitbeaker still reads normally (it sends no If-None-Match).
    const shown = (await s.gitlab(user.token).Projects.show(id)) as { description: string };
    assert.equal(shown.description, 'changed');
  });

  test('C25: DELETE of a project or group with an older If-Unmodified-Since answers 412 and deletes nothing', async () => {
    const user = await createUser(s);
    const project = await s.request('/projects', {
      method: 'POST',
      token: user.token,
      body: { name: unique('p') },
    });
    const pid = (project.body as { id: number }).id;
    const group = await s.request('/groups', {
      method: 'POST',
      token: user.token,
      body: { name: 'g', path: unique('g') },
    });
    const gid = (group.body as { id: number }).id;
    const past = 'Mon, 01 Jan 2001 00:00:00 GMT';
    const future = new Date(Date.now() + 3600_000).toUTCString();

    for (const path of [`/projects/${pid}`, `/groups/${gid}`]) {
      const stale = await s.request(path, {
        method: 'DELETE',
        token: user.token,
        headers: { 'if-unmodified-since': past },
      });
      assert.equal(stale.status, 412, path);
      assert.deepEqual(stale.body, { message: '412 Precondition Failed' });
      assert.equal((await s.request(path, { token: user.token })).status, 200, `${path} still there`);
      // A date after the last change (or a malformed one) lets the delete through.
      const ok = await s.request(path, {
        method: 'DELETE',
        token: user.token,
        headers: { 'if-unmodified-since': future },
      });
      assert.equal(ok.status, 202, path);
    }
    const garbage = await s.request('/projects', {
      method: 'POST',
      token: user.token,
      body: { name: unique('q') },
    });
    const del = await s.request(`/projects/${(garbage.body as { id: number }).id}`, {
      method: 'DELETE',
      token: user.token,
      headers: { 'if-unmodified-since': 'not a date' },
    });
    assert.equal(del.status, 202);
  });
});
