import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';

interface Group {
  id: number;
  name: string;
  full_path: string;
}

describe('transfer locations', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  const post = async (path: string, body: Record<string, unknown>, token?: string) => {
    const res = await s.request(path, { method: 'POST', token, body });
    assert.equal(res.status, 201, `${path}: ${res.text}`);
    return res.body as Group;
  };
  const names = (body: unknown) => (body as Group[]).map((g) => g.name);

  test('GET /groups/:id/transfer_locations: owned groups, not itself, its subtree or its parent; search; pagination; PublicGroupDetails', async () => {
    const owner = await createUser(s);
    const t = owner.token;
    const a = await post('/groups', { name: 'Alpha', path: unique('alpha') }, t);
    const b = await post('/groups', { name: 'Beta', path: 'beta', parent_id: a.id }, t);
    await post('/groups', { name: 'Beta child', path: 'child', parent_id: b.id }, t);
    await post('/groups', { name: 'Alpha sibling', path: 'sibling', parent_id: a.id }, t);
    const c = await post('/groups', { name: 'Gamma', path: unique('gamma') }, t);
    await post('/groups', { name: 'Delta', path: unique('delta') }, t);
    // A group where the owner is only a maintainer is no destination.
    const other = await post('/groups', { name: 'Epsilon', path: unique('eps') });
    await s.request(`/groups/${other.id}/members`, {
      method: 'POST',
      body: { user_id: owner.id, access_level: 40 },
    });

    const res = await fetch(`${s.url}/api/v4/groups/${b.id}/transfer_locations`, {
      headers: { 'private-token': t },
    });
    assert.equal(res.status, 200);
    const list = (await res.json()) as Array<Record<string, unknown>>;
    assert.deepEqual(
      list.map((g) => g.name),
      ['Alpha sibling', 'Delta', 'Gamma'],
    );
    const gamma = list.find((g) => g.id === c.id)!;
    assert.deepEqual(gamma, {
      id: c.id,
      web_url: `${s.url}/groups/${c.full_path}`,
      name: 'Gamma',
      avatar_url: null,
      full_name: 'Gamma',
      full_path: c.full_path,
    });
    assert.equal(res.headers.get('x-total'), '3');

    const searched = await s.request(`/groups/${b.id}/transfer_locations?search=gam`, { token: t });
    assert.deepEqual(names(searched.body), ['Gamma']);
    const page = await s.request(
      `/groups/${encodeURIComponent(`${a.full_path}/beta`)}/transfer_locations?per_page=1&page=2`,
      {
        token: t,
      },
    );
    assert.deepEqual(names(page.body), ['Delta']);
    assert.equal(page.headers.get('x-total-pages'), '3');
    // A top-level group: every other owned group that is not below it.
    const top = await s.request(`/groups/${a.id}/transfer_locations`, { token: t });
    assert.deepEqual(names(top.body), ['Delta', 'Gamma']);

    // Only owners may ask: a maintainer gets 403, a stranger 404 for a private group, anonymous 401.
    const maint = await s.request(`/groups/${other.id}/transfer_locations`, { token: t });
    assert.equal(maint.status, 403);
    const stranger = await createUser(s);
    const hidden = await s.request(`/groups/${b.id}/transfer_locations`, { token: stranger.token });
    assert.equal(hidden.status, 404);
    const anon = await fetch(`${s.url}/api/v4/groups/${b.id}/transfer_locations`);
    assert.equal(anon.status, 401);
  });

  test('GET /projects/:id/transfer_locations: groups where the owner may create projects as Maintainer+, not its own', async () => {
    const owner = await createUser(s);
    const t = owner.token;
    const home = await post('/groups', { name: 'Home', path: unique('home') }, t);
    const project = (await post(
      '/projects',
      { name: unique('proj'), namespace_id: home.id },
      t,
    )) as unknown as {
      id: number;
    };
    await post('/groups', { name: 'Owned', path: unique('owned') }, t);
    const maintained = await post('/groups', { name: 'Maintained', path: unique('maint') });
    const developed = await post('/groups', { name: 'Developed', path: unique('dev') });
    const closed = await post('/groups', {
      name: 'Closed',
      path: unique('closed'),
      project_creation_level: 'noone',
    });
    for (const [g, level] of [
      [maintained, 40],
      [developed, 30],
      [closed, 40],
    ] as const) {
      await s.request(`/groups/${g.id}/members`, {
        method: 'POST',
        body: { user_id: owner.id, access_level: level },
      });
    }
    const res = await s.request(`/projects/${project.id}/transfer_locations`, { token: t });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(names(res.body), ['Maintained', 'Owned']);
    assert.deepEqual(Object.keys((res.body as object[])[0]!), [
      'id',
      'web_url',
      'name',
      'avatar_url',
      'full_name',
      'full_path',
    ]);
    const searched = await s.request(`/projects/${project.id}/transfer_locations?search=own`, { token: t });
    assert.deepEqual(names(searched.body), ['Owned']);

    // A project maintainer may not transfer it: 403.
    const dev = await createUser(s);
    await s.request(`/projects/${project.id}/members`, {
      method: 'POST',
      body: { user_id: dev.id, access_level: 40 },
    });
    const refused = await s.request(`/projects/${project.id}/transfer_locations`, { token: dev.token });
    assert.equal(refused.status, 403);
  });
});
