import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CreatedUser, createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';

type Project = {
  id: number;
  name: string;
  path: string;
  path_with_namespace: string;
  visibility: string;
  namespace: { id: number; kind: string; full_path: string };
  permissions?: {
    project_access: { access_level: number } | null;
    group_access: { access_level: number } | null;
  };
  [k: string]: unknown;
};

describe('projects', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  const post = async (path: string, body: Record<string, unknown>, token?: string | null) => {
    const res = await s.request(path, { method: 'POST', body, token });
    assert.equal(res.status, 201, `${path}: ${res.text}`);
    return res.body as Project;
  };

  test("C20: POST /projects in the caller's namespace answers the Project entity", async () => {
    const user = await createUser(s);
    const res = await s.request('/projects', {
      method: 'POST',
      token: user.token,
      body: { name: 'My Project', description: 'd', topics: 'b,a', visibility: 'internal' },
    });
    assert.equal(res.status, 201, res.text);
    const p = res.body as Project;
    assert.deepEqual(Object.keys(p).slice(0, 7), [
      'id',
      'description',
      'name',
      'name_with_namespace',
      'path',
      'path_with_namespace',
      'created_at',
    ]);
    assert.equal(p.path, 'my-project');
    assert.equal(p.path_with_namespace, `${user.username}/my-project`);
    assert.equal(p.name_with_namespace, `User ${user.username} / My Project`);
    assert.deepEqual(p.topics, ['a', 'b']);
    assert.deepEqual(p.tag_list, ['a', 'b']);
    assert.equal(p.visibility, 'internal');
    assert.equal(p.web_url, `${s.url}/${user.username}/my-project`);
    assert.equal(p.http_url_to_repo, `${s.url}/${user.username}/my-project.git`);
    assert.equal(p.namespace.kind, 'user');
    assert.equal((p.owner as { id: number }).id, user.id);
    assert.equal((p._links as { self: string }).self, `${s.url}/api/v4/projects/${p.id}`);
    assert.equal(p.creator_id, user.id);
    assert.equal(p.issues_access_level, 'enabled');
    assert.equal(p.merge_method, 'merge');
    assert.equal(p.permissions, undefined);

    const shown = (await s.request(`/projects/${p.id}`, { token: user.token })).body as Project;
    assert.deepEqual(shown.permissions, {
      project_access: { access_level: 50, notification_level: 3 },
      group_access: null,
    });
  });

  test('C52: a group project is addressed as group%2Fsub%2Fproject', async () => {
    const g = await post('/groups', { name: 'g', path: unique('pg'), visibility: 'public' });
    const sub = await post('/groups', { name: 'sub', path: 'sub', parent_id: g.id, visibility: 'public' });
    const p = await post('/projects', { path: 'proj', namespace_id: sub.id, visibility: 'public' });
    assert.equal(p.name, 'proj');
    assert.equal(p.namespace.kind, 'group');
    assert.equal(p.owner, undefined);
    const full = `${g.path}/sub/proj`;
    const res = await s.request(`/projects/${encodeURIComponent(full)}`, { token: null });
    assert.equal(res.status, 200);
    assert.equal((res.body as Project).id, p.id);
    // Group projects list, with and without subgroups
    const detail = (await s.request(`/groups/${sub.id}`)).body as {
      projects: Project[];
      shared_projects: Project[];
    };
    assert.deepEqual(
      detail.projects.map((x) => x.id),
      [p.id],
    );
    assert.deepEqual(detail.shared_projects, []);
    const bare = (await s.request(`/groups/${sub.id}?with_projects=false`)).body as Record<string, unknown>;
    assert.equal('projects' in bare, false);
    const direct = (await s.request(`/groups/${g.id}/projects`)).body as Project[];
    assert.deepEqual(direct, []);
    const deep = (await s.request(`/groups/${g.id}/projects?include_subgroups=true`)).body as Project[];
    assert.deepEqual(
      deep.map((x) => x.id),
      [p.id],
    );
    // namespace by full path works as namespace_id
    const p2 = await post('/projects', { name: 'two', namespace_id: `${g.path}/sub` });
    assert.equal(p2.path_with_namespace, `${g.path}/sub/two`);
  });

  test('C21: bad input answers GitLab errors', async () => {
    const none = await s.request('/projects', { method: 'POST', body: {} });
    assert.equal(none.status, 400);
    assert.deepEqual(none.body, { error: 'name, path are missing, at least one parameter must be provided' });

    const badPath = await s.request('/projects', { method: 'POST', body: { name: 'x', path: '-bad' } });
    assert.equal(badPath.status, 400);
    assert.deepEqual(badPath.body, {
      message: {
        path: [
          "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'",
        ],
      },
    });
    const badName = await s.request('/projects', { method: 'POST', body: { name: '!nope' } });
    assert.equal(badName.status, 400);
    assert.deepEqual(badName.body, {
      message: {
        name: [
          "can contain only letters, digits, emoji, '_', '.', '+', dashes, or spaces. It must start with a letter, digit, emoji, or '_'.",
        ],
      },
    });

    const reserved = await s.request('/projects', { method: 'POST', body: { name: 'x', path: 'blob' } });
    assert.deepEqual(reserved.body, { message: { path: ['blob is a reserved name'] } });

    const path = unique('taken');
    await post('/projects', { path });
    const taken = await s.request('/projects', { method: 'POST', body: { path } });
    assert.equal(taken.status, 400);
    assert.deepEqual(taken.body, {
      message: { name: ['has already been taken'], path: ['has already been taken'] },
    });

    const noNs = await s.request('/projects', { method: 'POST', body: { name: 'x', namespace_id: 999999 } });
    assert.equal(noNs.status, 400);
    assert.deepEqual(noNs.body, { message: { namespace: ['is not valid'] } });

    const priv = await post('/groups', { name: 'priv', path: unique('privg'), visibility: 'private' });
    const tooOpen = await s.request('/projects', {
      method: 'POST',
      body: { name: 'x', namespace_id: priv.id, visibility: 'public' },
    });
    assert.deepEqual(tooOpen.body, {
      message: { visibility_level: ['public is not allowed in a private group.'] },
    });

    const vis = await s.request('/projects', { method: 'POST', body: { name: 'x', visibility: 'open' } });
    assert.deepEqual(vis.body, { error: 'visibility does not have a valid value' });
  });

  test('authorization matrix: role × visibility (C22: hidden is 404; lists and x-total agree)', async () => {
    const g = await post('/groups', { name: 'm', path: unique('matrix'), visibility: 'public' });
    const projects = {
      public: await post('/projects', { name: 'pub', namespace_id: g.id, visibility: 'public' }),
      internal: await post('/projects', { name: 'int', namespace_id: g.id, visibility: 'internal' }),
      private: await post('/projects', { name: 'priv', namespace_id: g.id, visibility: 'private' }),
    };
    const users: Record<string, CreatedUser | null | 'root'> = {
      anonymous: null,
      'non-member': await createUser(s),
      admin: 'root',
    };
    const roles = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;
    for (const [role, level] of Object.entries(roles)) {
      const u = await createUser(s);
      users[role] = u;
      const add = await s.request(`/groups/${g.id}/members`, {
        method: 'POST',
        body: { user_id: u.id, access_level: level },
      });
      assert.equal(add.status, 201, add.text);
    }
    const tokenOf = (u: CreatedUser | null | 'root') => (u === 'root' ? s.rootToken : (u?.token ?? null));
    // Expected: GET status, PUT (admin_project) status, DELETE status.
    const expectRead = (who: string, vis: string) =>
      vis === 'public' ||
      (vis === 'internal' && who !== 'anonymous') ||
      !['anonymous', 'non-member'].includes(who);
    const canAdmin = (who: string) => ['maintainer', 'owner', 'admin'].includes(who);
    const canRemove = (who: string) => ['owner', 'admin'].includes(who);
    for (const [who, u] of Object.entries(users)) {
      const token = tokenOf(u);
      for (const [vis, project] of Object.entries(projects)) {
        const get = await s.request(`/projects/${project.id}`, { token });
        const readable = expectRead(who, vis);
        assert.equal(get.status, readable ? 200 : 404, `${who} GET ${vis}`);
        if (!readable) assert.deepEqual(get.body, { message: '404 Project Not Found' });
        const put = await s.request(`/projects/${project.id}`, {
          method: 'PUT',
          token,
          body: { description: who },
        });
        const putStatus = !readable ? (token ? 404 : 401) : !token ? 401 : canAdmin(who) ? 200 : 403;
        assert.equal(put.status, putStatus, `${who} PUT ${vis}`);
        const archive = await s.request(`/projects/${project.id}/archive`, { method: 'POST', token });
        assert.equal(
          archive.status,
          !token ? 401 : !readable ? 404 : canRemove(who) ? 201 : 403,
          `${who} archive ${vis}`,
        );
        if (archive.status === 201)
          await s.request(`/projects/${project.id}/unarchive`, { method: 'POST', token });
        const members = await s.request(`/projects/${project.id}/members/all`, { token });
        assert.equal(members.status, readable ? 200 : 404, `${who} members ${vis}`);
      }
      const list = await s.request(`/groups/${g.id}/projects?per_page=100`, { token });
      const ids = (list.body as Project[]).map((p) => p.id).sort();
      const expected = Object.entries(projects)
        .filter(([vis]) => expectRead(who, vis))
        .map(([, p]) => p.id)
        .sort();
      assert.deepEqual(ids, expected, `${who} list`);
      assert.equal(list.headers.get('x-total'), String(expected.length), `${who} x-total`);
      const search = await s.request(`/projects?search=${g.path}&search_namespaces=true`, { token });
      assert.equal((search.body as Project[]).length, expected.length, `${who} /projects`);
      if (who === 'developer') {
        const shown = (await s.request(`/projects/${projects.private.id}`, { token })).body as Project;
        assert.deepEqual(shown.permissions, {
          project_access: null,
          group_access: { access_level: 30, notification_level: 3 },
        });
        assert.equal(shown.can_create_merge_request_in, true);
      }
    }
  });

  test('share with group grants access; group share grants access down the tree', async () => {
    const owner = await post('/groups', { name: 'o', path: unique('owner'), visibility: 'private' });
    const other = await post('/groups', { name: 'x', path: unique('other'), visibility: 'private' });
    const project = await post('/projects', { name: 'shared', namespace_id: owner.id });
    const u = await createUser(s);
    await post(`/groups/${other.id}/members`, { user_id: u.id, access_level: 40 });
    assert.equal((await s.request(`/projects/${project.id}`, { token: u.token })).status, 404);
    const share = await s.request(`/projects/${project.id}/share`, {
      method: 'POST',
      body: { group_id: other.id, group_access: 20 },
    });
    assert.equal(share.status, 201, share.text);
    const shown = await s.request(`/projects/${project.id}`, { token: u.token });
    assert.equal(shown.status, 200);
    assert.deepEqual((shown.body as Project).shared_with_groups, [
      {
        group_id: other.id,
        group_name: 'x',
        group_full_path: other.path,
        group_access_level: 20,
        expires_at: null,
      },
    ]);
    // Reporter via the share (capped at 20) cannot edit.
    assert.equal(
      (
        await s.request(`/projects/${project.id}`, {
          method: 'PUT',
          token: u.token,
          body: { description: 'n' },
        })
      ).status,
      403,
    );
    const again = await s.request(`/projects/${project.id}/share`, {
      method: 'POST',
      body: { group_id: other.id, group_access: 20 },
    });
    assert.equal(again.status, 409);
    assert.equal(
      (await s.request(`/projects/${project.id}/share/${other.id}`, { method: 'DELETE' })).status,
      204,
    );
    assert.equal((await s.request(`/projects/${project.id}`, { token: u.token })).status, 404);

    const sub = await post('/groups', { name: 's', path: 's', parent_id: owner.id });
    const deep = await post('/projects', { name: 'deep', namespace_id: sub.id });
    const gshare = await s.request(`/groups/${owner.id}/share`, {
      method: 'POST',
      body: { group_id: other.id, group_access: 30 },
    });
    assert.equal(gshare.status, 201, gshare.text);
    const d = await s.request(`/projects/${deep.id}`, { token: u.token });
    assert.equal(d.status, 200);
    assert.equal((await s.request(`/groups/${sub.id}`, { token: u.token })).status, 200);
  });

  test('list filters, ordering, keyset (C44) and the offset cap (C43)', async () => {
    const user = await createUser(s);
    const tag = unique('lf');
    const a = await post(
      '/projects',
      { name: `${tag}-a`, topics: ['x', 'y'], visibility: 'public' },
      user.token,
    );
    const b = await post('/projects', { name: `${tag}-b`, topics: ['x'], visibility: 'public' }, user.token);
    const c = await post('/projects', { name: `${tag}-c`, visibility: 'private' }, user.token);
    const mine = (await s.request(`/projects?owned=true&search=${tag}`, { token: user.token }))
      .body as Project[];
    assert.deepEqual(
      mine.map((p) => p.id),
      [c.id, b.id, a.id],
    );
    const byName = (await s.request(`/projects?search=${tag}&order_by=name&sort=asc`, { token: user.token }))
      .body as Project[];
    assert.deepEqual(
      byName.map((p) => p.name),
      [`${tag}-a`, `${tag}-b`, `${tag}-c`],
    );
    const topic = (await s.request(`/projects?topic=x,y&search=${tag}`)).body as Project[];
    assert.deepEqual(
      topic.map((p) => p.id),
      [a.id],
    );
    const simple = (await s.request(`/projects?search=${tag}&simple=true`, { token: user.token }))
      .body as Project[];
    assert.equal(simple[0]!.permissions, undefined);
    assert.equal(simple[0]!._links, undefined);
    const anon = (await s.request(`/projects?search=${tag}`, { token: null })).body as Project[];
    assert.deepEqual(
      anon.map((p) => p.id),
      [b.id, a.id],
    );
    const users = (await s.request(`/users/${user.id}/projects`, { token: null })).body as Project[];
    assert.deepEqual(
      users.map((p) => p.id),
      [b.id, a.id],
    );
    const after = (
      await s.request(`/projects?search=${tag}&id_after=${a.id}&order_by=id&sort=asc`, { token: user.token })
    ).body as Project[];
    assert.deepEqual(
      after.map((p) => p.id),
      [b.id, c.id],
    );
    await s.request(`/projects/${a.id}/star`, { method: 'POST', token: user.token });
    const starred = (await s.request('/projects?starred=true', { token: user.token })).body as Project[];
    assert.deepEqual(
      starred.map((p) => p.id),
      [a.id],
    );
    assert.equal(starred[0]!.star_count, 1);
    const archivedList = (await s.request(`/projects?search=${tag}&archived=true`, { token: user.token }))
      .body as Project[];
    assert.deepEqual(archivedList, []);

    const k1 = await s.request(`/projects?search=${tag}&pagination=keyset&order_by=id&sort=asc&per_page=2`, {
      token: user.token,
    });
    assert.deepEqual(
      (k1.body as Project[]).map((p) => p.id),
      [a.id, b.id],
    );
    const next = /<([^>]+)>; rel="next"/.exec(k1.headers.get('link') ?? '')![1]!;
    const k2 = await s.request(next.slice(s.url.length), { token: user.token });
    assert.deepEqual(
      (k2.body as Project[]).map((p) => p.id),
      [c.id],
    );
    assert.equal(k2.headers.get('link'), null);
    const badKeyset = await s.request('/projects?pagination=keyset&order_by=name');
    assert.equal(badKeyset.status, 405);
    const cap = await s.request('/projects?page=5000&per_page=100');
    assert.equal(cap.status, 405);
    assert.match((cap.body as { error: string }).error, /maximum allowed offset of 50000 .* type Project/);
  });

  test('star/unstar, archive, fork (+forks), transfer, rename redirect, delete (202)', async () => {
    const user = await createUser(s);
    const p = await post('/projects', { name: 'life', visibility: 'public' }, user.token);
    const star = await s.request(`/projects/${p.id}/star`, { method: 'POST', token: user.token });
    assert.equal(star.status, 201);
    assert.equal((star.body as Project).star_count, 1);
    assert.equal(
      (await s.request(`/projects/${p.id}/star`, { method: 'POST', token: user.token })).status,
      304,
    );
    assert.equal(
      (await s.request(`/projects/${p.id}/unstar`, { method: 'POST', token: user.token })).status,
      201,
    );
    assert.equal(
      (await s.request(`/projects/${p.id}/unstar`, { method: 'POST', token: user.token })).status,
      304,
    );

    const archived = await s.request(`/projects/${p.id}/archive`, { method: 'POST', token: user.token });
    assert.equal((archived.body as Project).archived, true);
    await s.request(`/projects/${p.id}/unarchive`, { method: 'POST', token: user.token });

    const forker = await createUser(s);
    const fork = await s.request(`/projects/${p.id}/fork`, { method: 'POST', token: forker.token });
    assert.equal(fork.status, 201, fork.text);
    const f = fork.body as Project;
    assert.equal(f.path_with_namespace, `${forker.username}/life`);
    assert.equal((f.forked_from_project as { id: number }).id, p.id);
    const forks = (await s.request(`/projects/${p.id}/forks`)).body as Project[];
    assert.deepEqual(
      forks.map((x) => x.id),
      [f.id],
    );
    assert.equal(((await s.request(`/projects/${p.id}`)).body as Project).forks_count, 1);
    const again = await s.request(`/projects/${p.id}/fork`, { method: 'POST', token: forker.token });
    assert.equal(again.status, 409);

    const g = await post('/groups', { name: 'dest', path: unique('dest'), visibility: 'public' }, user.token);
    const moved = await s.request(`/projects/${p.id}/transfer`, {
      method: 'PUT',
      token: user.token,
      body: { namespace: g.id },
    });
    assert.equal(moved.status, 200, moved.text);
    assert.equal((moved.body as Project).path_with_namespace, `${g.path}/life`);
    // The old path still finds it (C27: fetch follows the 301, see moved.test.ts).
    const old = await s.request(`/projects/${encodeURIComponent(`${user.username}/life`)}`);
    assert.equal((old.body as Project).id, p.id);

    const renamed = await s.request(`/projects/${p.id}`, {
      method: 'PUT',
      token: user.token,
      body: { path: 'life2', name: 'Life 2' },
    });
    assert.equal((renamed.body as Project).path_with_namespace, `${g.path}/life2`);

    const del = await s.request(`/projects/${p.id}`, { method: 'DELETE', token: user.token });
    assert.equal(del.status, 202);
    assert.deepEqual(del.body, { message: '202 Accepted' });
    assert.equal((await s.request(`/projects/${p.id}`)).status, 404);
  });

  test('gitbeaker: group → subgroup → project → member → edit → list', async () => {
    const api = s.gitlab();
    const dev = await createUser(s);
    const path = unique('gbp');
    const g = await api.Groups.create('Beaker', path);
    const sub = await api.Groups.create('Sub', 'sub', { parentId: g.id as number });
    const project = await api.Projects.create({
      name: 'Demo',
      namespaceId: sub.id as number,
      description: 'hi',
    });
    assert.equal(project.path_with_namespace, `${path}/sub/demo`);
    const member = await api.ProjectMembers.add(project.id as number, 30, { userId: dev.id });
    assert.equal(member.access_level, 30);
    const shown = await s.gitlab(dev.token).Projects.show(`${path}/sub/demo`);
    assert.equal(shown.id, project.id);
    const edited = await api.Projects.edit(project.id as number, { description: 'changed', topics: ['t1'] });
    assert.equal(edited.description, 'changed');
    assert.deepEqual(edited.topics, ['t1']);
    const mine = await s.gitlab(dev.token).Projects.all({ membership: true });
    assert.deepEqual(
      mine.map((x) => x.id),
      [project.id],
    );
    const groupProjects = await api.Groups.allProjects(g.id as number, { includeSubgroups: true });
    assert.deepEqual(
      groupProjects.map((x) => x.id),
      [project.id],
    );
    const all = await api.ProjectMembers.all(project.id as number, { includeInherited: true });
    assert.deepEqual(all.map((m) => m.username).sort(), ['root', dev.username].sort());
  });
});
