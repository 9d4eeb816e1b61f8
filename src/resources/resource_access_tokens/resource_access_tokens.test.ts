import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';

interface ResourceToken {
  id: number;
  name: string;
  revoked: boolean;
  scopes: string[];
  user_id: number;
  active: boolean;
  expires_at: string | null;
  access_level: number;
  resource_type: string;
  resource_id: number;
  token?: string;
}

describe('project and group access tokens (C13)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  const json = async (path: string, init: Parameters<TestServer['request']>[1], status: number) => {
    const res = await s.request(path, init);
    assert.equal(res.status, status, `${path}: ${res.text}`);
    return res.body;
  };

  test('project: create → bot member acting with that role → list/get → rotate → revoke', async () => {
    const owner = await createUser(s);
    const project = (await json(
      '/projects',
      { method: 'POST', token: owner.token, body: { name: 'tokens', visibility: 'private' } },
      201,
    )) as { id: number; path_with_namespace: string };
    const base = `/projects/${project.id}/access_tokens`;

    const t = (await json(
      base,
      {
        method: 'POST',
        token: owner.token,
        body: {
          name: 'ci bot',
          scopes: ['api', 'read_repository'],
          access_level: 30,
          expires_at: '2030-01-01',
        },
      },
      400,
    )) as { message: string };
    assert.match(t.message, /^400 Bad request - Expires at must be before \d{4}-\d\d-\d\d$/);

    const created = (await json(
      base,
      {
        method: 'POST',
        token: owner.token,
        body: { name: 'ci bot', scopes: 'api,read_repository', access_level: 30 },
      },
      201,
    )) as ResourceToken;
    assert.deepEqual(Object.keys(created), [
      'id',
      'name',
      'revoked',
      'created_at',
      'description',
      'scopes',
      'user_id',
      'last_used_at',
      'active',
      'expires_at',
      'last_used_ips',
      'access_level',
      'resource_type',
      'resource_id',
      'token',
    ]);
    assert.equal(created.access_level, 30);
    assert.equal(created.resource_type, 'project');
    assert.equal(created.resource_id, project.id);
    assert.deepEqual(created.scopes, ['api', 'read_repository']);
    assert.ok(created.expires_at, 'expiry defaults to the maximum lifetime');

    // The token acts as a project_bot user that is a Developer of the project.
    const me = (await json('/user', { token: created.token }, 200)) as {
      id: number;
      username: string;
      bot: boolean;
      email?: string;
    };
    assert.equal(me.id, created.user_id);
    assert.match(me.username, new RegExp(`^project_${project.id}_bot_[0-9a-f]{32}$`));
    assert.equal(me.bot, true);
    const botUser = (await json(`/users/${me.id}`, {}, 200)) as { email: string; name: string };
    assert.equal(botUser.email, `${me.username}@noreply.127.0.0.1`);
    assert.equal(botUser.name, 'ci bot');
    const seen = (await json(`/projects/${project.id}`, { token: created.token }, 200)) as {
      permissions: { project_access: { access_level: number } };
    };
    assert.equal(seen.permissions.project_access.access_level, 30);
    const members = (await json(`/projects/${project.id}/members`, {}, 200)) as Array<{
      id: number;
      access_level: number;
    }>;
    assert.deepEqual(
      members.find((m) => m.id === me.id),
      { ...members.find((m) => m.id === me.id), access_level: 30 },
    );
    // A Developer cannot administer the project, and a bot cannot mint tokens.
    assert.equal(
      (
        await s.request(`/projects/${project.id}`, {
          method: 'PUT',
          token: created.token,
          body: { description: 'x' },
        })
      ).status,
      403,
    );

    const list = (await json(base, { token: owner.token }, 200)) as ResourceToken[];
    assert.deepEqual(
      list.map((x) => [x.id, x.access_level, 'token' in x]),
      [[created.id, 30, false]],
    );
    const one = (await json(`${base}/${created.id}`, { token: owner.token }, 200)) as ResourceToken;
    assert.equal(one.name, 'ci bot');
    const missing = await s.request(`${base}/999999`, { token: owner.token });
    assert.deepEqual(
      [missing.status, missing.body],
      [404, { message: '404 project Access Token Not Found' }],
    );
    // The owner's own personal token is not one of the project's.
    const ownTokens = (await json(`/personal_access_tokens?user_id=${owner.id}`, {}, 200)) as Array<{
      id: number;
    }>;
    assert.equal((await s.request(`${base}/${ownTokens[0]!.id}`, { token: owner.token })).status, 404);

    const rotated = (await json(
      `${base}/${created.id}/rotate`,
      { method: 'POST', token: owner.token },
      200,
    )) as ResourceToken;
    assert.notEqual(rotated.id, created.id);
    assert.notEqual(rotated.token, created.token);
    assert.equal(rotated.user_id, created.user_id);
    assert.equal(rotated.access_level, 30);
    assert.equal((await s.request('/user', { token: created.token })).status, 401);
    assert.equal((await s.request('/user', { token: rotated.token })).status, 200);

    assert.equal(
      (await s.request(`${base}/${rotated.id}`, { method: 'DELETE', token: owner.token })).status,
      204,
    );
    assert.equal((await s.request('/user', { token: rotated.token })).status, 401);
    const inactive = (await json(`${base}?state=inactive`, { token: owner.token }, 200)) as ResourceToken[];
    assert.deepEqual(inactive.map((x) => x.id).sort(), [created.id, rotated.id].sort());
    assert.deepEqual(await json(`${base}?state=active`, { token: owner.token }, 200), []);
  });

  test('project: only Maintainer+ manage tokens, never above their own level; bad input', async () => {
    const owner = await createUser(s);
    const dev = await createUser(s);
    const maintainer = await createUser(s);
    const outsider = await createUser(s);
    const project = (await json(
      '/projects',
      { method: 'POST', token: owner.token, body: { name: unique('p'), visibility: 'private' } },
      201,
    )) as { id: number };
    for (const [u, level] of [
      [dev, 30],
      [maintainer, 40],
    ] as const)
      await json(
        `/projects/${project.id}/members`,
        { method: 'POST', token: owner.token, body: { user_id: u.id, access_level: level } },
        201,
      );
    const base = `/projects/${project.id}/access_tokens`;
    const body = { name: 'b', scopes: ['read_api'] };

    assert.equal((await s.request(base, { token: null })).status, 401);
    assert.equal((await s.request(base, { token: outsider.token })).status, 404);
    assert.deepEqual((await s.request(base, { token: dev.token })).body, { message: '401 Unauthorized' });
    assert.deepEqual((await s.request(base, { method: 'POST', token: dev.token, body })).body, {
      message: '400 Bad request - User does not have permission to create project access token',
    });
    assert.deepEqual(
      (
        await s.request(base, {
          method: 'POST',
          token: maintainer.token,
          body: { ...body, access_level: 50 },
        })
      ).body,
      {
        message:
          '400 Bad request - Access level of the token contains permissions not held by the creating user',
      },
    );
    const ok = (await json(
      base,
      { method: 'POST', token: maintainer.token, body: { ...body, scopes: ['api'] } },
      201,
    )) as ResourceToken;
    assert.equal(ok.access_level, 40, 'Maintainer by default');
    const ownerToken = (await json(
      base,
      { method: 'POST', token: owner.token, body: { ...body, access_level: 50 } },
      201,
    )) as ResourceToken;
    // A maintainer may not rotate an Owner-level token; a developer learns nothing (401).
    assert.deepEqual(
      (await s.request(`${base}/${ownerToken.id}/rotate`, { method: 'POST', token: maintainer.token })).body,
      { message: '400 Bad request - Not eligible to rotate token with access level higher than the user' },
    );
    assert.equal(
      (await s.request(`${base}/${ok.id}/rotate`, { method: 'POST', token: dev.token })).status,
      401,
    );
    assert.equal((await s.request(`${base}/999999/rotate`, { method: 'POST' })).status, 404);
    const devDelete = await s.request(`${base}/${ok.id}`, { method: 'DELETE', token: dev.token });
    assert.equal(devDelete.status, 400);
    assert.match(
      (devDelete.body as { message: string }).message,
      /^400 Bad request - User \S+ cannot delete b$/,
    );

    // A bot with Maintainer rights still cannot create tokens.
    assert.deepEqual((await s.request(base, { method: 'POST', token: ok.token, body })).body, {
      message: '400 Bad request - User does not have permission to create project access token',
    });

    // Grape validation.
    assert.deepEqual(
      (await s.request(base, { method: 'POST', body: { name: 'x', scopes: ['sudo'] } })).body,
      {
        error: 'scopes does not have a valid value',
      },
    );
    assert.deepEqual((await s.request(base, { method: 'POST', body: { name: 'x' } })).body, {
      error: 'scopes is missing',
    });
    assert.deepEqual(
      (await s.request(base, { method: 'POST', body: { name: 'x', scopes: ['api'], access_level: 35 } }))
        .body,
      { error: 'access_level does not have a valid value' },
    );
    // A refused token leaves no bot behind.
    const before = ((await json(`/projects/${project.id}/members`, {}, 200)) as unknown[]).length;
    assert.equal(
      (await s.request(base, { method: 'POST', body: { name: ' ', scopes: ['api'] } })).status,
      400,
    );
    assert.equal(((await json(`/projects/${project.id}/members`, {}, 200)) as unknown[]).length, before);
  });

  test('group tokens (Owner only) through gitbeaker; the bot reaches the group and its projects', async () => {
    const owner = await createUser(s);
    const path = unique('tokgrp');
    const group = (await json(
      '/groups',
      { method: 'POST', token: owner.token, body: { name: path, path, visibility: 'private' } },
      201,
    )) as {
      id: number;
    };
    const project = (await json(
      '/projects',
      { method: 'POST', token: owner.token, body: { name: 'inside', namespace_id: group.id } },
      201,
    )) as { id: number };
    const api = s.gitlab(owner.token);
    const expires = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
    const created = (await api.GroupAccessTokens.create(group.id, 'grp bot', ['read_api'], expires, {
      accessLevel: 20,
    })) as unknown as ResourceToken;
    assert.equal(created.expires_at, expires);
    assert.equal(created.resource_type, 'group');
    assert.equal(created.resource_id, group.id);
    assert.equal(created.access_level, 20);
    const me = (await json('/user', { token: created.token }, 200)) as { username: string };
    assert.match(me.username, new RegExp(`^group_${group.id}_bot_`));
    assert.equal((await s.request(`/projects/${project.id}`, { token: created.token })).status, 200);
    // read_api cannot write.
    assert.equal(
      (await s.request('/projects', { method: 'POST', token: created.token, body: { name: 'x' } })).status,
      403,
    );

    const all = (await api.GroupAccessTokens.all(group.id)) as unknown as ResourceToken[];
    assert.deepEqual(
      all.map((x) => x.id),
      [created.id],
    );
    const shown = (await api.GroupAccessTokens.show(group.id, created.id)) as unknown as ResourceToken;
    assert.equal(shown.name, 'grp bot');

    // A Maintainer of the group is not enough for group tokens (GitLab: admin_group).
    const maintainer = await createUser(s);
    await json(
      `/groups/${group.id}/members`,
      { method: 'POST', token: owner.token, body: { user_id: maintainer.id, access_level: 40 } },
      201,
    );
    assert.equal(
      (await s.request(`/groups/${group.id}/access_tokens`, { token: maintainer.token })).status,
      401,
    );
    const missing = await s.request(`/groups/${group.id}/access_tokens/999999`, { token: owner.token });
    assert.deepEqual(missing.body, { message: '404 group Access Token Not Found' });

    await api.GroupAccessTokens.revoke(group.id, created.id);
    assert.equal((await s.request('/user', { token: created.token })).status, 401);

    // Project tokens through gitbeaker too.
    const pt = (await api.ProjectAccessTokens.create(
      project.id,
      'p bot',
      ['api'],
      expires,
    )) as unknown as ResourceToken;
    assert.equal(pt.access_level, 40);
    const plist = (await api.ProjectAccessTokens.all(project.id)) as unknown as ResourceToken[];
    assert.deepEqual(
      plist.map((x) => x.id),
      [pt.id],
    );
  });
});
