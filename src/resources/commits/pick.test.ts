import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, createProject } from '../git_http/test_helpers.js';

const CHERRY =
  'Sorry, we cannot cherry-pick this commit automatically. This commit may already have been cherry-picked, or a more recent commit may have updated some of its content.';
const REVERT =
  'Sorry, we cannot revert this commit automatically. This commit may already have been reverted, or a more recent commit may have updated some of its content.';

describe('commits: cherry-pick, revert, merge requests of a commit', () => {
  let s: TestServer;
  let project: { id: number; path_with_namespace: string };
  const base = () => `/projects/${project.id}/repository`;
  const commit = async (branch: string, action: string, file: string, content: string, start?: string) => {
    const res = await s.request(`${base()}/commits`, {
      method: 'POST',
      body: {
        branch,
        start_branch: start,
        commit_message: `${branch} ${action} ${file}`,
        actions: [{ action, file_path: file, content }],
      },
    });
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string };
  };
  before(async () => {
    s = await startTestServer();
    project = await createProject(s, { name: unique('pick'), initialize_with_readme: true });
  });
  after(() => s.close());

  test('cherry_pick: onto another branch keeping the author, dry_run, empty and conflict errors', async () => {
    await commit('stable', 'create', 'stable.txt', 's\n', 'main');
    const fix = await commit('main', 'create', 'fix.txt', 'fix\n');
    const dry = await s.request(`${base()}/commits/${fix.id}/cherry_pick`, {
      method: 'POST',
      body: { branch: 'stable', dry_run: true },
    });
    assert.deepEqual([dry.status, dry.body], [200, { dry_run: 'success' }]);
    const picked = await s.request(`${base()}/commits/${fix.id}/cherry_pick`, {
      method: 'POST',
      body: { branch: 'stable' },
    });
    assert.equal(picked.status, 201, picked.text);
    const c = picked.body as Record<string, unknown>;
    assert.equal(c.title, 'main create fix.txt');
    assert.equal(c.message, `main create fix.txt\n\n(cherry picked from commit ${fix.id})`);
    assert.deepEqual(Object.keys(c).slice(0, 4), ['id', 'short_id', 'created_at', 'parent_ids']);
    const branch = await s.request(`${base()}/branches/stable`);
    assert.equal((branch.body as { commit: { id: string } }).commit.id, c.id);

    const again = await s.request(`${base()}/commits/${fix.id}/cherry_pick`, {
      method: 'POST',
      body: { branch: 'stable' },
    });
    assert.deepEqual([again.status, again.body], [400, { message: CHERRY, error_code: 'empty' }]);
    const againDry = await s.request(`${base()}/commits/${fix.id}/cherry_pick`, {
      method: 'POST',
      body: { branch: 'stable', dry_run: true },
    });
    assert.deepEqual(againDry.body, { message: CHERRY, error_code: 'empty', dry_run: 'error' });

    await commit('stable', 'update', 'fix.txt', 'stable fix\n');
    const later = await commit('main', 'update', 'fix.txt', 'main fix\n');
    const conflict = await s.request(`${base()}/commits/${later.id}/cherry_pick`, {
      method: 'POST',
      body: { branch: 'stable', message: 'Custom' },
    });
    assert.deepEqual([conflict.status, conflict.body], [400, { message: CHERRY, error_code: 'conflict' }]);

    const custom = await commit('main', 'create', 'custom.txt', 'c\n');
    const withMessage = await s.request(`${base()}/commits/${custom.id}/cherry_pick`, {
      method: 'POST',
      body: { branch: 'stable', message: 'Custom message' },
    });
    assert.equal((withMessage.body as { message: string }).message, 'Custom message');

    const noBranch = await s.request(`${base()}/commits/${fix.id}/cherry_pick`, {
      method: 'POST',
      body: { branch: 'nope' },
    });
    assert.deepEqual([noBranch.status, noBranch.body], [404, { message: '404 Branch Not Found' }]);
    const noCommit = await s.request(`${base()}/commits/${'0'.repeat(40)}/cherry_pick`, {
      method: 'POST',
      body: { branch: 'stable' },
    });
    assert.deepEqual([noCommit.status, noCommit.body], [404, { message: '404 Commit Not Found' }]);
    const missing = await s.request(`${base()}/commits/${fix.id}/cherry_pick`, { method: 'POST', body: {} });
    assert.deepEqual([missing.status, missing.body], [400, { error: 'branch is missing' }]);
  });

  test('revert: a commit on the branch, then empty; protected branch refuses a developer with 403', async () => {
    const added = await commit('main', 'create', 'revert.txt', 'r\n');
    const res = await s.request(`${base()}/commits/${added.id}/revert`, {
      method: 'POST',
      body: { branch: 'main' },
    });
    assert.equal(res.status, 201, res.text);
    const c = res.body as { title: string; message: string; author_name: string };
    assert.equal(c.title, 'Revert "main create revert.txt"');
    assert.equal(c.message, `Revert "main create revert.txt"\n\nThis reverts commit ${added.id}`);
    const file = await s.request(`${base()}/files/revert.txt?ref=main`);
    assert.equal(file.status, 404);
    const again = await s.request(`${base()}/commits/${added.id}/revert`, {
      method: 'POST',
      body: { branch: 'main' },
    });
    assert.deepEqual([again.status, again.body], [400, { message: REVERT, error_code: 'empty' }]);

    const dev = await createUser(s);
    await addMember(s, project.id, dev.id, 30);
    const denied = await s.request(`${base()}/commits/${added.id}/revert`, {
      method: 'POST',
      token: dev.token,
      body: { branch: 'main' },
    });
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.body, {
      message: '403 Forbidden - You are not allowed to push into this branch',
    });
  });

  test('merge_requests of a commit answers []; 404 for an unknown commit', async () => {
    const head = await s.request(`${base()}/commits/main`);
    const id = (head.body as { id: string }).id;
    const res = await s.request(`${base()}/commits/${id}/merge_requests`);
    assert.deepEqual([res.status, res.body], [200, []]);
    const none = await s.request(`${base()}/commits/${'1'.repeat(40)}/merge_requests`);
    assert.equal(none.status, 404);
  });

  test('gitbeaker: Commits.cherryPick and Commits.revert', async () => {
    const api = s.gitlab();
    await commit('gb', 'create', 'gb0.txt', '0\n', 'main');
    const c = await commit('main', 'create', 'gb.txt', 'gb\n');
    const picked = await api.Commits.cherryPick(project.id, c.id, 'gb');
    assert.match(String(picked.message), /cherry picked from commit/);
    const reverted = await api.Commits.revert(project.id, picked.id as string, 'gb');
    assert.match(String(reverted.title), /^Revert /);
  });
});
