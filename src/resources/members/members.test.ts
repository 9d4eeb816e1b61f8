import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';

type Member = {
  id: number;
  username: string;
  access_level: number;
  expires_at: string | null;
  [k: string]: unknown;
};

describe('members', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  const post = async (path: string, body: Record<string, unknown>, token?: string) => {
    const res = await s.request(path, { method: 'POST', body, token });
    assert.equal(res.status, 201, `${path}: ${res.text}`);
    return res.body as { id: number; path: string; name: string };
  };

  test('C24: add, show, edit, remove; a second add is 409', async () => {
    const g = await post('/groups', { name: 'm', path: unique('mem') });
    const u = await createUser(s);
    const res = await s.request(`/groups/${g.id}/members`, {
      method: 'POST',
      body: { user_id: u.id, access_level: 30, expires_at: '2999-01-01' },
    });
    assert.equal(res.status, 201);
    const m = res.body as Member;
    const keys = Object.keys(m);
    assert.deepEqual(keys.slice(0, 2), ['id', 'username']);
    assert.deepEqual(keys.slice(keys.indexOf('access_level')), [
      'access_level',
      'created_at',
      'created_by',
      'expires_at',
      'group_saml_identity',
      'membership_state',
    ]);
    assert.equal(m.id, u.id);
    assert.equal(m.access_level, 30);
    assert.equal(m.expires_at, '2999-01-01');
    assert.equal((m.created_by as { username: string }).username, 'root');
    assert.equal(m.membership_state, 'active');

    const dup = await s.request(`/groups/${g.id}/members`, {
      method: 'POST',
      body: { user_id: u.id, access_level: 30 },
    });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body, { message: 'Member already exists' });

    assert.equal(((await s.request(`/groups/${g.id}/members/${u.id}`)).body as Member).access_level, 30);
    const edited = await s.request(`/groups/${g.id}/members/${u.id}`, {
      method: 'PUT',
      body: { access_level: 40 },
    });
    assert.equal((edited.body as Member).access_level, 40);
    const list = (await s.request(`/groups/${g.id}/members`)).body as Member[];
    assert.deepEqual(
      list.map((x) => [x.username, x.access_level]),
      [
        ['root', 50],
        [u.username, 40],
      ],
    );
    const filtered = (await s.request(`/groups/${g.id}/members?query=${u.username}`)).body as Member[];
    assert.deepEqual(
      filtered.map((x) => x.id),
      [u.id],
    );
    assert.equal((await s.request(`/groups/${g.id}/members/${u.id}`, { method: 'DELETE' })).status, 204);
    const gone = await s.request(`/groups/${g.id}/members/${u.id}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.body, { message: '404 Member Not Found' });
  });

  test('C21: bad input', async () => {
    const g = await post('/groups', { name: 'b', path: unique('bad') });
    const level = await s.request(`/groups/${g.id}/members`, {
      method: 'POST',
      body: { user_id: 1, access_level: 60 },
    });
    assert.equal(level.status, 400);
    assert.deepEqual(level.body, { error: 'access_level does not have a valid value' });
    const missing = await s.request(`/groups/${g.id}/members`, { method: 'POST', body: { user_id: 1 } });
    assert.deepEqual(missing.body, { error: 'access_level is missing' });
    const nobody = await s.request(`/groups/${g.id}/members`, { method: 'POST', body: { access_level: 30 } });
    assert.deepEqual(nobody.body, {
      error: 'user_id, username are missing, exactly one parameter must be provided',
    });
    const unknown = await s.request(`/groups/${g.id}/members`, {
      method: 'POST',
      body: { user_id: 999999, access_level: 30 },
    });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { message: '404 User Not Found' });
    const byName = await s.request(`/groups/${g.id}/members`, {
      method: 'POST',
      body: { username: (await createUser(s)).username, access_level: 10 },
    });
    assert.equal(byName.status, 201);
    // The last owner stays.
    const last = await s.request(`/groups/${g.id}/members/1`, { method: 'DELETE' });
    assert.equal(last.status, 403);
  });

  test('/members/all: inherited members, highest level wins; a direct membership below an inherited one is refused', async () => {
    const g = await post('/groups', { name: 'a', path: unique('all') });
    const sub = await post('/groups', { name: 's', path: 's', parent_id: g.id });
    const project = await post('/projects', { name: 'p', namespace_id: sub.id });
    const a = await createUser(s);
    const b = await createUser(s);
    await post(`/groups/${g.id}/members`, { user_id: a.id, access_level: 20 });
    await post(`/projects/${project.id}/members`, { user_id: a.id, access_level: 30 });
    // A lower direct membership can only predate the group one: GitLab refuses to add it after.
    await post(`/projects/${project.id}/members`, { user_id: b.id, access_level: 10 });
    await post(`/groups/${sub.id}/members`, { user_id: b.id, access_level: 40 });
    const c = await createUser(s);
    await post(`/groups/${g.id}/members`, { user_id: c.id, access_level: 30 });
    const below = await s.request(`/projects/${project.id}/members`, {
      method: 'POST',
      body: { user_id: c.id, access_level: 20 },
    });
    assert.equal(below.status, 400);
    assert.deepEqual(below.body, {
      message: {
        access_level: ['should be greater than or equal to Developer inherited membership from group a'],
      },
    });
    const belowInSub = await s.request(`/groups/${sub.id}/members`, {
      method: 'POST',
      body: { user_id: c.id, access_level: 10 },
    });
    assert.equal(belowInSub.status, 400);
    await post(`/projects/${project.id}/members`, { user_id: c.id, access_level: 30 });
    const lowered = await s.request(`/projects/${project.id}/members/${c.id}`, {
      method: 'PUT',
      body: { access_level: 20 },
    });
    assert.equal(lowered.status, 400);
    assert.equal(
      ((await s.request(`/projects/${project.id}/members/${c.id}`)).body as Member).access_level,
      30,
    );
    await s.request(`/projects/${project.id}/members/${c.id}`, { method: 'DELETE' });
    await s.request(`/groups/${g.id}/members/${c.id}`, { method: 'DELETE' });
    const direct = (await s.request(`/projects/${project.id}/members`)).body as Member[];
    assert.deepEqual(
      direct.map((m) => [m.username, m.access_level]),
      [
        [a.username, 30],
        [b.username, 10],
      ],
    );
    const all = (await s.request(`/projects/${project.id}/members/all`)).body as Member[];
    assert.deepEqual(
      all.map((m) => [m.username, m.access_level]),
      [
        ['root', 50],
        [a.username, 30],
        [b.username, 40],
      ],
    );
    const one = (await s.request(`/projects/${project.id}/members/all/${b.id}`)).body as Member;
    assert.equal(one.access_level, 40);
    const subAll = (await s.request(`/groups/${sub.id}/members/all`)).body as Member[];
    assert.deepEqual(
      subAll.map((m) => [m.username, m.access_level]),
      [
        ['root', 50],
        [a.username, 20],
        [b.username, 40],
      ],
    );
  });

  test('an expired group membership does not hold a direct membership up (GitLab deletes expired members)', async () => {
    const g = await post('/groups', { name: 'e', path: unique('exp') });
    const project = await post('/projects', { name: 'p', namespace_id: g.id });
    const u = await createUser(s);
    await post(`/groups/${g.id}/members`, { user_id: u.id, access_level: 40, expires_at: '2099-01-01' });
    const refused = await s.request(`/projects/${project.id}/members`, {
      method: 'POST',
      body: { user_id: u.id, access_level: 20 },
    });
    assert.equal(refused.status, 400);
    // The API refuses past dates, so the membership's day comes by writing it as time would.
    await s.server.deps.db
      .updateTable('members')
      .set({ expires_at: '2000-01-01' })
      .where('source_type', '=', 'Namespace')
      .where('source_id', '=', g.id as number)
      .where('user_id', '=', u.id)
      .execute();
    const added = await s.request(`/projects/${project.id}/members`, {
      method: 'POST',
      body: { user_id: u.id, access_level: 20 },
    });
    assert.equal(added.status, 201, added.text);
    assert.equal((added.body as Member).access_level, 20);
  });

  test('only maintainers manage project members; only owners grant Owner', async () => {
    const g = await post('/groups', { name: 'r', path: unique('roles') });
    const project = await post('/projects', { name: 'p', namespace_id: g.id });
    const maint = await createUser(s);
    const dev = await createUser(s);
    const other = await createUser(s);
    await post(`/projects/${project.id}/members`, { user_id: maint.id, access_level: 40 });
    await post(`/projects/${project.id}/members`, { user_id: dev.id, access_level: 30 });
    const byDev = await s.request(`/projects/${project.id}/members`, {
      method: 'POST',
      token: dev.token,
      body: { user_id: other.id, access_level: 10 },
    });
    assert.equal(byDev.status, 403);
    const ownerByMaint = await s.request(`/projects/${project.id}/members`, {
      method: 'POST',
      token: maint.token,
      body: { user_id: other.id, access_level: 50 },
    });
    assert.equal(ownerByMaint.status, 403);
    const ok = await s.request(`/projects/${project.id}/members`, {
      method: 'POST',
      token: maint.token,
      body: { user_id: other.id, access_level: 20 },
    });
    assert.equal(ok.status, 201);
    // Hidden project: 404 for outsiders, even on members.
    const outsider = await createUser(s);
    assert.equal((await s.request(`/projects/${project.id}/members`, { token: outsider.token })).status, 404);
    // A member may leave.
    assert.equal(
      (await s.request(`/projects/${project.id}/members/${dev.id}`, { method: 'DELETE', token: dev.token }))
        .status,
      204,
    );
  });

  test('gitbeaker: group members add/all/edit/remove', async () => {
    const api = s.gitlab();
    const u = await createUser(s);
    const g = await api.Groups.create('GB', unique('gbm'));
    const added = await api.GroupMembers.add(g.id as number, 20, { userId: u.id });
    assert.equal(added.access_level, 20);
    const edited = await api.GroupMembers.edit(g.id as number, u.id, 30);
    assert.equal(edited.access_level, 30);
    const all = await api.GroupMembers.all(g.id as number);
    assert.deepEqual(all.map((m) => m.id).sort(), [1, u.id].sort());
    await api.GroupMembers.remove(g.id as number, u.id);
    assert.deepEqual(
      (await api.GroupMembers.all(g.id as number)).map((m) => m.id),
      [1],
    );
  });
  test('bulk add: user_id and username as comma lists answer {"status":"success"}; existing members take the level; unknown users are skipped', async () => {
    const g = await post('/groups', { name: 'bulk', path: unique('bulk') });
    const [a, b, c] = [await createUser(s), await createUser(s), await createUser(s)];
    await s.request(`/groups/${g.id}/members`, { method: 'POST', body: { user_id: a.id, access_level: 10 } });
    const res = await fetch(`${s.url}/api/v4/groups/${g.id}/members`, {
      method: 'POST',
      headers: { 'private-token': s.rootToken, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: `${a.id},${b.id},999999`, access_level: 30 }),
    });
    assert.equal(res.status, 201);
    assert.equal(await res.text(), '{"status":"success"}');
    const levels = async (path: string) =>
      Object.fromEntries(((await s.request(path)).body as Member[]).map((m) => [m.username, m.access_level]));
    const g1 = await levels(`/groups/${g.id}/members`);
    assert.equal(g1[a.username], 30);
    assert.equal(g1[b.username], 30);
    assert.equal(g1[c.username], undefined);

    const p1 = await post('/projects', { name: unique('bulkp') });
    const byName = await s.request(`/projects/${p1.id}/members`, {
      method: 'POST',
      body: { username: `${b.username},${c.username.toUpperCase()}`, access_level: 20 },
    });
    assert.equal(byName.status, 201);
    assert.deepEqual(byName.body, { status: 'success' });
    const pm = await levels(`/projects/${p1.id}/members`);
    assert.equal(pm[b.username], 20);
    assert.equal(pm[c.username], 20);

    const tooMany = await s.request(`/projects/${p1.id}/members`, {
      method: 'POST',
      body: { user_id: Array.from({ length: 101 }, (_, i) => i + 1).join(','), access_level: 20 },
    });
    assert.deepEqual(tooMany.body, { status: 'error', message: 'Too many users specified (limit is 100)' });
    // The rules of a single add still hold: a maintainer cannot grant Owner.
    const maint = await createUser(s);
    await s.request(`/projects/${p1.id}/members`, {
      method: 'POST',
      body: { user_id: maint.id, access_level: 40 },
    });
    const owner = await s.request(`/projects/${p1.id}/members`, {
      method: 'POST',
      token: maint.token,
      body: { user_id: `${a.id},${b.id}`, access_level: 50 },
    });
    assert.equal(owner.status, 403);
    const bad = await s.request(`/groups/${g.id}/members`, {
      method: 'POST',
      body: { user_id: `${a.id},${b.id}`, access_level: 60 },
    });
    assert.deepEqual(bad.body, { error: 'access_level does not have a valid value' });

    const api = s.gitlab();
    const g2 = await api.Groups.create('GB bulk', unique('gbbulk'));
    const answer = (await api.GroupMembers.add(g2.id as number, 30, {
      userId: `${a.id},${b.id}`,
    })) as unknown as { status: string };
    assert.deepEqual(answer, { status: 'success' });
    assert.deepEqual(
      (await api.GroupMembers.all(g2.id as number)).map((m) => m.id).sort((x, y) => x - y),
      [1, a.id, b.id].sort((x, y) => x - y),
    );
  });
  test('GET /users/:id/memberships (admin): direct project and group memberships, type filter, 403/404', async () => {
    const u = await createUser(s);
    const g = await post('/groups', { name: 'Memberships', path: unique('ums') });
    const pr = await post('/projects', { name: unique('umsp') });
    await post(`/groups/${g.id}/members`, { user_id: u.id, access_level: 20 });
    await post(`/projects/${pr.id}/members`, { user_id: u.id, access_level: 40 });
    const all = await s.request(`/users/${u.id}/memberships`);
    assert.equal(all.status, 200);
    assert.equal(all.headers.get('x-total'), '2');
    assert.deepEqual(all.body, [
      { source_id: g.id, source_name: 'Memberships', source_type: 'Namespace', access_level: 20 },
      { source_id: pr.id, source_name: pr.name, source_type: 'Project', access_level: 40 },
    ]);
    const projects = (await s.request(`/users/${u.id}/memberships?type=Project`)).body as Array<{
      source_id: number;
    }>;
    assert.deepEqual(
      projects.map((m) => m.source_id),
      [pr.id],
    );
    const bad = await s.request(`/users/${u.id}/memberships?type=Group`);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { error: 'type does not have a valid value' });
    assert.equal((await s.request(`/users/${u.id}/memberships`, { token: u.token })).status, 403);
    const missing = await s.request('/users/999999/memberships');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: '404 User Not Found' });
  });
});
