import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, api, createProject, type Json } from './test_helpers.js';

describe('issues', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('C20/C54: create with labels (created on the fly), milestone and assignee; get by iid', async () => {
    const dev = await createUser(s);
    const project = await createProject(s);
    await addMember(s, 'projects', project.id, dev.id, 30);
    const m = await api(s, 'POST', `/projects/${project.id}/milestones`, { title: 'v1' });
    const issue = await api(s, 'POST', `/projects/${project.id}/issues`, {
      title: 'Broken',
      description: '- [x] one\n- [ ] two',
      labels: 'bug,ui',
      milestone_id: m.id,
      assignee_ids: [dev.id],
      due_date: '2030-01-02',
      weight: 3,
    });
    assert.deepEqual(Object.keys(issue).slice(0, 27), [
      'id',
      'iid',
      'project_id',
      'title',
      'description',
      'state',
      'created_at',
      'updated_at',
      'closed_at',
      'closed_by',
      'labels',
      'milestone',
      'assignees',
      'author',
      'type',
      'assignee',
      'user_notes_count',
      'merge_requests_count',
      'upvotes',
      'downvotes',
      'due_date',
      'confidential',
      'discussion_locked',
      'issue_type',
      'web_url',
      'time_stats',
      'task_completion_status',
    ]);
    assert.equal(issue.iid, 1);
    assert.equal(issue.state, 'opened');
    assert.deepEqual(issue.labels, ['bug', 'ui']);
    assert.equal((issue.milestone as Json).id, m.id);
    assert.equal((issue.assignee as Json).id, dev.id);
    assert.equal((issue.author as Json).username, 'root');
    assert.equal(issue.type, 'ISSUE');
    assert.deepEqual(issue.task_completion_status, { count: 2, completed_count: 1 });
    assert.equal(issue.web_url, `${s.url}/${project.path_with_namespace}/-/issues/1`);
    assert.deepEqual(issue.references, {
      short: '#1',
      relative: '#1',
      full: `${project.path_with_namespace}#1`,
    });
    assert.equal(issue.subscribed, false);
    const labels = await api<Json[]>(s, 'GET', `/projects/${project.id}/labels?with_counts=true`);
    assert.deepEqual(
      labels.map((l) => [l.name, l.color, l.open_issues_count]),
      [
        ['bug', '#6699cc', 1],
        ['ui', '#6699cc', 1],
      ],
    );
    const shown = await api(s, 'GET', `/projects/${project.id}/issues/1`);
    assert.equal(shown.id, issue.id);
    const res = await s.request(`/projects/${project.id}/issues/99`);
    assert.deepEqual([res.status, res.body], [404, { message: '404 Issue Not Found' }]);
  });

  test('C21: bad input gets GitLab errors', async () => {
    const project = await createProject(s);
    const other = await createProject(s);
    const foreign = await api(s, 'POST', `/projects/${other.id}/milestones`, { title: 'x' });
    const url = `/projects/${project.id}/issues`;
    let res = await s.request(url, { method: 'POST', body: {} });
    assert.deepEqual([res.status, res.body], [400, { error: 'title is missing' }]);
    res = await s.request(url, { method: 'POST', body: { title: ' ' } });
    assert.deepEqual([res.status, res.body], [400, { message: { title: ["can't be blank"] } }]);
    res = await s.request(url, { method: 'POST', body: { title: 't', milestone_id: foreign.id } });
    assert.deepEqual([res.status, res.body], [400, { message: { milestone_id: ['is invalid'] } }]);
    res = await s.request(`${url}?order_by=nope`);
    assert.deepEqual([res.status, res.body], [400, { error: 'order_by does not have a valid value' }]);
    await api(s, 'POST', url, { title: 'ok' });
    res = await s.request(`${url}/1`, { method: 'PUT', body: {} });
    assert.equal(res.status, 400);
    assert.match((res.body as Json).error as string, /are missing, at least one parameter must be provided$/);
    res = await s.request(`${url}/1`, { method: 'PUT', body: { state_event: 'open' } });
    assert.deepEqual(res.body, { error: 'state_event does not have a valid value' });
    // No gap after the failed creates.
    assert.equal((await api(s, 'POST', url, { title: 'next' })).iid, 2);
  });

  test('update: state_event close/reopen, add/remove labels, title; system notes as GitLab words them', async () => {
    const project = await createProject(s);
    const url = `/projects/${project.id}/issues`;
    await api(s, 'POST', url, { title: 'first', labels: ['a'] });
    let issue = await api(s, 'PUT', `${url}/1`, { state_event: 'close' });
    assert.equal(issue.state, 'closed');
    assert.equal((issue.closed_by as Json).username, 'root');
    assert.ok(issue.closed_at);
    issue = await api(s, 'PUT', `${url}/1`, {
      state_event: 'reopen',
      add_labels: 'b,c',
      remove_labels: 'a',
      title: 'renamed',
    });
    assert.equal(issue.state, 'opened');
    assert.equal(issue.closed_at, null);
    assert.deepEqual(issue.labels, ['b', 'c']);
    assert.equal(issue.title, 'renamed');
    const rows = await s.server.deps.db
      .selectFrom('notes')
      .select(['note', 'system'])
      .where('noteable_type', '=', 'Issue')
      .where('noteable_id', '=', issue.id as number)
      .orderBy('id')
      .execute();
    const labelIds = await api<Json[]>(s, 'GET', `/projects/${project.id}/labels`);
    const id = (n: string) => labelIds.find((l) => l.name === n)!.id;
    assert.deepEqual(
      rows.map((r) => r.note),
      [
        'closed',
        'changed title from **first** to **renamed**',
        'reopened',
        `added ~${id('b')} ~${id('c')} labels and removed ~${id('a')} label`,
      ],
    );
    assert.ok(rows.every((r) => Boolean(r.system)));
  });

  test('C54: 50 concurrent creates in one project get iids 1..50 exactly', async () => {
    const project = await createProject(s);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        s.request(`/projects/${project.id}/issues`, { method: 'POST', body: { title: `c${i}` } }),
      ),
    );
    assert.ok(
      results.every((r) => r.status === 201),
      results.map((r) => r.status).join(),
    );
    const iids = results.map((r) => (r.body as Json).iid as number).sort((a, b) => a - b);
    assert.deepEqual(
      iids,
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  test('gitbeaker: a full issue life (create with labels and milestone, close, reopen, delete)', async () => {
    const gl = s.gitlab();
    const project = await createProject(s);
    const m = await gl.ProjectMilestones.create(project.id, 'M1');
    const issue = await gl.Issues.create(project.id, 'Life', { labels: 'x,y', milestoneId: m.id });
    assert.deepEqual(issue.labels, ['x', 'y']);
    const closed = await gl.Issues.edit(project.id, issue.iid, { stateEvent: 'close' });
    assert.equal(closed.state, 'closed');
    const reopened = await gl.Issues.edit(project.id, issue.iid, { stateEvent: 'reopen' });
    assert.equal(reopened.state, 'opened');
    const all = await gl.Issues.all({ projectId: project.id });
    assert.deepEqual(
      all.map((i) => i.iid),
      [issue.iid],
    );
    const stats = await gl.IssuesStatistics.all({ projectId: project.id });
    assert.deepEqual(stats.statistics.counts, { all: 1, closed: 0, opened: 1 });
    await gl.Issues.remove(project.id, issue.iid);
    assert.deepEqual(await gl.Issues.all({ projectId: project.id }), []);
  });
});
