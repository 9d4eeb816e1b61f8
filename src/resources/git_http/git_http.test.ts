import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, cloneUrl, createProject, git, gitOk, gitTemp } from './test_helpers.js';

describe('git over HTTP', () => {
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

  const dir = () => path.join(tmp, unique('w'));

  test('anonymous clone of a public project; shallow clone; nested group paths', async () => {
    const parent = await s.request('/groups', {
      method: 'POST',
      body: { name: unique('a'), path: unique('a'), visibility: 'public' },
    });
    const pid = (parent.body as { id: number }).id;
    const child = await s.request('/groups', {
      method: 'POST',
      body: { name: unique('b'), path: unique('b'), parent_id: pid, visibility: 'public' },
    });
    const p = await createProject(s, {
      name: unique('pub'),
      namespace_id: (child.body as { id: number }).id,
      visibility: 'public',
      initialize_with_readme: true,
    });
    assert.equal(p.path_with_namespace.split('/').length, 3);
    const d = dir();
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, null), d], tmp);
    assert.match(await fs.readFile(path.join(d, 'README.md'), 'utf8'), /^# pub/);
    const shallow = dir();
    await gitOk(['clone', '--quiet', '--depth', '1', `${s.url}/${p.path_with_namespace}`, shallow], tmp);
    assert.equal((await gitOk(['rev-list', '--count', 'HEAD'], shallow)).trim(), '1');
    assert.equal(
      (await gitOk(['rev-parse', 'HEAD'], shallow)).trim(),
      (await gitOk(['rev-parse', 'HEAD'], d)).trim(),
    );
  });

  test('private: anonymous 401 with Basic realm, a stranger 404, a member clones with oauth2:<token>', async () => {
    const p = await createProject(s, { name: unique('priv'), initialize_with_readme: true });
    const anon = await fetch(`${s.url}/${p.path_with_namespace}.git/info/refs?service=git-upload-pack`);
    assert.equal(anon.status, 401);
    assert.equal(anon.headers.get('www-authenticate'), 'Basic realm="GitLab"');
    const stranger = await createUser(s);
    const basic = (t: string) => `Basic ${Buffer.from(`any:${t}`).toString('base64')}`;
    const hidden = await fetch(`${s.url}/${p.path_with_namespace}.git/info/refs?service=git-upload-pack`, {
      headers: { authorization: basic(stranger.token) },
    });
    assert.equal(hidden.status, 404);
    const missing = await fetch(`${s.url}/nobody/nothing.git/info/refs?service=git-upload-pack`, {
      headers: { authorization: basic(stranger.token) },
    });
    assert.equal(missing.status, 404);
    const wrong = await fetch(`${s.url}/${p.path_with_namespace}.git/info/refs?service=git-upload-pack`, {
      headers: { authorization: basic('glpat-wrong') },
    });
    assert.equal(wrong.status, 401);

    const denied = await git(['clone', cloneUrl(s, p.path_with_namespace, null), dir()], tmp);
    assert.notEqual(denied.code, 0);
    const notFound = await git(['clone', cloneUrl(s, p.path_with_namespace, stranger.token), dir()], tmp);
    assert.notEqual(notFound.code, 0);
    assert.match(notFound.stderr, /not found|could not be found/i);
    const d = dir();
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, s.rootToken), d], tmp);
    const ok = await fetch(`${s.url}/${p.path_with_namespace}/info/refs?service=git-upload-pack`, {
      headers: { authorization: basic(s.rootToken) },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'application/x-git-upload-pack-advertisement');
  });

  test('internal projects need any signed-in user; read_repository tokens clone but cannot push', async () => {
    const p = await createProject(s, {
      name: unique('int'),
      visibility: 'internal',
      initialize_with_readme: true,
    });
    const anon = await fetch(`${s.url}/${p.path_with_namespace}.git/info/refs?service=git-upload-pack`);
    assert.equal(anon.status, 401);
    const reader = await createUser(s, {}, ['read_repository']);
    const d = dir();
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, reader.token), d], tmp);
    const readUser = await createUser(s, {}, ['read_user']);
    const scoped = await git(['clone', cloneUrl(s, p.path_with_namespace, readUser.token), dir()], tmp);
    assert.notEqual(scoped.code, 0);
    await addMember(s, p.id, reader.id, 30);
    await gitOk(['checkout', '-q', '-b', 'feature'], d);
    const push = await git(['push', 'origin', 'feature'], d);
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /403|not allowed/i);
  });

  test('push: a new branch by a developer; protected main refuses developers, takes maintainers; force push and delete rules', async () => {
    const p = await createProject(s, { name: unique('push'), initialize_with_readme: true });
    const dev = await createUser(s);
    const maint = await createUser(s);
    await addMember(s, p.id, dev.id, 30);
    await addMember(s, p.id, maint.id, 40);
    const d = dir();
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, dev.token), d], tmp);
    await fs.writeFile(path.join(d, 'a.txt'), 'a\n');
    await gitOk(['add', 'a.txt'], d);
    await gitOk(['commit', '-q', '-m', 'Add a'], d);
    await gitOk(['push', '-q', 'origin', 'HEAD:refs/heads/feature'], d);
    const branch = await s.request(`/projects/${p.id}/repository/branches/feature`);
    assert.equal(branch.status, 200);

    const refused = await git(['push', 'origin', 'HEAD:main'], d);
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /GitLab: You are not allowed to push code to protected branches on this project\./,
    );
    assert.match(refused.stderr, /pre-receive hook declined/);

    const m = dir();
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, maint.token), m], tmp);
    await gitOk(['pull', '-q', 'origin', 'feature'], m);
    await gitOk(['push', '-q', 'origin', 'HEAD:main'], m);

    // Force push: refused on a protected branch, allowed once allow_force_push is set.
    await gitOk(['reset', '-q', '--hard', 'HEAD~1'], m);
    await fs.writeFile(path.join(m, 'b.txt'), 'b\n');
    await gitOk(['add', 'b.txt'], m);
    await gitOk(['commit', '-q', '-m', 'Rewrite'], m);
    const force = await git(['push', '--force', 'origin', 'HEAD:main'], m);
    assert.notEqual(force.code, 0);
    assert.match(
      force.stderr,
      /remote: GitLab: You are not allowed to force push code to a protected branch on this project\./,
    );
    assert.match(force.stderr, /\[remote rejected\] HEAD -> main \(pre-receive hook declined\)/);
    const upd = await s.request(`/projects/${p.id}/protected_branches/main`, {
      method: 'PATCH',
      body: { allow_force_push: true },
    });
    assert.equal(upd.status, 200);
    assert.equal((upd.body as { allow_force_push: boolean }).allow_force_push, true);
    await gitOk(['push', '-q', '--force', 'origin', 'HEAD:main'], m);

    const del = await git(['push', 'origin', ':main'], m);
    assert.notEqual(del.code, 0);
    assert.match(del.stderr, /The default branch of a project cannot be deleted\./);
    await s.request(`/projects/${p.id}/protected_branches`, { method: 'POST', body: { name: 'release/*' } });
    await gitOk(['push', '-q', 'origin', 'HEAD:refs/heads/release/1.0'], m);
    const devRelease = await git(['push', 'origin', 'HEAD:refs/heads/release/2.0'], d);
    assert.match(devRelease.stderr, /You are not allowed to create protected branches on this project\./);
    const devDelete = await git(['push', 'origin', ':release/1.0'], d);
    assert.notEqual(devDelete.code, 0);
    assert.match(
      devDelete.stderr,
      /GitLab: You are not allowed to delete protected branches from this project\. Only a project maintainer or owner can delete a protected branch\./,
    );
    const delRelease = await git(['push', 'origin', ':release/1.0'], m);
    assert.match(delRelease.stderr, /You can only delete protected branches using the web interface\./);

    // Tags
    await gitOk(['tag', '-a', 'v1.0', '-m', 'Release 1.0'], m);
    await gitOk(['push', '-q', 'origin', 'v1.0'], m);
    const tag = await s.request(`/projects/${p.id}/repository/tags/v1.0`);
    assert.equal(tag.status, 200);
    assert.equal((tag.body as { message: string }).message, 'Release 1.0');
  });

  test('the first push to an empty project: empty_repo false, last_activity_at moves, default branch protected', async () => {
    const p = await createProject(s, { name: unique('empty') });
    assert.equal(p.empty_repo, true);
    const before = (await s.request(`/projects/${p.id}`)).body as { last_activity_at: string };
    const d = dir();
    await gitOk(['init', '-q', '-b', 'main', d], tmp);
    await fs.writeFile(path.join(d, 'x.txt'), 'x\n');
    await gitOk(['add', '.'], d);
    await gitOk(['commit', '-q', '-m', 'First'], d);
    await gitOk(['push', '-q', cloneUrl(s, p.path_with_namespace, s.rootToken), 'main'], d);
    const now = (await s.request(`/projects/${p.id}`)).body as {
      empty_repo: boolean;
      default_branch: string;
      last_activity_at: string;
    };
    assert.equal(now.empty_repo, false);
    assert.equal(now.default_branch, 'main');
    assert.ok(now.last_activity_at > before.last_activity_at);
    const prot = await s.request(`/projects/${p.id}/protected_branches/main`);
    assert.equal(prot.status, 200);
  });

  test('a developer may not push the initial default branch when it is fully protected', async () => {
    const p = await createProject(s, { name: unique('init') });
    const dev = await createUser(s);
    await addMember(s, p.id, dev.id, 30);
    const d = dir();
    await gitOk(['init', '-q', '-b', 'main', d], tmp);
    await gitOk(['commit', '-q', '--allow-empty', '-m', 'First'], d);
    const r = await git(['push', cloneUrl(s, p.path_with_namespace, dev.token), 'main'], d);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /not allowed to push code to protected branches/);
    await gitOk(['push', '-q', cloneUrl(s, p.path_with_namespace, dev.token), 'main:other'], d);
  });

  test('C1/C23: other paths and methods still answer the app 404/405 JSON', async () => {
    for (const [method, url] of [
      ['GET', '/no/such/thing'],
      ['DELETE', '/a/b.git/info/refs'],
      ['GET', '/a/b.git/git-upload-pack'],
      ['GET', '/api/v4/a.git/info/refs'],
    ] as const) {
      const res = await fetch(`${s.url}${url}`, { method });
      assert.equal(res.status, 404, url);
      assert.equal(await res.text(), '{"error":"404 Not Found"}');
    }
  });
});
