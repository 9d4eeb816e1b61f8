import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { listBranches, readBlob } from '../../git/index.js';
import { createProject, eventually } from '../git_http/test_helpers.js';

const exists = (p: string) =>
  fs.access(path.join(p, 'HEAD')).then(
    () => true,
    () => false,
  );

describe('repository storage', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('a project gets an empty bare repository; empty_repo true, default_branch from settings', async () => {
    const p = await createProject(s, { name: unique('empty') });
    assert.equal(p.empty_repo, true);
    assert.equal(p.default_branch, 'main');
    const repo = s.server.deps.git.projectRepo(p.id);
    assert.ok(repo.includes('@hashed'));
    assert.ok(await exists(repo));
    assert.deepEqual(await listBranches(repo), []);
  });

  test('initialize_with_readme commits README.md on default_branch and protects it', async () => {
    const p = await createProject(s, {
      name: unique('readme'),
      initialize_with_readme: true,
      default_branch: 'trunk',
      description: 'Hello',
    });
    assert.equal(p.empty_repo, false);
    assert.equal(p.default_branch, 'trunk');
    const repo = s.server.deps.git.projectRepo(p.id);
    const blob = await readBlob(s.server.deps.git.pool, repo, 'trunk', 'README.md');
    assert.match(blob?.content.toString() ?? '', /^# readme.*\n\nHello\n$/);
    const prot = await s.request(`/projects/${p.id}/protected_branches`);
    assert.equal(prot.status, 200);
    assert.deepEqual(
      (prot.body as Array<{ name: string }>).map((b) => b.name),
      ['trunk'],
    );
  });

  test('the instance default_branch_name names new repositories', async () => {
    await s.request('/application/settings', { method: 'PUT', body: { default_branch_name: 'develop' } });
    try {
      const p = await createProject(s, { name: unique('dev'), initialize_with_readme: true });
      assert.equal(p.default_branch, 'develop');
    } finally {
      await s.request('/application/settings', { method: 'PUT', body: { default_branch_name: '' } });
    }
  });

  test('a fork copies the repository; deleting a project removes its repository', async () => {
    const src = await createProject(s, { name: unique('src'), initialize_with_readme: true });
    const ns = await s.request('/groups', {
      method: 'POST',
      body: { name: unique('forks'), path: unique('forks') },
    });
    const fork = await s.request(`/projects/${src.id}/fork`, {
      method: 'POST',
      body: { namespace_id: (ns.body as { id: number }).id },
    });
    assert.equal(fork.status, 201, fork.text);
    const f = fork.body as { id: number; empty_repo: boolean; default_branch: string };
    assert.equal(f.empty_repo, false);
    assert.equal(f.default_branch, 'main');
    const [a] = await listBranches(s.server.deps.git.projectRepo(src.id));
    const [b] = await listBranches(s.server.deps.git.projectRepo(f.id));
    assert.equal(a?.target, b?.target);

    const repo = s.server.deps.git.projectRepo(f.id);
    const del = await s.request(`/projects/${f.id}`, { method: 'DELETE' });
    assert.equal(del.status, 202);
    await eventually(async () => !(await exists(repo)));
  });
});
