import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { eventually } from '../git_http/test_helpers.js';

/** Issue #4's end-to-end path through gitbeaker, as a client drives it. */
describe('gitbeaker end to end: group → subgroup → project → member → fork → transfer → delete', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('every step answers as GitLab; a refused cycle and a refused bad member write nothing', async () => {
    const api = s.gitlab();
    const dev = await createUser(s);
    const root = unique('e2e');
    const group = await api.Groups.create('E2E', root);
    const sub = await api.Groups.create('Team', 'team', { parentId: group.id as number });
    assert.equal(sub.full_path, `${root}/team`);
    const other = await api.Groups.create('Elsewhere', unique('else'));

    const project = await api.Projects.create({
      name: 'App',
      namespaceId: sub.id as number,
      initializeWithReadme: true,
    });
    assert.equal(project.path_with_namespace, `${root}/team/app`);

    const member = await api.ProjectMembers.add(project.id as number, 30, { userId: dev.id });
    assert.equal(member.access_level, 30);
    await assert.rejects(
      api.ProjectMembers.add(project.id as number, 30, { userId: dev.id }),
      /Member already exists/,
    );
    await assert.rejects(
      api.ProjectMembers.add(project.id as number, 60 as 50, { userId: dev.id }),
      /access_level does not have a valid value/,
    );
    assert.equal((await api.ProjectMembers.show(project.id as number, dev.id)).access_level, 30);

    // The developer forks into their own namespace.
    const devApi = s.gitlab(dev.token);
    const fork = await devApi.Projects.fork(project.id as number);
    assert.equal(fork.path_with_namespace, `${dev.username}/app`);
    assert.equal((fork.forked_from_project as { id: number }).id, project.id);
    const forks = await api.Projects.allForks(project.id as number);
    assert.deepEqual(
      forks.map((f) => f.id),
      [fork.id],
    );

    // Transfer the project to another group; the old path still finds it.
    const moved = await api.Projects.transfer(project.id as number, other.id as number);
    assert.equal(moved.path_with_namespace, `${other.path}/app`);
    assert.equal((await api.Projects.show(`${root}/team/app`)).id, project.id);

    // A cycle is refused and nothing moves.
    await assert.rejects(
      api.Groups.transfer(group.id as number, { groupId: sub.id as number }),
      /Transfer failed: Cannot transfer group to one of its subgroup\./,
    );
    assert.equal((await api.Groups.show(sub.id as number)).full_path, `${root}/team`);
    assert.equal((await api.Groups.show(group.id as number)).parent_id, null);

    // Delete: 202 and gone in the background (the project, then the group with its subgroup).
    await api.Projects.remove(project.id as number);
    await eventually(async () => (await s.request(`/projects/${project.id}`)).status === 404);
    await api.Groups.remove(group.id as number);
    await eventually(async () => (await s.request(`/groups/${sub.id}`)).status === 404);
    assert.equal((await s.request(`/groups/${group.id}`)).status, 404);
    // The fork lives on, detached from nothing it needs.
    assert.equal((await devApi.Projects.show(fork.id as number)).id, fork.id);
  });
});
