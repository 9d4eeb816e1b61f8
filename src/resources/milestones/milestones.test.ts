import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, api, createGroup, createProject, type Json } from '../issues/test_helpers.js';

describe('milestones', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('C20/C54: create with an iid per project, the Milestone entity in order', async () => {
    const project = await createProject(s);
    const url = `/projects/${project.id}/milestones`;
    const m1 = await api(s, 'POST', url, {
      title: 'v1',
      description: 'd',
      due_date: '2000-01-02',
      start_date: '2000-01-01',
    });
    assert.deepEqual(Object.keys(m1), [
      'id',
      'iid',
      'project_id',
      'title',
      'description',
      'state',
      'created_at',
      'updated_at',
      'due_date',
      'start_date',
      'expired',
      'web_url',
    ]);
    assert.equal(m1.iid, 1);
    assert.equal(m1.state, 'active');
    assert.equal(m1.expired, true);
    assert.equal(m1.web_url, `${s.url}/${project.path_with_namespace}/-/milestones/1`);
    const m2 = await api(s, 'POST', url, { title: 'v2' });
    assert.equal(m2.iid, 2);
    assert.equal(m2.expired, false);
    const group = await createGroup(s);
    const g1 = await api(s, 'POST', `/groups/${group.id}/milestones`, { title: 'g' });
    assert.equal(g1.iid, 1);
    assert.equal(g1.group_id, group.id);
    assert.equal(g1.project_id, undefined);
    assert.equal(g1.web_url, `${s.url}/groups/${group.full_path}/-/milestones/1`);
  });

  test('C21: errors — title missing, taken, dates out of order, bad state_event, unknown milestone', async () => {
    const project = await createProject(s);
    const url = `/projects/${project.id}/milestones`;
    let res = await s.request(url, { method: 'POST', body: {} });
    assert.deepEqual([res.status, res.body], [400, { error: 'title is missing' }]);
    await api(s, 'POST', url, { title: 'same' });
    res = await s.request(url, { method: 'POST', body: { title: 'same' } });
    assert.deepEqual(
      [res.status, res.body],
      [400, { message: { title: ['already being used for another group or project milestone.'] } }],
    );
    res = await s.request(url, {
      method: 'POST',
      body: { title: 'x', start_date: '2020-02-02', due_date: '2020-01-01' },
    });
    assert.deepEqual(res.body, { message: { due_date: ['must be greater than start date'] } });
    res = await s.request(`${url}/999999`, { method: 'PUT', body: { state_event: 'reopen' } });
    assert.deepEqual([res.status, res.body], [400, { error: 'state_event does not have a valid value' }]);
    res = await s.request(`${url}/999999`);
    assert.deepEqual([res.status, res.body], [404, { message: '404 Milestone Not Found' }]);
  });

  test('filters: iids[], state, title, search, include_ancestors; order by due date (none last)', async () => {
    const group = await createGroup(s);
    const project = await createProject(s, { namespace_id: group.id });
    const url = `/projects/${project.id}/milestones`;
    const a = await api(s, 'POST', url, { title: 'alpha', due_date: '2030-05-01' });
    const b = await api(s, 'POST', url, { title: 'beta', description: 'find me' });
    const c = await api(s, 'POST', url, { title: 'gamma', due_date: '2030-01-01' });
    await api(s, 'PUT', `${url}/${c.id}`, { state_event: 'close' });
    await api(s, 'POST', `/groups/${group.id}/milestones`, { title: 'group-ms', due_date: '2029-01-01' });
    const titles = async (q: string) => (await api<Json[]>(s, 'GET', `${url}${q}`)).map((m) => m.title);
    assert.deepEqual(await titles(''), ['gamma', 'alpha', 'beta']);
    assert.deepEqual(await titles('?state=active'), ['alpha', 'beta']);
    assert.deepEqual(await titles('?state=closed'), ['gamma']);
    assert.deepEqual(await titles(`?iids[]=${a.iid}&iids[]=${b.iid}`), ['alpha', 'beta']);
    assert.deepEqual(await titles('?title=beta'), ['beta']);
    assert.deepEqual(await titles('?search=FIND'), ['beta']);
    assert.deepEqual(await titles('?include_ancestors=true'), ['group-ms', 'gamma', 'alpha', 'beta']);
    assert.deepEqual(await titles('?include_parent_milestones=true&state=active'), [
      'group-ms',
      'alpha',
      'beta',
    ]);
    const reopened = await api(s, 'PUT', `${url}/${c.id}`, { state_event: 'activate', title: 'gamma2' });
    assert.deepEqual([reopened.state, reopened.title], ['active', 'gamma2']);
    await api(s, 'DELETE', `${url}/${c.id}`);
    assert.deepEqual(await titles(''), ['alpha', 'beta']);
  });

  test('C22: Reporter+ manage milestones; Guests read; private projects 404', async () => {
    const guest = await createUser(s);
    const project = await createProject(s, { visibility: 'private' });
    const url = `/projects/${project.id}/milestones`;
    assert.equal((await s.request(url, { token: guest.token })).status, 404);
    await addMember(s, 'projects', project.id, guest.id, 10);
    await api(s, 'POST', url, { title: 'm' });
    assert.equal((await api<Json[]>(s, 'GET', url, undefined, guest.token)).length, 1);
    const res = await s.request(url, { method: 'POST', token: guest.token, body: { title: 'no' } });
    assert.equal(res.status, 403);
  });

  test('gitbeaker: ProjectMilestones and GroupMilestones', async () => {
    const gl = s.gitlab();
    const project = await createProject(s);
    const m = await gl.ProjectMilestones.create(project.id, 'Release 1', { dueDate: '2031-01-01' });
    assert.equal(m.title, 'Release 1');
    const edited = await gl.ProjectMilestones.edit(project.id, m.id, { stateEvent: 'close' });
    assert.equal(edited.state, 'closed');
    assert.equal((await gl.ProjectMilestones.all(project.id, { state: 'closed' })).length, 1);
    assert.equal((await gl.ProjectMilestones.show(project.id, m.id)).id, m.id);
    const group = await createGroup(s);
    const gm = await gl.GroupMilestones.create(group.id, 'G1');
    assert.equal((await gl.GroupMilestones.all(group.id)).map((x) => x.id).join(), String(gm.id));
  });
});
