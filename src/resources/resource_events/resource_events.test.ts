import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { api, createProject, type Json } from '../issues/test_helpers.js';

describe('resource events', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('label, milestone and state changes of an issue are recorded and listed', async () => {
    const project = await createProject(s);
    const base = `/projects/${project.id}/issues/1`;
    const m1 = await api(s, 'POST', `/projects/${project.id}/milestones`, { title: 'v1' });
    await api(s, 'POST', `/projects/${project.id}/issues`, {
      title: 'e',
      labels: 'bug',
      milestone_id: m1.id,
    });
    await api(s, 'PUT', base, { add_labels: 'ux', remove_labels: 'bug', milestone_id: 0 });
    await api(s, 'PUT', base, { state_event: 'close' });
    await api(s, 'PUT', base, { state_event: 'reopen' });

    const labels = await api<Json[]>(s, 'GET', `${base}/resource_label_events`);
    assert.deepEqual(Object.keys(labels[0]), [
      'id',
      'user',
      'created_at',
      'resource_type',
      'resource_id',
      'label',
      'action',
    ]);
    assert.deepEqual(
      labels.map((e) => [(e.label as Json).name, e.action, e.resource_type, (e.user as Json).username]),
      [
        ['bug', 'add', 'Issue', 'root'],
        ['ux', 'add', 'Issue', 'root'],
        ['bug', 'remove', 'Issue', 'root'],
      ],
    );
    const one = await api(s, 'GET', `${base}/resource_label_events/${labels[1].id}`);
    assert.equal((one.label as Json).name, 'ux');
    const missing = await s.request(`${base}/resource_label_events/999999`);
    assert.deepEqual([missing.status, missing.body], [404, { message: '404 Not found' }]);

    const milestones = await api<Json[]>(s, 'GET', `${base}/resource_milestone_events`);
    assert.deepEqual(
      milestones.map((e) => [(e.milestone as Json).title, e.action, e.state]),
      [
        ['v1', 'add', 'opened'],
        ['v1', 'remove', 'opened'],
      ],
    );
    const states = await api<Json[]>(s, 'GET', `${base}/resource_state_events`);
    assert.deepEqual(Object.keys(states[0]), [
      'id',
      'user',
      'created_at',
      'resource_type',
      'resource_id',
      'state',
    ]);
    assert.deepEqual(
      states.map((e) => e.state),
      ['closed', 'reopened'],
    );
    const secret = await createProject(s, { visibility: 'private' });
    await api(s, 'POST', `/projects/${secret.id}/issues`, { title: 'x' });
    const hidden = await s.request(`/projects/${secret.id}/issues/1/resource_state_events`, { token: null });
    assert.equal(hidden.status, 404);
  });

  test('gitbeaker IssueLabelEvents, IssueMilestoneEvents, IssueStateEvents end to end', async () => {
    const gl = s.gitlab();
    const project = await createProject(s);
    const issue = await gl.Issues.create(project.id, 'gb', { labels: 'a,b' });
    const events = await gl.IssueLabelEvents.all(project.id, issue.iid);
    assert.deepEqual(
      events.map((e) => e.action),
      ['add', 'add'],
    );
    assert.equal((await gl.IssueLabelEvents.show(project.id, issue.iid, events[0].id)).id, events[0].id);
    await gl.Issues.edit(project.id, issue.iid, { stateEvent: 'close' });
    assert.deepEqual(
      (await gl.IssueStateEvents.all(project.id, issue.iid)).map((e) => e.state),
      ['closed'],
    );
    assert.deepEqual(await gl.IssueMilestoneEvents.all(project.id, issue.iid), []);
  });
});
