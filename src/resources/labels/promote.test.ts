import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, api, createGroup, createProject, type Json } from '../issues/test_helpers.js';

describe('label promote', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('a project label becomes a group label; same-titled labels of sibling projects merge into it', async () => {
    const group = await createGroup(s);
    const a = await createProject(s, { namespace_id: group.id });
    const b = await createProject(s, { namespace_id: group.id });
    await api(s, 'POST', `/projects/${a.id}/labels`, {
      name: 'bug',
      color: '#ff0000',
      description: 'broken',
    });
    await api(s, 'POST', `/projects/${b.id}/labels`, { name: 'bug', color: '#00ff00' });
    await api(s, 'POST', `/projects/${a.id}/issues`, { title: 'ia', labels: 'bug' });
    await api(s, 'POST', `/projects/${b.id}/issues`, { title: 'ib', labels: 'bug' });

    const promoted = await api(s, 'PUT', `/projects/${a.id}/labels/promote`, { name: 'bug' }, undefined, 200);
    assert.deepEqual([promoted.name, promoted.color, promoted.description], ['bug', '#ff0000', 'broken']);
    const groupLabels = await api<Json[]>(s, 'GET', `/groups/${group.id}/labels`);
    assert.deepEqual(
      groupLabels.map((l) => [l.id, l.name]),
      [[promoted.id, 'bug']],
    );
    // Both projects now see only the group label, and their issues carry it.
    for (const project of [a, b]) {
      const labels = await api<Json[]>(s, 'GET', `/projects/${project.id}/labels`);
      assert.deepEqual(
        labels.map((l) => [l.id, l.is_project_label]),
        [[promoted.id, false]],
      );
      const [issue] = await api<Json[]>(s, 'GET', `/projects/${project.id}/issues?with_labels_details=true`);
      assert.deepEqual(
        (issue.labels as Json[]).map((l) => l.id),
        [promoted.id],
      );
    }
    const gone = await s.request(`/projects/${a.id}/labels/promote`, {
      method: 'PUT',
      body: { name: 'bug' },
    });
    assert.deepEqual([gone.status, gone.body], [404, { message: '404 Label Not Found' }]);
    const neither = await s.request(`/projects/${a.id}/labels/promote`, { method: 'PUT', body: {} });
    assert.deepEqual(neither.body, {
      error: 'label_id, name are missing, exactly one parameter must be provided',
    });
  });

  test('user-namespace projects cannot promote (400); guests cannot (403)', async () => {
    const personal = await createProject(s);
    await api(s, 'POST', `/projects/${personal.id}/labels`, { name: 'solo', color: '#123456' });
    const res = await s.request(`/projects/${personal.id}/labels/solo/promote`, { method: 'PUT' });
    assert.deepEqual(
      [res.status, res.body],
      [400, { message: 'Failed to promote project label to group label' }],
    );

    const guest = await createUser(s);
    const group = await createGroup(s);
    const project = await createProject(s, { namespace_id: group.id });
    await addMember(s, 'projects', project.id, guest.id, 10);
    const label = await api(s, 'POST', `/projects/${project.id}/labels`, { name: 'x', color: '#123456' });
    const denied = await s.request(`/projects/${project.id}/labels/${label.id}/promote`, {
      method: 'PUT',
      token: guest.token,
    });
    assert.equal(denied.status, 403);
  });
});
