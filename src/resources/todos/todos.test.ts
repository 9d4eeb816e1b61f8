import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { api, createProject, type Json } from '../issues/test_helpers.js';
import { parseMentions } from './service.js';

describe('todos', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('mentions: @username, not emails or code; leading mentions are direct', () => {
    assert.deepEqual(parseMentions('@Alice please ask @bob, not a@b.c or `@carol`'), {
      direct: ['alice'],
      all: ['alice', 'bob'],
    });
  });

  test('assignment and mentions make todos; filters; mark one and all done', async () => {
    const alice = await createUser(s);
    const bob = await createUser(s);
    const project = await createProject(s);
    const issue = await api(s, 'POST', `/projects/${project.id}/issues`, {
      title: 'todo me',
      assignee_ids: [alice.id],
      description: `cc @${bob.username}`,
    });
    const aliceTodos = await api<Json[]>(s, 'GET', '/todos', undefined, alice.token);
    assert.equal(aliceTodos.length, 1);
    const t = aliceTodos[0];
    assert.deepEqual(Object.keys(t), [
      'id',
      'project',
      'author',
      'action_name',
      'target_type',
      'target',
      'target_url',
      'body',
      'state',
      'created_at',
      'updated_at',
    ]);
    assert.deepEqual(
      [t.action_name, t.target_type, (t.target as Json).iid, t.state, (t.author as Json).username],
      ['assigned', 'Issue', issue.iid, 'pending', 'root'],
    );
    assert.equal((t.project as Json).id, project.id);
    assert.match(String(t.target_url), new RegExp(`/${project.path_with_namespace}/-/issues/1$`));
    const bobTodos = await api<Json[]>(s, 'GET', '/todos', undefined, bob.token);
    assert.deepEqual(
      bobTodos.map((x) => x.action_name),
      ['mentioned'],
    );

    // A note that opens with a mention directly addresses; one mention per note makes one todo.
    const note = await api(s, 'POST', `/projects/${project.id}/issues/1/notes`, {
      body: `@${bob.username} look`,
    });
    const after = await api<Json[]>(s, 'GET', '/todos', undefined, bob.token);
    assert.deepEqual(
      after.map((x) => [x.action_name, x.body]),
      [
        ['directly_addressed', `@${bob.username} look`],
        ['mentioned', `cc @${bob.username}`],
      ],
    );
    assert.match(String(after[0].target_url), new RegExp(`#note_${note.id}$`));
    // Re-saving the same description mentions nobody new.
    await api(s, 'PUT', `/projects/${project.id}/issues/1`, { description: `cc @${bob.username} again` });
    assert.equal((await api<Json[]>(s, 'GET', '/todos', undefined, bob.token)).length, 2);

    const filtered = await api<Json[]>(s, 'GET', '/todos?action=mentioned', undefined, bob.token);
    assert.deepEqual(
      filtered.map((x) => x.action_name),
      ['mentioned'],
    );
    assert.equal(
      (await api<Json[]>(s, 'GET', `/todos?project_id=${project.id}&type=Issue`, undefined, bob.token))
        .length,
      2,
    );
    assert.equal((await api<Json[]>(s, 'GET', '/todos?project_id=999999', undefined, bob.token)).length, 0);
    assert.equal(
      (await api<Json[]>(s, 'GET', `/todos?author_id=${alice.id}`, undefined, bob.token)).length,
      0,
    );

    const done = await api(s, 'POST', `/todos/${after[0].id}/mark_as_done`, undefined, bob.token);
    assert.equal(done.state, 'done');
    assert.equal((await api<Json[]>(s, 'GET', '/todos?state=done', undefined, bob.token)).length, 1);
    const foreign = await s.request(`/todos/${after[1].id}/mark_as_done`, {
      method: 'POST',
      token: alice.token,
    });
    assert.deepEqual([foreign.status, foreign.body], [404, { message: '404 Not found' }]);
    await api(s, 'POST', '/todos/mark_as_done', undefined, bob.token, 204);
    assert.equal((await api<Json[]>(s, 'GET', '/todos', undefined, bob.token)).length, 0);
    assert.equal((await s.request('/todos', { token: null })).status, 401);
  });

  test('mentions of users who cannot see the issue make no todo; POST …/todo marks, 304 when already marked', async () => {
    const outsider = await createUser(s);
    const secret = await createProject(s, { visibility: 'private' });
    await api(s, 'POST', `/projects/${secret.id}/issues`, {
      title: 's',
      description: `@${outsider.username}`,
    });
    assert.equal((await api<Json[]>(s, 'GET', '/todos', undefined, outsider.token)).length, 0);

    const project = await createProject(s);
    await api(s, 'POST', `/projects/${project.id}/issues`, { title: 'mark' });
    const marked = await api(s, 'POST', `/projects/${project.id}/issues/1/todo`);
    assert.equal(marked.action_name, 'marked');
    const again = await s.request(`/projects/${project.id}/issues/1/todo`, { method: 'POST' });
    assert.equal(again.status, 304);
  });

  test('gitbeaker TodoLists end to end', async () => {
    const carol = await createUser(s);
    const gl = s.gitlab(carol.token);
    const project = await createProject(s);
    await api(s, 'POST', `/projects/${project.id}/issues`, { title: 'gb', assignee_ids: [carol.id] });
    const todos = await gl.TodoLists.all();
    assert.deepEqual(
      todos.map((x) => x.action_name),
      ['assigned'],
    );
    await gl.TodoLists.done({ todoId: todos[0].id });
    assert.equal((await gl.TodoLists.all()).length, 0);
  });
});
