import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, createProject } from '../git_http/test_helpers.js';

describe('commit statuses and commit comments', () => {
  let s: TestServer;
  let project: { id: number; path_with_namespace: string };
  let sha: string;
  before(async () => {
    s = await startTestServer();
    project = await createProject(s, { name: unique('statuses'), initialize_with_readme: true });
    sha = ((await s.request(`/projects/${project.id}/repository/commits/main`)).body as { id: string }).id;
  });
  after(() => s.close());

  test('POST /statuses/:sha creates, a repeat updates; GET lists with ref/name filters; errors', async () => {
    const created = await s.request(`/projects/${project.id}/statuses/${sha}`, {
      method: 'POST',
      body: {
        state: 'pending',
        name: 'ci/build',
        target_url: 'https://ci.example.com/1',
        description: 'queued',
      },
    });
    assert.equal(created.status, 201, created.text);
    const st = created.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(st), [
      'id',
      'sha',
      'ref',
      'status',
      'name',
      'target_url',
      'description',
      'created_at',
      'started_at',
      'finished_at',
      'allow_failure',
      'coverage',
      'pipeline_id',
      'author',
    ]);
    assert.equal(st.status, 'pending');
    assert.equal(st.ref, 'main');
    assert.equal(st.finished_at, null);
    assert.equal((st.author as { username: string }).username, 'root');

    const done = await s.request(`/projects/${project.id}/statuses/${sha}`, {
      method: 'POST',
      body: { state: 'success', name: 'ci/build', coverage: 87.5 },
    });
    assert.equal(done.status, 201);
    const d = done.body as Record<string, unknown>;
    assert.equal(d.id, st.id);
    assert.equal(d.status, 'success');
    assert.equal(d.coverage, 87.5);
    assert.equal(d.description, 'queued');
    assert.ok(d.finished_at);
    await s.request(`/projects/${project.id}/statuses/${sha}`, {
      method: 'POST',
      body: { state: 'failed', context: 'lint' },
    });

    const list = await s.request(`/projects/${project.id}/repository/commits/${sha}/statuses`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      (list.body as Array<{ name: string; status: string }>).map((x) => [x.name, x.status]),
      [
        ['ci/build', 'success'],
        ['lint', 'failed'],
      ],
    );
    assert.equal(list.headers.get('x-total'), '2');
    const named = await s.request(`/projects/${project.id}/repository/commits/${sha}/statuses?name=lint`);
    assert.equal((named.body as unknown[]).length, 1);
    const otherRef = await s.request(`/projects/${project.id}/repository/commits/${sha}/statuses?ref=nope`);
    assert.deepEqual(otherRef.body, []);

    const bad = await s.request(`/projects/${project.id}/statuses/${sha}`, {
      method: 'POST',
      body: { state: 'weird' },
    });
    assert.deepEqual([bad.status, bad.body], [400, { error: 'state does not have a valid value' }]);
    const missing = await s.request(`/projects/${project.id}/statuses/${sha}`, { method: 'POST', body: {} });
    assert.deepEqual([missing.status, missing.body], [400, { error: 'state is missing' }]);
    const noCommit = await s.request(`/projects/${project.id}/statuses/${'0'.repeat(40)}`, {
      method: 'POST',
      body: { state: 'success' },
    });
    assert.deepEqual([noCommit.status, noCommit.body], [404, { message: '404 Commit Not Found' }]);
    const reporter = await createUser(s);
    await addMember(s, project.id, reporter.id, 20);
    const denied = await s.request(`/projects/${project.id}/statuses/${sha}`, {
      method: 'POST',
      token: reporter.token,
      body: { state: 'success' },
    });
    assert.equal(denied.status, 403);
    const readable = await s.request(`/projects/${project.id}/repository/commits/${sha}/statuses`, {
      token: reporter.token,
    });
    assert.equal(readable.status, 200);
  });

  test('commit comments: POST on a line or not, GET lists them; gitbeaker end to end', async () => {
    const onLine = await s.request(`/projects/${project.id}/repository/commits/${sha}/comments`, {
      method: 'POST',
      body: { note: 'Nice line', path: 'README.md', line: 1, line_type: 'new' },
    });
    assert.equal(onLine.status, 201, onLine.text);
    const n = onLine.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(n), ['note', 'path', 'line', 'line_type', 'author', 'created_at']);
    assert.deepEqual([n.note, n.path, n.line, n.line_type], ['Nice line', 'README.md', 1, 'new']);
    const byBranch = await s.request(`/projects/${project.id}/repository/commits/main/comments`, {
      method: 'POST',
      body: { note: 'On the branch', path: 'README.md', line: 1 },
    });
    const b = byBranch.body as Record<string, unknown>;
    assert.deepEqual([b.path, b.line, b.line_type], [null, null, null]);
    const noNote = await s.request(`/projects/${project.id}/repository/commits/${sha}/comments`, {
      method: 'POST',
      body: {},
    });
    assert.deepEqual([noNote.status, noNote.body], [400, { error: 'note is missing' }]);
    const anon = await s.request(`/projects/${project.id}/repository/commits/${sha}/comments`, {
      method: 'POST',
      token: null,
      body: { note: 'x' },
    });
    assert.equal(anon.status, 401);

    const api = s.gitlab();
    await api.Commits.createComment(project.id, sha, 'From gitbeaker');
    const all = await api.Commits.allComments(project.id, sha);
    assert.deepEqual(
      all.map((c) => c.note),
      ['Nice line', 'On the branch', 'From gitbeaker'],
    );
    const statuses = await api.Commits.allStatuses(project.id, sha);
    assert.ok(statuses.length >= 2);
  });
});
