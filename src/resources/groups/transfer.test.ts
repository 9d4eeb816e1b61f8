import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';

interface Group {
  id: number;
  path: string;
  full_path: string;
  full_name: string;
  parent_id: number | null;
  visibility: string;
}

describe('group transfer', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  const post = async (path: string, body: Record<string, unknown>, token: string) => {
    const res = await s.request(path, { method: 'POST', token, body });
    assert.equal(res.status, 201, `${path}: ${res.text}`);
    return res.body as Group & { path_with_namespace: string };
  };

  test('moves a subtree under another group, rewrites paths, caps visibility, keeps redirects', async () => {
    const owner = await createUser(s);
    const a = await post('/groups', { name: 'A', path: unique('a'), visibility: 'public' }, owner.token);
    const b = await post('/groups', { name: 'B', path: unique('b'), visibility: 'internal' }, owner.token);
    const sub = await post(
      '/groups',
      { name: 'Sub', path: 'sub', parent_id: a.id, visibility: 'public' },
      owner.token,
    );
    const deep = await post(
      '/groups',
      { name: 'Deep', path: 'deep', parent_id: sub.id, visibility: 'public' },
      owner.token,
    );
    const project = await post(
      '/projects',
      { name: 'proj', namespace_id: deep.id, visibility: 'public' },
      owner.token,
    );

    const res = await s.request(`/groups/${sub.id}/transfer`, {
      method: 'POST',
      token: owner.token,
      body: { group_id: b.id },
    });
    assert.equal(res.status, 201, res.text);
    const moved = res.body as Group;
    assert.equal(moved.parent_id, b.id);
    assert.equal(moved.full_path, `${b.path}/sub`);
    assert.equal(moved.full_name, 'B / Sub');
    assert.equal(moved.visibility, 'internal', 'capped at the new parent');

    const d = (await s.request(`/groups/${deep.id}`, { token: owner.token })).body as Group;
    assert.equal(d.full_path, `${b.path}/sub/deep`);
    assert.equal(d.visibility, 'internal');
    const p = (await s.request(`/projects/${project.id}`, { token: owner.token })).body as {
      path_with_namespace: string;
      visibility: string;
    };
    assert.equal(p.path_with_namespace, `${b.path}/sub/deep/proj`);
    assert.equal(p.visibility, 'internal');

    // The hierarchy follows: B lists Sub and Deep as descendants, A none.
    const underB = (await s.request(`/groups/${b.id}/descendant_groups`, { token: owner.token }))
      .body as Group[];
    assert.deepEqual(underB.map((g) => g.id).sort(), [sub.id, deep.id].sort());
    assert.deepEqual((await s.request(`/groups/${a.id}/descendant_groups`, { token: owner.token })).body, []);
    const included = (
      await s.request(`/groups/${b.id}/projects?include_subgroups=true`, { token: owner.token })
    ).body as Array<{ id: number }>;
    assert.deepEqual(
      included.map((x) => x.id),
      [project.id],
    );
    // The old paths still lead there (projects by redirect, C27).
    const old = await s.request(`/groups/${encodeURIComponent(`${a.path}/sub/deep`)}`, {
      token: owner.token,
    });
    assert.equal((old.body as Group).id, deep.id);
    const oldProject = await s.request(`/projects/${encodeURIComponent(`${a.path}/sub/deep/proj`)}`, {
      token: owner.token,
    });
    assert.equal((oldProject.body as { id: number }).id, project.id);

    // To top level (no group_id): parent_id null, path is its own.
    const top = await s.request(`/groups/${deep.id}/transfer`, { method: 'POST', token: owner.token });
    assert.equal(top.status, 201, top.text);
    assert.equal((top.body as Group).parent_id, null);
    assert.equal((top.body as Group).full_path, 'deep');
    assert.deepEqual(
      ((await s.request(`/groups/${b.id}/descendant_groups`, { token: owner.token })).body as Group[]).map(
        (g) => g.id,
      ),
      [sub.id],
    );
  });

  test('refusals: cycles, already root, same parent, same path, permissions, hidden parent', async () => {
    const owner = await createUser(s);
    const other = await createUser(s);
    const root = await post('/groups', { name: 'R', path: unique('r') }, owner.token);
    const child = await post('/groups', { name: 'C', path: 'c', parent_id: root.id }, owner.token);
    const grandchild = await post('/groups', { name: 'G', path: 'g', parent_id: child.id }, owner.token);
    const elsewhere = await post('/groups', { name: 'E', path: unique('e') }, owner.token);
    await post('/groups', { name: 'C', path: 'c', parent_id: elsewhere.id }, owner.token);
    const foreign = await post('/groups', { name: 'F', path: unique('f') }, other.token);

    const transfer = (id: number, body: Record<string, unknown> = {}, token = owner.token) =>
      s.request(`/groups/${id}/transfer`, { method: 'POST', token, body });
    const failed = (message: string) => ({ message: `Transfer failed: ${message}` });

    let res = await transfer(root.id, { group_id: grandchild.id });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, failed('Cannot transfer group to one of its subgroup.'));
    assert.deepEqual(
      (await transfer(root.id, { group_id: root.id })).body,
      failed('Cannot transfer group to one of its subgroup.'),
    );
    assert.deepEqual((await transfer(root.id)).body, failed('Group is already a root group.'));
    assert.deepEqual(
      (await transfer(grandchild.id, { group_id: child.id })).body,
      failed('Group is already associated to the parent group.'),
    );
    assert.deepEqual(
      (await transfer(child.id, { group_id: elsewhere.id })).body,
      failed('The parent group already has a subgroup or a project with the same path.'),
    );
    // Not an owner of the group: 403; a parent they cannot see: 404; one they cannot create in: 400.
    res = await transfer(child.id, { group_id: foreign.id }, other.token);
    assert.equal(res.status, 404);
    assert.deepEqual((await transfer(child.id, { group_id: 999999 })).body, {
      message: '404 Group Not Found',
    });
    const visible = await post(
      '/groups',
      { name: 'V', path: unique('v'), visibility: 'public' },
      other.token,
    );
    assert.deepEqual(
      (await transfer(grandchild.id, { group_id: visible.id })).body,
      failed("You don't have enough permissions."),
    );
    res = await transfer(foreign.id, { group_id: root.id });
    assert.equal(res.status, 404);
    assert.deepEqual((await transfer(root.id, { group_id: 'x' })).body, { error: 'group_id is invalid' });

    // Nothing moved.
    const g = (await s.request(`/groups/${grandchild.id}`, { token: owner.token })).body as Group;
    assert.equal(g.full_path, `${root.path}/c/g`);

    // gitbeaker: Groups.transfer
    const moved = (await s
      .gitlab(owner.token)
      .Groups.transfer(grandchild.id, { groupId: elsewhere.id })) as unknown as Group;
    assert.equal(moved.full_path, `${elsewhere.path}/g`);
  });
});
