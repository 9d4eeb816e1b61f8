import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, api, createProject, type Json } from './test_helpers.js';

describe('issue move', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('POST …/move copies the issue into the target project and closes the original', async () => {
    const from = await createProject(s);
    const to = await createProject(s);
    await api(s, 'POST', `/projects/${to.id}/labels`, { name: 'bug', color: '#ff0000' });
    await api(s, 'POST', `/projects/${to.id}/issues`, { title: 'existing' });
    await api(s, 'POST', `/projects/${from.id}/issues`, {
      title: 'mv',
      description: 'd',
      labels: 'bug,only-here',
    });
    await api(s, 'POST', `/projects/${from.id}/issues/1/notes`, { body: 'a comment' });
    await api(s, 'POST', `/projects/${from.id}/issues/1/award_emoji`, { name: 'thumbsup' });
    const moved = await api(s, 'POST', `/projects/${from.id}/issues/1/move`, { to_project_id: to.id });
    assert.deepEqual(
      [moved.project_id, moved.iid, moved.title, moved.description, moved.labels, moved.upvotes, moved.state],
      [to.id, 2, 'mv', 'd', ['bug'], 1, 'opened'],
    );
    const original = await api(s, 'GET', `/projects/${from.id}/issues/1`);
    assert.deepEqual([original.state, original.moved_to_id], ['closed', moved.id]);
    const notes = await api<Json[]>(s, 'GET', `/projects/${to.id}/issues/2/notes?sort=asc`);
    assert.deepEqual(
      notes.map((n) => n.body),
      ['a comment', `moved from ${from.path_with_namespace}#1`],
    );
    const oldNotes = await api<Json[]>(s, 'GET', `/projects/${from.id}/issues/1/notes`);
    assert.equal(oldNotes[0].body, `moved to ${to.path_with_namespace}#2`);

    const same = await s.request(`/projects/${to.id}/issues/2/move`, {
      method: 'POST',
      body: { to_project_id: to.id },
    });
    assert.deepEqual(
      [same.status, same.body],
      [400, { message: 'Cannot move issue to project it originates from!' }],
    );
    const missing = await s.request(`/projects/${to.id}/issues/2/move`, {
      method: 'POST',
      body: { to_project_id: 99999999 },
    });
    assert.deepEqual([missing.status, missing.body], [404, { message: '404 Project Not Found' }]);
  });

  test('moving needs issue management rights on both projects', async () => {
    const dev = await createUser(s);
    const from = await createProject(s);
    const to = await createProject(s);
    await addMember(s, 'projects', from.id, dev.id, 30);
    await api(s, 'POST', `/projects/${from.id}/issues`, { title: 'x' });
    const res = await s.request(`/projects/${from.id}/issues/1/move`, {
      method: 'POST',
      body: { to_project_id: to.id },
      token: dev.token,
    });
    assert.deepEqual(
      [res.status, res.body],
      [400, { message: 'Cannot move issue due to insufficient permissions!' }],
    );
    const gl = s.gitlab();
    const moved = await gl.Issues.move(from.id, 1, to.id);
    assert.equal(moved.project_id, to.id);
  });
});
