import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';

type Group = {
  id: number;
  name: string;
  path: string;
  full_path: string;
  parent_id: number | null;
  visibility: string;
};

describe('groups', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  const create = async (body: Record<string, unknown>, token?: string) => {
    const res = await s.request('/groups', { method: 'POST', body, token });
    assert.equal(res.status, 201, res.text);
    return res.body as Group;
  };

  test('C20: POST /groups creates a top-level group (GroupDetail) and a subgroup via parent_id', async () => {
    const path = unique('grp');
    const res = await s.request('/groups', {
      method: 'POST',
      body: { name: 'My Group', path, visibility: 'public' },
    });
    assert.equal(res.status, 201);
    const g = res.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(g).slice(0, 6), [
      'id',
      'web_url',
      'name',
      'path',
      'description',
      'visibility',
    ]);
    assert.equal(g.full_path, path);
    assert.equal(g.full_name, 'My Group');
    assert.equal(g.web_url, `${s.url}/groups/${path}`);
    assert.equal(g.parent_id, null);
    assert.deepEqual(g.shared_with_groups, []);
    assert.equal(g.prevent_sharing_groups_outside_hierarchy, false);

    const sub = await create({ name: 'Sub', path: 'sub', parent_id: g.id, visibility: 'internal' });
    assert.equal(sub.full_path, `${path}/sub`);
    assert.equal(sub.parent_id, g.id);
    assert.equal((sub as unknown as { full_name: string }).full_name, 'My Group / Sub');

    // C52: by id or by URL-encoded full path
    const byPath = await s.request(`/groups/${encodeURIComponent(`${path}/sub`)}`);
    assert.equal(byPath.status, 200);
    assert.equal((byPath.body as Group).id, sub.id);
    assert.equal((await s.request(`/groups/${sub.id}`)).status, 200);
  });

  test('explicit nulls for settings are no change (go-gitlab sends "default_branch_protection": null)', async () => {
    const made = await s.request('/groups', {
      method: 'POST',
      body: { name: 'nulls', path: unique('nulls'), default_branch_protection: null, lfs_enabled: null },
    });
    assert.equal(made.status, 201, made.text);
    const g = made.body as { id: number; default_branch_protection: number; lfs_enabled: boolean };
    assert.deepEqual([g.default_branch_protection, g.lfs_enabled], [2, true]);
    const edited = await s.request(`/groups/${g.id}`, {
      method: 'PUT',
      body: { emails_disabled: null, description: 'd' },
    });
    assert.equal(edited.status, 200, edited.text);
    assert.equal((edited.body as { emails_disabled: boolean }).emails_disabled, false);
  });

  test('C21: bad input answers GitLab errors', async () => {
    const missing = await s.request('/groups', { method: 'POST', body: {} });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { error: 'name is missing, path is missing' });

    const badPath = await s.request('/groups', { method: 'POST', body: { name: 'x', path: 'bad path!' } });
    assert.equal(badPath.status, 400);
    assert.equal(
      (badPath.body as { message: string }).message,
      "Failed to save group {:path=>[\"can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'\"]}",
    );

    const reserved = await s.request('/groups', { method: 'POST', body: { name: 'x', path: 'admin' } });
    assert.equal(reserved.status, 400);
    assert.equal(
      (reserved.body as { message: string }).message,
      'Failed to save group {:path=>["admin is a reserved name"]}',
    );
    const logo = await s.request('/groups', {
      method: 'POST',
      body: { name: 'x', path: 'slash-command-logo.png' },
    });
    assert.equal(logo.status, 400);
    assert.equal(
      (logo.body as { message: string }).message,
      'Failed to save group {:path=>["slash-command-logo.png is a reserved name"]}',
    );

    const path = unique('dup');
    await create({ name: 'dup', path });
    const taken = await s.request('/groups', {
      method: 'POST',
      body: { name: 'dup', path: path.toUpperCase() },
    });
    assert.equal(taken.status, 400);
    assert.equal(
      (taken.body as { message: string }).message,
      'Failed to save group {:path=>["has already been taken"]}',
    );

    const vis = await s.request('/groups', {
      method: 'POST',
      body: { name: 'x', path: 'x', visibility: 'secret' },
    });
    assert.deepEqual(vis.body, { error: 'visibility does not have a valid value' });

    const priv = await create({ name: 'p', path: unique('priv'), visibility: 'private' });
    const tooOpen = await s.request('/groups', {
      method: 'POST',
      body: { name: 'c', path: 'c', parent_id: priv.id, visibility: 'public' },
    });
    assert.equal(tooOpen.status, 400);
    assert.equal(
      (tooOpen.body as { message: string }).message,
      'Failed to save group {:visibility_level=>["public is not allowed since the parent group has a private visibility."]}',
    );

    const noParent = await s.request('/groups', {
      method: 'POST',
      body: { name: 'c', path: 'c', parent_id: 999999 },
    });
    assert.equal(noParent.status, 404);
    assert.deepEqual(noParent.body, { message: '404 Group Not Found' });
  });

  test('PUT /groups/:id renames; subgroups and old paths follow; visibility rules', async () => {
    const top = await create({ name: 'Ren', path: unique('ren'), visibility: 'public' });
    const sub = await create({ name: 'Child', path: 'child', parent_id: top.id, visibility: 'public' });
    const newPath = unique('renamed');
    const res = await s.request(`/groups/${top.id}`, {
      method: 'PUT',
      body: { path: newPath, name: 'Renamed', description: 'd' },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal((res.body as Group).full_path, newPath);
    const child = (await s.request(`/groups/${sub.id}`)).body as Group & { full_name: string };
    assert.equal(child.full_path, `${newPath}/child`);
    assert.equal(child.full_name, 'Renamed / Child');
    // The old path redirects.
    assert.equal(
      ((await s.request(`/groups/${encodeURIComponent(top.full_path)}`)).body as Group).id,
      top.id,
    );

    const lower = await s.request(`/groups/${top.id}`, { method: 'PUT', body: { visibility: 'private' } });
    assert.equal(lower.status, 400);
    assert.deepEqual(lower.body, {
      message: {
        visibility_level: ['private is not allowed since there are sub-groups with higher visibility.'],
      },
    });
  });

  test('visibility: anonymous sees public only; private answers 404 to non-members; lists and x-total agree', async () => {
    const outsider = await createUser(s);
    const member = await createUser(s);
    const pub = await create({ name: 'pub', path: unique('vpub'), visibility: 'public' });
    const int = await create({ name: 'int', path: unique('vint'), visibility: 'internal' });
    const priv = await create({ name: 'priv', path: unique('vpriv'), visibility: 'private' });
    const add = await s.request(`/groups/${priv.id}/members`, {
      method: 'POST',
      body: { user_id: member.id, access_level: 10 },
    });
    const cells: Array<[string, string | null, number, number, number]> = [
      ['anonymous', null, 200, 404, 404],
      ['outsider', outsider.token, 200, 200, 404],
      ['root', s.rootToken, 200, 200, 200],
    ];
    if (add.status === 201) cells.push(['guest', member.token, 200, 200, 200]);
    for (const [who, token, ePub, eInt, ePriv] of cells) {
      assert.equal((await s.request(`/groups/${pub.id}`, { token })).status, ePub, `${who} public`);
      assert.equal((await s.request(`/groups/${int.id}`, { token })).status, eInt, `${who} internal`);
      const r = await s.request(`/groups/${priv.id}`, { token });
      assert.equal(r.status, ePriv, `${who} private`);
      if (ePriv === 404) assert.deepEqual(r.body, { message: '404 Group Not Found' });
      const list = await s.request('/groups?all_available=true&per_page=100', { token });
      const ids = (list.body as Group[]).map((g) => g.id);
      assert.equal(ids.includes(priv.id), ePriv === 200, `${who} list private`);
      assert.equal(ids.includes(int.id), eInt === 200, `${who} list internal`);
      assert.equal(Number(list.headers.get('x-total')), ids.length, `${who} x-total`);
    }
    // Non-members may not change a group they can see.
    const put = await s.request(`/groups/${pub.id}`, {
      method: 'PUT',
      body: { description: 'x' },
      token: outsider.token,
    });
    assert.equal(put.status, 403);
    assert.equal(
      (await s.request(`/groups/${priv.id}`, { method: 'DELETE', token: outsider.token })).status,
      404,
    );
  });

  test('GET /groups filters: search, owned, top_level_only, order_by, keyset on name (C44)', async () => {
    const tag = unique('flt');
    const a = await create({ name: `${tag} b`, path: `${tag}-b`, visibility: 'public' });
    const b = await create({ name: `${tag} a`, path: `${tag}-a`, visibility: 'public' });
    await create({ name: `${tag} sub`, path: 'sub', parent_id: a.id, visibility: 'public' });
    const all = (await s.request(`/groups?search=${tag}`)).body as Group[];
    assert.deepEqual(
      all.map((g) => g.name),
      [`${tag} a`, `${tag} b`, `${tag} sub`],
    );
    const top = (await s.request(`/groups?search=${tag}&top_level_only=true`)).body as Group[];
    assert.deepEqual(
      top.map((g) => g.id),
      [b.id, a.id],
    );
    const desc = (await s.request(`/groups?search=${tag}&order_by=id&sort=desc`)).body as Group[];
    assert.equal(desc[0]!.name, `${tag} sub`);
    const user = await createUser(s);
    const own = (await s.request('/groups?owned=true', { token: user.token })).body as Group[];
    assert.deepEqual(own, []);
    const mine = await create({ name: 'mine', path: unique('mine') }, user.token);
    const own2 = (await s.request('/groups?owned=true', { token: user.token })).body as Group[];
    assert.deepEqual(
      own2.map((g) => g.id),
      [mine.id],
    );
    // Signed-in default: only groups the user belongs to.
    assert.deepEqual(
      ((await s.request('/groups', { token: user.token })).body as Group[]).map((g) => g.id),
      [mine.id],
    );

    const page1 = await s.request(
      `/groups?search=${tag}&pagination=keyset&order_by=name&sort=asc&per_page=2`,
    );
    assert.equal(page1.status, 200);
    assert.equal((page1.body as Group[]).length, 2);
    const next = /<([^>]+)>; rel="next"/.exec(page1.headers.get('link') ?? '')![1]!;
    const page2 = await s.request(next.slice(s.url.length));
    assert.deepEqual(
      (page2.body as Group[]).map((g) => g.name),
      [`${tag} sub`],
    );
    assert.equal(page2.headers.get('link'), null);
    const bad = await s.request('/groups?pagination=keyset&order_by=id');
    assert.equal(bad.status, 405);
  });

  test('subgroups and descendant_groups', async () => {
    const top = await create({ name: 't', path: unique('tree'), visibility: 'public' });
    const c1 = await create({ name: 'c1', path: 'c1', parent_id: top.id, visibility: 'public' });
    const c2 = await create({ name: 'c2', path: 'c2', parent_id: top.id, visibility: 'private' });
    const gc = await create({ name: 'gc', path: 'gc', parent_id: c1.id, visibility: 'public' });
    const subs = (await s.request(`/groups/${top.id}/subgroups`)).body as Group[];
    assert.deepEqual(
      subs.map((g) => g.id),
      [c1.id, c2.id],
    );
    const desc = (await s.request(`/groups/${top.id}/descendant_groups`)).body as Group[];
    assert.deepEqual(desc.map((g) => g.id).sort(), [c1.id, c2.id, gc.id].sort());
    const anon = (
      await s.request(`/groups/${encodeURIComponent(top.full_path)}/descendant_groups`, { token: null })
    ).body as Group[];
    assert.deepEqual(anon.map((g) => g.id).sort(), [c1.id, gc.id].sort());
  });

  test('C20: DELETE /groups/:id answers 202 and removes the group, its subgroups and their projects (repositories too) in the background', async () => {
    const g = await create({ name: 'del', path: unique('del') });
    const child = await create({ name: 'child', path: 'child', parent_id: g.id });
    const made = await s.request('/projects', {
      method: 'POST',
      body: { name: 'inside', namespace_id: child.id, initialize_with_readme: true },
    });
    assert.equal(made.status, 201);
    const projectId = (made.body as { id: number }).id;
    const repo = s.server.deps.git.projectRepo(projectId);
    assert.equal(fs.existsSync(repo), true, 'the project has a repository on disk');
    const res = await s.request(`/groups/${g.id}`, { method: 'DELETE' });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { message: '202 Accepted' });
    // The job runs in the background: wait for its last step (the rows), at most 5 s.
    for (let i = 0; i < 100 && (await s.request(`/projects/${projectId}`)).status !== 404; i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal((await s.request(`/groups/${g.id}`)).status, 404, 'group still exists');
    assert.equal((await s.request(`/groups/${child.id}`)).status, 404);
    assert.equal((await s.request(`/projects/${projectId}`)).status, 404);
    // The subgroup's project goes with its repository, as deleting the project alone does.
    assert.equal(fs.existsSync(repo), false, 'repository left on disk');
  });

  test('gitbeaker: create group → subgroup → show → edit → list subgroups', async () => {
    const api = s.gitlab();
    const path = unique('gb');
    const g = await api.Groups.create('Beaker', path, { visibility: 'private' });
    assert.equal(g.path, path);
    const sub = await api.Groups.create('Sub', 'sub', { parentId: g.id as number });
    assert.equal(sub.full_path, `${path}/sub`);
    const shown = await api.Groups.show(`${path}/sub`);
    assert.equal(shown.id, sub.id);
    const edited = await api.Groups.edit(g.id as number, { description: 'hello' });
    assert.equal(edited.description, 'hello');
    const subs = await api.Groups.allSubgroups(g.id as number);
    assert.deepEqual(
      subs.map((x) => x.id),
      [sub.id],
    );
  });
});
