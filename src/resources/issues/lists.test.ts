import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CreatedUser, createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, api, createGroup, createProject, type Json } from './test_helpers.js';

describe('issue lists', () => {
  let s: TestServer;
  let dev: CreatedUser;
  let outsider: CreatedUser;
  let project: Json & { id: number };
  let group: Json & { id: number };
  before(async () => {
    s = await startTestServer();
    dev = await createUser(s);
    outsider = await createUser(s);
    group = await createGroup(s);
    project = await createProject(s, { namespace_id: group.id });
    await addMember(s, 'projects', project.id, dev.id, 30);
    const m = await api(s, 'POST', `/projects/${project.id}/milestones`, {
      title: 'M',
      due_date: '2099-01-01',
    });
    const url = `/projects/${project.id}/issues`;
    // iid 1..5
    await api(s, 'POST', url, {
      title: 'alpha bug',
      labels: 'bug',
      milestone_id: m.id,
      due_date: '2030-01-02',
    });
    await api(s, 'POST', url, {
      title: 'beta',
      labels: 'bug,ui',
      assignee_ids: [dev.id],
      due_date: '2030-01-01',
    });
    await api(s, 'POST', url, { title: 'gamma', description: 'has alpha inside' }, dev.token);
    await api(s, 'POST', url, { title: 'secret', confidential: true });
    await api(s, 'POST', url, { title: 'done', labels: 'ui' });
    await api(s, 'PUT', `${url}/5`, { state_event: 'close' });
    const hidden = await createProject(s, { visibility: 'private', namespace_id: group.id });
    await api(s, 'POST', `/projects/${hidden.id}/issues`, { title: 'private project issue' });
  });
  after(() => s.close());

  const iids = async (query: string, token?: string) =>
    (await api<Json[]>(s, 'GET', `/projects/${project.id}/issues${query}`, undefined, token)).map(
      (i) => i.iid,
    );

  test('filters return exactly the expected iids, in order (default created_at desc)', async () => {
    assert.deepEqual(await iids(''), [5, 4, 3, 2, 1]);
    assert.deepEqual(await iids('?state=opened'), [4, 3, 2, 1]);
    assert.deepEqual(await iids('?state=closed'), [5]);
    assert.deepEqual(await iids('?labels=bug'), [2, 1]);
    assert.deepEqual(await iids('?labels=bug,ui'), [2]);
    assert.deepEqual(await iids('?labels=None'), [4, 3]);
    assert.deepEqual(await iids('?labels=Any'), [5, 2, 1]);
    assert.deepEqual(await iids('?milestone=M'), [1]);
    assert.deepEqual(await iids('?milestone=None'), [5, 4, 3, 2]);
    assert.deepEqual(await iids('?milestone=Upcoming'), [1]);
    assert.deepEqual(await iids(`?assignee_id=${dev.id}`), [2]);
    assert.deepEqual(await iids('?assignee_id=None'), [5, 4, 3, 1]);
    assert.deepEqual(await iids(`?assignee_username=${dev.username}`), [2]);
    assert.deepEqual(await iids(`?author_id=${dev.id}`), [3]);
    assert.deepEqual(await iids(`?author_username=${dev.username}`), [3]);
    assert.deepEqual(await iids('?iids[]=1&iids[]=3'), [3, 1]);
    assert.deepEqual(await iids('?search=alpha'), [3, 1]);
    assert.deepEqual(await iids('?search=alpha&in=title'), [1]);
    // GitLab's fuzzy search: every word of 3+ characters, any order, all in one column;
    // "quoted phrases" stay whole; a query with no such word must equal the column.
    assert.deepEqual(await iids('?search=bug%20alpha'), [1]);
    assert.deepEqual(await iids('?search=inside%20alpha'), [3]);
    assert.deepEqual(await iids('?search=alpha%20gamma'), []);
    assert.deepEqual(await iids(`?search=${encodeURIComponent('"alpha bug"')}`), [1]);
    assert.deepEqual(await iids(`?search=${encodeURIComponent('"bug alpha"')}`), []);
    assert.deepEqual(await iids('?search=do'), []);
    assert.deepEqual(await iids('?confidential=true'), [4]);
    assert.deepEqual(await iids('?not[labels]=bug'), [5, 4, 3]);
    assert.deepEqual(await iids(`?scope=created_by_me`, dev.token), [3]);
    assert.deepEqual(await iids(`?scope=assigned_to_me`, dev.token), [2]);
    assert.deepEqual(await iids('?order_by=title&sort=asc'), [1, 2, 5, 3, 4]);
    assert.deepEqual(await iids('?order_by=due_date&sort=asc'), [2, 1, 3, 4, 5]);
    assert.deepEqual(await iids('?order_by=created_at&sort=asc'), [1, 2, 3, 4, 5]);
    const details = await api<Json[]>(
      s,
      'GET',
      `/projects/${project.id}/issues?iids[]=2&with_labels_details=true`,
    );
    assert.deepEqual(
      (details[0]!.labels as Json[]).map((l) => l.name),
      ['bug', 'ui'],
    );
  });

  test("C22: confidential issues and private projects never appear in others' lists, totals or statistics", async () => {
    let res = await s.request(`/projects/${project.id}/issues`, { token: outsider.token });
    assert.deepEqual(
      (res.body as Json[]).map((i) => i.iid),
      [5, 3, 2, 1],
    );
    assert.equal(res.headers.get('x-total'), '4');
    res = await s.request(`/groups/${group.id}/issues`, { token: outsider.token });
    assert.deepEqual(
      (res.body as Json[]).map((i) => i.title),
      ['done', 'gamma', 'beta', 'alpha bug'],
    );
    assert.equal(res.headers.get('x-total'), '4');
    res = await s.request(`/groups/${group.id}/issues`);
    assert.equal(res.headers.get('x-total'), '6');
    res = await s.request(`/groups/${group.id}/issues_statistics`, { token: outsider.token });
    assert.deepEqual(res.body, { statistics: { counts: { all: 4, closed: 1, opened: 3 } } });
    res = await s.request(`/groups/${group.id}/issues_statistics`, { token: null });
    assert.deepEqual(res.body, { statistics: { counts: { all: 4, closed: 1, opened: 3 } } });
    res = await s.request(`/projects/${project.id}/issues/4`, { token: outsider.token });
    assert.equal(res.status, 404);
    // The developer (Planner+) sees the confidential one.
    assert.deepEqual(await iids('?confidential=true', dev.token), [4]);
    res = await s.request('/issues?scope=all', { token: outsider.token });
    assert.equal(res.headers.get('x-total'), '4');
    res = await s.request('/issues', { token: dev.token });
    assert.deepEqual(
      (res.body as Json[]).map((i) => i.title),
      ['gamma'],
    );
    res = await s.request('/issues_statistics', { token: dev.token });
    assert.deepEqual(res.body, { statistics: { counts: { all: 1, closed: 0, opened: 1 } } });
  });
  test('search= follows edits and deletes (the trigram index, migration 0018), and takes LIKE wildcards and quotes literally', async () => {
    const other = await createProject(s, { namespace_id: group.id });
    const url = `/projects/${other.id}/issues`;
    await api(s, 'POST', url, { title: 'Webhook retries', description: 'about 50% fail_fast, say"hi' });
    await api(s, 'POST', url, { title: 'unrelated', description: 'nothing here' });
    const found = async (query: string) => {
      const res = await s.request(`${url}?search=${encodeURIComponent(query)}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-total'), String((res.body as Json[]).length));
      return (res.body as Json[]).map((i) => i.iid);
    };
    assert.deepEqual(await found('WEBHOOK'), [1]);
    assert.deepEqual(await found('retries webhook'), [1]);
    assert.deepEqual(await found('50%'), [1]);
    assert.deepEqual(await found('0%x'), []);
    assert.deepEqual(await found('fail_fast'), [1]);
    assert.deepEqual(await found('failxfast'), []);
    assert.deepEqual(await found('say"hi'), [1]);
    assert.deepEqual(await found('here'), [2]);
    await api(s, 'PUT', `${url}/1`, { title: 'Pipeline retries' });
    assert.deepEqual(await found('webhook'), []);
    assert.deepEqual(await found('pipeline'), [1]);
    await api(s, 'PUT', `${url}/2`, { description: 'something else' });
    assert.deepEqual(await found('here'), []);
    assert.deepEqual(await found('something'), [2]);
    const removed = await s.request(`${url}/2`, { method: 'DELETE' });
    assert.equal(removed.status, 204);
    assert.deepEqual(await found('something'), []);
    assert.deepEqual(await found('retries'), [1]);
  });
});
