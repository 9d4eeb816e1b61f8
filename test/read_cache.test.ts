// Two `labforge serve` processes on one database: what one process commits, the other answers on its
// very next request, though each remembers tokens, projects and project answers between requests
// (src/db/read_cache.ts, invalidated by the database's data version). Runs on both databases.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSite, type Instance, type Site, serve, testDatabase } from './multiprocess-support.js';

describe(`read cache across processes (${testDatabase})`, () => {
  let site: Site;
  let a: Instance;
  let b: Instance;
  before(async () => {
    site = await createSite();
    [a, b] = await Promise.all([serve(site), serve(site)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await site?.dispose();
  });

  const call = async (base: string, method: string, path: string, token: string | null, body?: object) => {
    const headers: Record<string, string> = {};
    if (token) headers['private-token'] = token;
    if (body) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}/api/v4${path}`, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, etag: res.headers.get('etag'), body: text ? JSON.parse(text) : null };
  };

  it('a change committed by one process is answered by the other at once: project fields, membership, visibility, token revocation (C26 ETags follow)', async () => {
    const root = site.rootToken;
    const user = await call(a.url, 'POST', '/users', root, {
      username: 'cachy',
      name: 'Cachy',
      email: 'cachy@example.com',
      password: 'a-long-password-1',
    });
    assert.equal(user.status, 201);
    const token = await call(a.url, 'POST', `/users/${user.body.id}/personal_access_tokens`, root, {
      name: 't',
      scopes: ['api'],
    });
    assert.equal(token.status, 201);
    const userToken = token.body.token as string;
    const project = await call(a.url, 'POST', '/projects', root, { name: 'cached', visibility: 'private' });
    assert.equal(project.status, 201);
    const id = project.body.id as number;
    const member = await call(a.url, 'POST', `/projects/${id}/members`, root, {
      user_id: user.body.id,
      access_level: 30,
    });
    assert.equal(member.status, 201);

    // B answers (twice: the second from what it remembers).
    const first = await call(b.url, 'GET', `/projects/${id}`, userToken);
    const again = await call(b.url, 'GET', `/projects/${id}`, userToken);
    assert.equal(first.status, 200);
    assert.deepEqual(again, first);
    assert.equal(first.body.permissions.project_access.access_level, 30);

    // A field changed through A.
    assert.equal((await call(a.url, 'PUT', `/projects/${id}`, root, { description: 'changed' })).status, 200);
    const changed = await call(b.url, 'GET', `/projects/${id}`, userToken);
    assert.equal(changed.body.description, 'changed');
    assert.notEqual(changed.etag, first.etag);

    // A membership level changed, then removed, through A.
    await call(a.url, 'PUT', `/projects/${id}/members/${user.body.id}`, root, { access_level: 40 });
    const raised = await call(b.url, 'GET', `/projects/${id}`, userToken);
    assert.equal(raised.body.permissions.project_access.access_level, 40);
    assert.equal((await call(a.url, 'DELETE', `/projects/${id}/members/${user.body.id}`, root)).status, 204);
    assert.equal((await call(b.url, 'GET', `/projects/${id}`, userToken)).status, 404);

    // Anonymous callers: public, then private again.
    await call(a.url, 'PUT', `/projects/${id}`, root, { visibility: 'public' });
    assert.equal((await call(b.url, 'GET', `/projects/${id}`, null)).status, 200);
    assert.equal((await call(b.url, 'GET', `/projects/${id}`, null)).status, 200);
    await call(a.url, 'PUT', `/projects/${id}`, root, { visibility: 'private' });
    assert.equal((await call(b.url, 'GET', `/projects/${id}`, null)).status, 404);

    // The token, revoked through A, stops working on B.
    assert.equal((await call(b.url, 'GET', '/user', userToken)).status, 200);
    assert.equal((await call(a.url, 'DELETE', `/personal_access_tokens/${token.body.id}`, root)).status, 204);
    assert.equal((await call(b.url, 'GET', '/user', userToken)).status, 401);
  });
});
