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

  test('deleting an issue or a merge request leaves nothing of its conversation (one deleteConversation for both)', async () => {
    const db = s.server.database.db;
    const project = await createProject(s, { initialize_with_readme: true });
    const bob = await createUser(s);
    await api(s, 'POST', `/projects/${project.id}/members`, { user_id: bob.id, access_level: 30 });
    await api(s, 'POST', `/projects/${project.id}/issues`, { title: 'i' });
    await api(s, 'POST', `/projects/${project.id}/repository/branches`, { branch: 'f', ref: 'main' });
    await api(s, 'POST', `/projects/${project.id}/repository/files/f.txt`, {
      branch: 'f',
      content: 'f',
      commit_message: 'f',
    });
    await api(s, 'POST', `/projects/${project.id}/merge_requests`, {
      source_branch: 'f',
      target_branch: 'main',
      title: 'm',
    });
    const leftovers = async (type: 'Issue' | 'MergeRequest', id: number, noteId: number) => ({
      notes: (
        await db
          .selectFrom('notes')
          .select('id')
          .where('noteable_type', '=', type)
          .where('noteable_id', '=', id)
          .execute()
      ).length,
      noteAwards: (
        await db
          .selectFrom('award_emoji')
          .select('id')
          .where('awardable_type', '=', 'Note')
          .where('awardable_id', '=', noteId)
          .execute()
      ).length,
      awards: (
        await db
          .selectFrom('award_emoji')
          .select('id')
          .where('awardable_type', '=', type)
          .where('awardable_id', '=', id)
          .execute()
      ).length,
      todos: (
        await db
          .selectFrom('todos')
          .select('id')
          .where('target_type', '=', type)
          .where('target_id', '=', id)
          .execute()
      ).length,
      subscriptions: (
        await db
          .selectFrom('subscriptions')
          .select('id')
          .where('subscribable_type', '=', type)
          .where('subscribable_id', '=', id)
          .execute()
      ).length,
    });
    for (const [type, path] of [
      ['Issue', `/projects/${project.id}/issues/1`],
      ['MergeRequest', `/projects/${project.id}/merge_requests/1`],
    ] as const) {
      const target = await api(s, 'GET', path);
      const note = await api(s, 'POST', `${path}/notes`, { body: `ping @${bob.username}` });
      await api(s, 'POST', `${path}/notes/${note.id}/award_emoji`, { name: 'thumbsup' });
      await api(s, 'POST', `${path}/award_emoji`, { name: 'thumbsup' });
      const now = new Date().toISOString();
      await db
        .insertInto('subscriptions')
        .values({
          user_id: bob.id,
          subscribable_type: type,
          subscribable_id: Number(target.id),
          subscribed: true,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const before = await leftovers(type, Number(target.id), Number(note.id));
      assert.ok(before.notes >= 1 && before.todos >= 1, JSON.stringify(before));
      assert.deepEqual([before.noteAwards, before.awards, before.subscriptions], [1, 1, 1]);
      await api(s, 'DELETE', path);
      assert.deepEqual(await leftovers(type, Number(target.id), Number(note.id)), {
        notes: 0,
        noteAwards: 0,
        awards: 0,
        todos: 0,
        subscriptions: 0,
      });
    }
  });
});
