import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, createProject } from '../git_http/test_helpers.js';

describe('tags', () => {
  let s: TestServer;
  let project: { id: number; path_with_namespace: string };
  before(async () => {
    s = await startTestServer();
    project = await createProject(s, { name: unique('tags'), initialize_with_readme: true });
  });
  after(() => s.close());

  test('create lightweight and annotated tags; get; list order and search; errors', async () => {
    const light = await s.request(`/projects/${project.id}/repository/tags`, {
      method: 'POST',
      body: { tag_name: 'v1.9', ref: 'main' },
    });
    assert.equal(light.status, 201, light.text);
    const l = light.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(l), [
      'name',
      'message',
      'target',
      'commit',
      'release',
      'protected',
      'created_at',
    ]);
    assert.equal(l.message, '');
    assert.equal(l.target, (l.commit as { id: string }).id);
    assert.equal(l.created_at, null);
    const annotated = await s.request(`/projects/${project.id}/repository/tags`, {
      method: 'POST',
      body: { tag_name: 'v1.10', ref: 'main', message: 'Ten' },
    });
    assert.equal(annotated.status, 201);
    const a = annotated.body as {
      message: string;
      target: string;
      commit: { id: string };
      created_at: string;
    };
    assert.equal(a.message, 'Ten');
    assert.notEqual(a.target, a.commit.id);
    assert.match(a.created_at, /^\d{4}-/);

    const byVersion = await s.request(`/projects/${project.id}/repository/tags?order_by=version&sort=asc`);
    assert.deepEqual(
      (byVersion.body as Array<{ name: string }>).map((t) => t.name),
      ['v1.9', 'v1.10'],
    );
    const byName = await s.request(`/projects/${project.id}/repository/tags?order_by=name&sort=asc`);
    assert.deepEqual(
      (byName.body as Array<{ name: string }>).map((t) => t.name),
      ['v1.10', 'v1.9'],
    );
    const search = await s.request(`/projects/${project.id}/repository/tags?search=^v1.1`);
    assert.deepEqual(
      (search.body as Array<{ name: string }>).map((t) => t.name),
      ['v1.10'],
    );

    const dup = await s.request(`/projects/${project.id}/repository/tags`, {
      method: 'POST',
      body: { tag_name: 'v1.9', ref: 'main' },
    });
    assert.deepEqual([dup.status, dup.body], [400, { message: 'Tag v1.9 already exists' }]);
    const badRef = await s.request(`/projects/${project.id}/repository/tags`, {
      method: 'POST',
      body: { tag_name: 'v2', ref: '--output=/tmp/x' },
    });
    assert.deepEqual([badRef.status, badRef.body], [400, { message: 'Target --output=/tmp/x is invalid' }]);
    const badName = await s.request(`/projects/${project.id}/repository/tags`, {
      method: 'POST',
      body: { tag_name: '-x', ref: 'main' },
    });
    assert.deepEqual([badName.status, badName.body], [400, { message: 'Tag name invalid' }]);
    const missing = await s.request(`/projects/${project.id}/repository/tags/nope`);
    assert.deepEqual([missing.status, missing.body], [404, { message: '404 Tag Not Found' }]);
  });

  test('delete: 204, reporters 403', async () => {
    await s.request(`/projects/${project.id}/repository/tags`, {
      method: 'POST',
      body: { tag_name: 'gone', ref: 'main' },
    });
    const reporter = await createUser(s);
    await addMember(s, project.id, reporter.id, 20);
    const denied = await s.request(`/projects/${project.id}/repository/tags/gone`, {
      method: 'DELETE',
      token: reporter.token,
    });
    assert.equal(denied.status, 403);
    const del = await s.request(`/projects/${project.id}/repository/tags/gone`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal((await s.request(`/projects/${project.id}/repository/tags/gone`)).status, 404);
  });

  test('gitbeaker: Tags end to end', async () => {
    const api = s.gitlab();
    const t = await api.Tags.create(project.id, 'gb-tag', 'main', { message: 'From gitbeaker' });
    assert.equal(t.name, 'gb-tag');
    const shown = await api.Tags.show(project.id, 'gb-tag');
    assert.equal(shown.message, 'From gitbeaker');
    const all = await api.Tags.all(project.id);
    assert.ok(all.some((x) => x.name === 'gb-tag'));
    await api.Tags.remove(project.id, 'gb-tag');
  });
});
