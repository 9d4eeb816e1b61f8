import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { cloneUrl, createProject, gitOk, gitTemp } from '../git_http/test_helpers.js';

describe('issues closed by merge requests', () => {
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

  test('closes_issues from the description and commit messages (default target only), related_issues, merging closes them through the issue module', async () => {
    const p = await createProject(s, { name: unique('ci'), initialize_with_readme: true });
    for (const t of ['one', 'two', 'three', 'four'])
      assert.equal(
        (await s.request(`/projects/${p.id}/issues`, { method: 'POST', body: { title: t } })).status,
        201,
      );
    const d = path.join(tmp, unique('w'));
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, s.rootToken), d], tmp);
    await gitOk(['checkout', '--quiet', '-b', 'fix'], d);
    await fs.writeFile(path.join(d, 'x.txt'), 'x\n');
    await gitOk(['add', 'x.txt'], d);
    await gitOk(['commit', '--quiet', '-m', 'Repair x\n\nFixes #2'], d);
    await gitOk(['push', '--quiet', 'origin', 'HEAD:refs/heads/fix'], d);
    await gitOk(['push', '--quiet', 'origin', 'HEAD:refs/heads/other'], d);
    await gitOk(['push', '--quiet', 'origin', 'origin/main:refs/heads/stable'], d);
    await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: {
        source_branch: 'fix',
        target_branch: 'main',
        title: 'Fix things',
        description: 'Closes #1; see also #3 and #99',
      },
    });
    const base = `/projects/${p.id}/merge_requests/1`;
    const iids = async (url: string) =>
      ((await s.request(url)).body as Array<{ iid: number }>).map((i) => i.iid);
    assert.deepEqual(await iids(`${base}/closes_issues`), [1, 2]);
    assert.deepEqual(await iids(`${base}/related_issues`), [1, 2, 3]);
    const page = await s.request(`${base}/closes_issues?per_page=1`);
    assert.equal(page.headers.get('x-total'), '2');

    // Into a branch that is not the default: nothing closes.
    await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'other', target_branch: 'stable', title: 'Backport', description: 'Closes #4' },
    });
    assert.deepEqual(await iids(`/projects/${p.id}/merge_requests/2/closes_issues`), []);

    const merged = await s.gitlab().MergeRequests.merge(p.id, 1);
    assert.equal((merged as unknown as { state: string }).state, 'merged');
    const state = async (iid: number) =>
      (await s.request(`/projects/${p.id}/issues/${iid}`)).body as {
        state: string;
        closed_by: { username: string } | null;
      };
    assert.equal((await state(1)).state, 'closed');
    assert.equal((await state(1)).closed_by?.username, 'root');
    assert.equal((await state(2)).state, 'closed');
    assert.equal((await state(3)).state, 'opened');
    assert.equal((await state(4)).state, 'opened');
    assert.deepEqual(await iids(`/projects/${p.id}/issues/1/closed_by`), [1]);
  });
});
