import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, cloneUrl, createProject, git, gitOk, gitTemp } from '../git_http/test_helpers.js';

describe('protected tags API', () => {
  let s: TestServer;
  let tmp: string;
  before(async () => {
    s = await startTestServer();
    tmp = await gitTemp();
  });
  after(async () => {
    await s.close();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  test('list/get/create/delete, wildcards, 422 on a duplicate, maintainers only', async () => {
    const p = await createProject(s, { name: unique('pt'), initialize_with_readme: true });
    const base = `/projects/${p.id}/protected_tags`;
    const created = await s.request(base, {
      method: 'POST',
      body: { name: 'release-*', create_access_level: 30 },
    });
    assert.equal(created.status, 201);
    const body = created.body as {
      name: string;
      create_access_levels: Array<{ id: number; access_level: number; access_level_description: string }>;
    };
    assert.equal(body.name, 'release-*');
    assert.equal(body.create_access_levels.length, 1);
    assert.equal(body.create_access_levels[0]!.access_level, 30);
    assert.equal(body.create_access_levels[0]!.access_level_description, 'Developers + Maintainers');

    const def = await s.request(base, { method: 'POST', body: { name: 'v1.0' } });
    assert.equal(def.status, 201);
    assert.equal(
      (def.body as { create_access_levels: Array<{ access_level: number }> }).create_access_levels[0]!
        .access_level,
      40,
    );

    const dup = await s.request(base, { method: 'POST', body: { name: 'v1.0' } });
    assert.equal(dup.status, 422);
    assert.deepEqual(dup.body, { message: ['Name has already been taken'] });
    const bad = await s.request(base, { method: 'POST', body: { name: 'x', create_access_level: 10 } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { error: 'create_access_level does not have a valid value' });
    const missing = await s.request(base, { method: 'POST', body: {} });
    assert.equal(missing.status, 400);

    const list = await s.request(base);
    assert.equal(list.status, 200);
    assert.deepEqual(
      (list.body as Array<{ name: string }>).map((t) => t.name),
      ['release-*', 'v1.0'],
    );
    assert.equal(list.headers.get('x-total'), '2');
    const one = await s.request(`${base}/release-*`);
    assert.equal(one.status, 200);
    assert.equal((one.body as { name: string }).name, 'release-*');
    const none = await s.request(`${base}/nope`);
    assert.equal(none.status, 404);
    assert.deepEqual(none.body, { message: '404 Not found' });

    const dev = await createUser(s);
    await addMember(s, p.id, dev.id, 30);
    const forbidden = await s.request(base, { token: dev.token });
    assert.equal(forbidden.status, 403);
    const stranger = await createUser(s);
    assert.equal((await s.request(base, { token: stranger.token })).status, 404);

    const del = await s.request(`${base}/v1.0`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal((await s.request(`${base}/v1.0`, { method: 'DELETE' })).status, 404);
  });

  test('a push of a tag protected through the API is refused for developers, taken from maintainers', async () => {
    const p = await createProject(s, { name: unique('ptpush'), initialize_with_readme: true });
    const dev = await createUser(s);
    const maint = await createUser(s);
    await addMember(s, p.id, dev.id, 30);
    await addMember(s, p.id, maint.id, 40);
    const res = await s.request(`/projects/${p.id}/protected_tags`, { method: 'POST', body: { name: 'v*' } });
    assert.equal(res.status, 201);
    const d = path.join(tmp, unique('w'));
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, dev.token), d], tmp);
    await gitOk(['tag', 'v1.0'], d);
    await gitOk(['tag', 'other-1'], d);
    const refused = await git(['push', 'origin', 'v1.0'], d);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /You are not allowed to create this tag as it is protected\./);
    await gitOk(['push', '-q', 'origin', 'other-1'], d);
    assert.equal((await s.request(`/projects/${p.id}/repository/tags/v1.0`)).status, 404);

    await gitOk(['remote', 'set-url', 'origin', cloneUrl(s, p.path_with_namespace, maint.token)], d);
    await gitOk(['push', '-q', 'origin', 'v1.0'], d);
    assert.equal((await s.request(`/projects/${p.id}/repository/tags/v1.0`)).status, 200);
    // Deleting a protected tag is refused even for maintainers over git.
    const delTag = await git(['push', 'origin', ':refs/tags/v1.0'], d);
    assert.notEqual(delTag.code, 0);
    assert.match(delTag.stderr, /You are not allowed to delete protected tags/);
  });

  test('gitbeaker: ProtectedTags end to end', async () => {
    const p = await createProject(s, { name: unique('ptgb'), initialize_with_readme: true });
    const api = s.gitlab();
    const t = await api.ProtectedTags.create(p.id, 'gb-*', { createAccessLevel: 0 });
    assert.equal(t.name, 'gb-*');
    const all = await api.ProtectedTags.all(p.id);
    assert.deepEqual(
      all.map((x) => x.name),
      ['gb-*'],
    );
    const one = (await api.ProtectedTags.show(p.id, 'gb-*')) as unknown as {
      create_access_levels: Array<{ access_level_description: string }>;
    };
    assert.equal(one.create_access_levels[0]!.access_level_description, 'No one');
    await api.ProtectedTags.remove(p.id, 'gb-*');
    await assert.rejects(() => api.ProtectedTags.show(p.id, 'gb-*'));
  });
});
