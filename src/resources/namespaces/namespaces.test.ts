import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';

type Ns = { id: number; kind: string; full_path: string; members_count_with_descendants?: number };

describe('namespaces', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test("GET /namespaces lists the caller's own namespace and groups; admins see all", async () => {
    const user = await createUser(s);
    const list = (await s.request('/namespaces', { token: user.token })).body as Ns[];
    assert.deepEqual(
      list.map((n) => [n.kind, n.full_path]),
      [['user', user.username]],
    );
    const g = await s.request('/groups', {
      method: 'POST',
      token: user.token,
      body: { name: 'ns', path: unique('ns') },
    });
    const list2 = (await s.request('/namespaces', { token: user.token })).body as Ns[];
    assert.equal(list2.length, 2);
    const group = list2.find((n) => n.kind === 'group')!;
    assert.equal(group.id, (g.body as { id: number }).id);
    assert.equal(group.members_count_with_descendants, 1);
    const root = (await s.request('/namespaces?search=root')).body as Ns[];
    assert.deepEqual(
      root.map((n) => n.full_path),
      ['root'],
    );
    assert.deepEqual(Object.keys(root[0]!), [
      'id',
      'name',
      'path',
      'kind',
      'full_path',
      'parent_id',
      'avatar_url',
      'web_url',
    ]);
    assert.equal((await s.request('/namespaces', { token: null })).status, 401);
  });

  test("GET /namespaces/:id by id or path; other users' namespaces are 404", async () => {
    const user = await createUser(s);
    const other = await createUser(s);
    const mine = await s.request(`/namespaces/${user.username}`, { token: user.token });
    assert.equal(mine.status, 200);
    assert.equal((mine.body as Ns).kind, 'user');
    const theirs = await s.request(`/namespaces/${other.username}`, { token: user.token });
    assert.equal(theirs.status, 404);
    assert.deepEqual(theirs.body, { message: '404 Namespace Not Found' });
    assert.equal((await s.request(`/namespaces/${(mine.body as Ns).id}`)).status, 200);
  });

  test('GET /namespaces/:id/exists with suggests', async () => {
    const path = unique('exists');
    await s.request('/groups', { method: 'POST', body: { name: 'e', path } });
    const yes = await s.request(`/namespaces/${path}/exists`);
    assert.deepEqual(yes.body, { exists: true, suggests: [`${path}1`] });
    const no = await s.request(`/namespaces/${path}-free/exists`);
    assert.deepEqual(no.body, { exists: false, suggests: [] });
  });
});
