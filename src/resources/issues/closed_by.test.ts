import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { closedIids } from './closed_by.js';
import { api, createProject, type Json } from './test_helpers.js';

describe('issue closed_by', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('closing patterns', () => {
    assert.deepEqual(
      [...closedIids('Closes #1, #2 and #3; see #9. fixes: #4. Resolved #5')],
      [1, 2, 3, 4, 5],
    );
    assert.deepEqual([...closedIids('mentions #7 only')], []);
  });

  test('GET …/closed_by lists open merge requests whose description closes the issue', async () => {
    const project = await createProject(s, { initialize_with_readme: true });
    await api(s, 'POST', `/projects/${project.id}/issues`, { title: 'bug' });
    await api(s, 'POST', `/projects/${project.id}/repository/branches`, { branch: 'fix', ref: 'main' });
    await api(s, 'POST', `/projects/${project.id}/repository/branches`, { branch: 'other', ref: 'main' });
    const mr = await api(s, 'POST', `/projects/${project.id}/merge_requests`, {
      source_branch: 'fix',
      target_branch: 'main',
      title: 'Fix it',
      description: 'Closes #1',
    });
    await api(s, 'POST', `/projects/${project.id}/merge_requests`, {
      source_branch: 'other',
      target_branch: 'main',
      title: 'Unrelated',
      description: 'see #1',
    });
    const list = await api<Json[]>(s, 'GET', `/projects/${project.id}/issues/1/closed_by`);
    assert.deepEqual(
      list.map((m) => m.iid),
      [mr.iid],
    );
    const gl = s.gitlab();
    assert.equal((await gl.Issues.allClosedByMergeRequestst(project.id, 1)).length, 1);
  });
});
