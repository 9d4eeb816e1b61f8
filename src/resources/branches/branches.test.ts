import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, createProject } from '../git_http/test_helpers.js';

describe('branches and protected branches', () => {
  let s: TestServer;
  let project: { id: number; path_with_namespace: string };
  before(async () => {
    s = await startTestServer();
    project = await createProject(s, { name: unique('br'), initialize_with_readme: true });
  });
  after(() => s.close());

  test('create from a ref, get (URL-encoded name, C52), list with search/regex; the entity', async () => {
    const created = await s.request(`/projects/${project.id}/repository/branches`, {
      method: 'POST',
      body: { branch: 'feature/one', ref: 'main' },
    });
    assert.equal(created.status, 201, created.text);
    const b = created.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(b), [
      'name',
      'commit',
      'merged',
      'protected',
      'developers_can_push',
      'developers_can_merge',
      'can_push',
      'default',
      'web_url',
    ]);
    assert.equal(b.merged, false);
    assert.equal(b.protected, false);
    assert.equal(b.default, false);
    assert.equal(b.can_push, true);
    assert.equal(b.web_url, `${s.url}/${project.path_with_namespace}/-/tree/feature/one`);
    const commit = b.commit as Record<string, unknown>;
    assert.equal(commit.title, 'Initial commit');
    assert.equal(commit.web_url, `${s.url}/${project.path_with_namespace}/-/commit/${commit.id}`);

    const got = await s.request(`/projects/${project.id}/repository/branches/feature%2Fone`);
    assert.equal(got.status, 200);
    const main = (await s.request(`/projects/${project.id}/repository/branches/main`)).body as Record<
      string,
      unknown
    >;
    assert.equal(main.protected, true);
    assert.equal(main.default, true);
    assert.equal(main.developers_can_push, false);

    const list = await s.request(`/projects/${project.id}/repository/branches?search=feat`);
    assert.deepEqual(
      (list.body as Array<{ name: string }>).map((x) => x.name),
      ['feature/one'],
    );
    assert.equal(list.headers.get('x-total'), '1');
    const rx = await s.request(
      `/projects/${project.id}/repository/branches?regex=${encodeURIComponent('^ma')}`,
    );
    assert.deepEqual(
      (rx.body as Array<{ name: string }>).map((x) => x.name),
      ['main'],
    );
  });

  test("GitLab's errors: missing branch 404, existing 400, bad ref 400, hostile names never reach git as options", async () => {
    const missing = await s.request(`/projects/${project.id}/repository/branches/nope`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: '404 Branch Not Found' });
    const exists = await s.request(`/projects/${project.id}/repository/branches`, {
      method: 'POST',
      body: { branch: 'main', ref: 'main' },
    });
    assert.equal(exists.status, 400);
    assert.deepEqual(exists.body, { message: 'Branch already exists' });
    for (const ref of ['-x', '--upload-pack=touch /tmp/pwned', 'nope']) {
      const bad = await s.request(`/projects/${project.id}/repository/branches`, {
        method: 'POST',
        body: { branch: unique('b'), ref },
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body, { message: `Invalid reference name: ${ref}` });
    }
    for (const branch of ['-x', '../x', 'a..b', '--exec=x']) {
      const bad = await s.request(`/projects/${project.id}/repository/branches`, {
        method: 'POST',
        body: { branch, ref: 'main' },
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body, { message: 'Branch name is invalid' });
    }
    const hostileGet = await s.request(`/projects/${project.id}/repository/branches/--upload-pack=x`);
    assert.equal(hostileGet.status, 404);
  });

  test('delete: 204; the default branch 405; protected needs a maintainer; merged branches 202', async () => {
    await s.request(`/projects/${project.id}/repository/branches`, {
      method: 'POST',
      body: { branch: 'gone', ref: 'main' },
    });
    const del = await s.request(`/projects/${project.id}/repository/branches/gone`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    const def = await s.request(`/projects/${project.id}/repository/branches/main`, { method: 'DELETE' });
    assert.equal(def.status, 405);
    assert.deepEqual(def.body, { message: 'The default branch of a project cannot be deleted.' });

    const dev = await createUser(s);
    await addMember(s, project.id, dev.id, 30);
    await s.request(`/projects/${project.id}/protected_branches`, {
      method: 'POST',
      body: { name: 'keep-*' },
    });
    await s.request(`/projects/${project.id}/repository/branches`, {
      method: 'POST',
      body: { branch: 'keep-1', ref: 'main' },
    });
    const refused = await s.request(`/projects/${project.id}/repository/branches/keep-1`, {
      method: 'DELETE',
      token: dev.token,
    });
    assert.equal(refused.status, 405);
    const devBranch = (
      await s.request(`/projects/${project.id}/repository/branches/keep-1`, { token: dev.token })
    ).body as {
      can_push: boolean;
      protected: boolean;
    };
    assert.equal(devBranch.protected, true);
    assert.equal(devBranch.can_push, false);

    await s.request(`/projects/${project.id}/repository/branches`, {
      method: 'POST',
      body: { branch: 'merged-1', ref: 'main' },
    });
    const merged = await s.request(`/projects/${project.id}/repository/merged_branches`, {
      method: 'DELETE',
    });
    assert.equal(merged.status, 202);
    assert.deepEqual(merged.body, { message: '202 Accepted' });
    const names = (
      (await s.request(`/projects/${project.id}/repository/branches`)).body as Array<{ name: string }>
    ).map((x) => x.name);
    assert.ok(!names.includes('merged-1'));
    assert.ok(names.includes('keep-1') && names.includes('main'));
  });

  test('protected branches API: entity, 409 on duplicates, 404 Not found, 403 for developers', async () => {
    const created = await s.request(`/projects/${project.id}/protected_branches`, {
      method: 'POST',
      body: { name: 'release/*', push_access_level: 30, merge_access_level: 40, allow_force_push: true },
    });
    assert.equal(created.status, 201);
    const pb = created.body as {
      name: string;
      push_access_levels: Array<{ access_level: number; access_level_description: string }>;
      allow_force_push: boolean;
    };
    assert.equal(pb.name, 'release/*');
    assert.equal(pb.push_access_levels[0]?.access_level, 30);
    assert.equal(pb.push_access_levels[0]?.access_level_description, 'Developers + Maintainers');
    assert.equal(pb.allow_force_push, true);
    const dup = await s.request(`/projects/${project.id}/protected_branches`, {
      method: 'POST',
      body: { name: 'release/*' },
    });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body, { message: "Protected branch 'release/*' already exists" });
    const bad = await s.request(`/projects/${project.id}/protected_branches`, {
      method: 'POST',
      body: { name: 'x', push_access_level: 35 },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { error: 'push_access_level does not have a valid value' });
    const missing = await s.request(`/projects/${project.id}/protected_branches/none`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: '404 Not found' });
    const dev = await createUser(s);
    await addMember(s, project.id, dev.id, 30);
    const forbidden = await s.request(`/projects/${project.id}/protected_branches`, {
      method: 'POST',
      token: dev.token,
      body: { name: 'x' },
    });
    assert.equal(forbidden.status, 403);
    const unprotect = await s.request(`/projects/${project.id}/protected_branches/release%2F*`, {
      method: 'DELETE',
    });
    assert.equal(unprotect.status, 204);
  });

  test('gitbeaker: Branches and ProtectedBranches end to end', async () => {
    const api = s.gitlab();
    const b = await api.Branches.create(project.id, 'gb-branch', 'main');
    assert.equal(b.name, 'gb-branch');
    const all = await api.Branches.all(project.id);
    assert.ok(all.some((x) => x.name === 'gb-branch'));
    const one = await api.Branches.show(project.id, 'gb-branch');
    assert.equal(one.commit.id, b.commit.id);
    const pb = await api.ProtectedBranches.protect(project.id, 'gb-branch', { pushAccessLevel: 40 });
    assert.equal(pb.name, 'gb-branch');
    await api.ProtectedBranches.unprotect(project.id, 'gb-branch');
    await api.Branches.remove(project.id, 'gb-branch');
    await assert.rejects(() => api.Branches.show(project.id, 'gb-branch'));
  });
});
