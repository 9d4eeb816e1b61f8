import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { api, createProject, type Json } from '../issues/test_helpers.js';

describe('notes', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('C20: create, list (system notes included, sort), get, update, delete on an issue', async () => {
    const project = await createProject(s);
    await api(s, 'POST', `/projects/${project.id}/issues`, { title: 'n' });
    const url = `/projects/${project.id}/issues/1/notes`;
    const note = await api(s, 'POST', url, { body: 'first!' });
    assert.deepEqual(Object.keys(note), [
      'id',
      'type',
      'body',
      'attachment',
      'author',
      'created_at',
      'updated_at',
      'system',
      'noteable_id',
      'noteable_type',
      'project_id',
      'resolvable',
      'confidential',
      'internal',
      'noteable_iid',
      'commands_changes',
    ]);
    assert.deepEqual(
      [note.body, note.system, note.noteable_type, note.noteable_iid],
      ['first!', false, 'Issue', 1],
    );
    await api(s, 'PUT', `/projects/${project.id}/issues/1`, { state_event: 'close' });
    const list = await api<Json[]>(s, 'GET', url);
    assert.deepEqual(
      list.map((n) => [n.body, n.system]),
      [
        ['closed', true],
        ['first!', false],
      ],
    );
    const asc = await api<Json[]>(s, 'GET', `${url}?sort=asc`);
    assert.deepEqual(
      asc.map((n) => n.body),
      ['first!', 'closed'],
    );
    assert.equal((await api(s, 'GET', `/projects/${project.id}/issues/1`)).user_notes_count, 1);
    const edited = await api(s, 'PUT', `${url}/${note.id}`, { body: 'edited' });
    assert.equal(edited.body, 'edited');
    await api(s, 'DELETE', `${url}/${note.id}`);
    const res = await s.request(`${url}/${note.id}`);
    assert.deepEqual([res.status, res.body], [404, { message: '404 Note Not Found' }]);
  });

  test('C21/C22: errors; only the author edits; locked discussions refuse outsiders', async () => {
    const other = await createUser(s);
    const project = await createProject(s);
    await api(s, 'POST', `/projects/${project.id}/issues`, { title: 'n' });
    const url = `/projects/${project.id}/issues/1/notes`;
    let res = await s.request(url, { method: 'POST', body: {} });
    assert.deepEqual([res.status, res.body], [400, { error: 'body is missing' }]);
    res = await s.request(url, { method: 'POST', body: { body: ' ' } });
    assert.deepEqual([res.status, res.body], [400, { message: { note: ["can't be blank"] } }]);
    const mine = await api(s, 'POST', url, { body: 'outsider comment' }, other.token);
    const root = await api(s, 'POST', url, { body: 'root comment' });
    res = await s.request(`${url}/${root.id}`, { method: 'PUT', token: other.token, body: { body: 'x' } });
    assert.equal(res.status, 403);
    assert.equal((await api(s, 'PUT', `${url}/${mine.id}`, { body: 'mine' }, other.token)).body, 'mine');
    await api(s, 'PUT', `/projects/${project.id}/issues/1`, { discussion_locked: true });
    res = await s.request(url, { method: 'POST', token: other.token, body: { body: 'locked?' } });
    assert.equal(res.status, 403);
  });

  test('gitbeaker: IssueNotes', async () => {
    const gl = s.gitlab();
    const project = await createProject(s);
    const issue = await gl.Issues.create(project.id, 'with notes');
    const note = await gl.IssueNotes.create(project.id, issue.iid, 'hello');
    assert.equal(note.body, 'hello');
    const all = await gl.IssueNotes.all(project.id, issue.iid);
    assert.deepEqual(
      all.map((n) => n.body),
      ['hello'],
    );
    await gl.IssueNotes.remove(project.id, issue.iid, note.id);
  });
});
