import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';

interface ImpersonationToken {
  id: number;
  name: string;
  revoked: boolean;
  scopes: string[];
  user_id: number;
  active: boolean;
  expires_at: string | null;
  impersonation: boolean;
  token?: string;
}

describe('impersonation tokens (C16)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  const setting = async (body: Record<string, unknown>) => {
    const res = await s.request('/application/settings', { method: 'PUT', body });
    assert.equal(res.status, 200, res.text);
  };

  test('admin creates, lists, shows and revokes; the token acts as the user', async () => {
    const user = await createUser(s);
    const created = await s.request(`/users/${user.id}/impersonation_tokens`, {
      method: 'POST',
      body: { name: 'support', scopes: ['api', 'read_user'], expires_at: '2099-01-01' },
    });
    // expires_at past the maximum lifetime is a model error.
    assert.equal(created.status, 400, created.text);
    assert.match(JSON.stringify(created.body), /"expires_at":\["must be before \d{4}-\d\d-\d\d"\]/);

    const ok = await s.request(`/users/${user.id}/impersonation_tokens`, {
      method: 'POST',
      body: { name: 'support', scopes: 'api,read_user' },
    });
    assert.equal(ok.status, 201, ok.text);
    const t = ok.body as ImpersonationToken;
    assert.deepEqual(Object.keys(t), [
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
      'impersonation',
      'token',
    ]);
    assert.equal(t.impersonation, true);
    assert.equal(t.user_id, user.id);
    assert.deepEqual(t.scopes, ['api', 'read_user']);
    assert.match(t.token!, /^glpat-/);
    assert.ok(t.expires_at);

    // Used like a personal token: GET /user answers as the user.
    const me = await s.request('/user', { token: t.token });
    assert.equal(me.status, 200);
    assert.equal((me.body as { id: number }).id, user.id);

    const list = await s.request(`/users/${user.id}/impersonation_tokens`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      (list.body as ImpersonationToken[]).map((x) => [x.id, x.impersonation, 'token' in x]),
      [[t.id, true, false]],
    );
    assert.equal(list.headers.get('x-total'), '1');
    // The user's own personal token is not an impersonation token.
    const one = await s.request(`/users/${user.id}/impersonation_tokens/${t.id}`);
    assert.equal(one.status, 200);
    assert.equal((one.body as ImpersonationToken).name, 'support');

    // If-Unmodified-Since before the token's last change: 412 (C25).
    const stale = await s.request(`/users/${user.id}/impersonation_tokens/${t.id}`, {
      method: 'DELETE',
      headers: { 'if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' },
    });
    assert.equal(stale.status, 412);
    assert.deepEqual(stale.body, { message: '412 Precondition Failed' });

    const del = await s.request(`/users/${user.id}/impersonation_tokens/${t.id}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal((await s.request('/user', { token: t.token })).status, 401);
    const active = await s.request(`/users/${user.id}/impersonation_tokens?state=active`);
    assert.deepEqual(active.body, []);
    const inactive = await s.request(`/users/${user.id}/impersonation_tokens?state=inactive`);
    assert.deepEqual(
      (inactive.body as ImpersonationToken[]).map((x) => [x.id, x.revoked, x.active]),
      [[t.id, true, false]],
    );
  });

  test('errors: admins only, unknown user or token, bad input', async () => {
    const user = await createUser(s);
    const path = `/users/${user.id}/impersonation_tokens`;
    assert.equal((await s.request(path, { token: null })).status, 401);
    const forbidden = await s.request(path, { token: user.token });
    assert.equal(forbidden.status, 403);
    assert.deepEqual(forbidden.body, { message: '403 Forbidden' });
    assert.deepEqual((await s.request('/users/999999/impersonation_tokens')).body, {
      message: '404 User Not Found',
    });
    const missing = await s.request(`${path}/999999`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: '404 Impersonation Token Not Found' });
    assert.deepEqual((await s.request(`${path}?state=nope`)).body, {
      error: 'state does not have a valid value',
    });
    assert.deepEqual((await s.request(path, { method: 'POST', body: { scopes: ['api'] } })).body, {
      error: 'name is missing',
    });
    const noScopes = await s.request(path, { method: 'POST', body: { name: 'x' } });
    assert.equal(noScopes.status, 400);
    assert.deepEqual(noScopes.body, { message: { scopes: ["can't be blank"] } });
    const badScopes = await s.request(path, { method: 'POST', body: { name: 'x', scopes: ['nope'] } });
    assert.deepEqual(badScopes.body, { message: { scopes: ['can only contain available scopes'] } });

    // A personal token of the user is not found here.
    const pats = await s.request(`/personal_access_tokens?user_id=${user.id}`);
    const patId = (pats.body as Array<{ id: number }>)[0]!.id;
    assert.equal((await s.request(`${path}/${patId}`)).status, 404);
  });

  test('switched off, impersonation tokens stop working (401) and work again when on', async () => {
    const user = await createUser(s);
    const api = s.gitlab();
    // gitbeaker's UserImpersonationTokens
    const t = (await api.UserImpersonationTokens.create(user.id, 'gb', [
      'api',
    ])) as unknown as ImpersonationToken;
    assert.equal(t.impersonation, true);
    const all = (await api.UserImpersonationTokens.all(user.id)) as unknown as ImpersonationToken[];
    assert.deepEqual(
      all.map((x) => x.id),
      [t.id],
    );
    assert.equal((await s.request('/user', { token: t.token })).status, 200);
    await setting({ impersonation_enabled: false });
    try {
      const off = await s.request('/user', { token: t.token });
      assert.equal(off.status, 401);
      assert.deepEqual(off.body, {
        error: 'invalid_token',
        error_description: 'Token is an impersonation token but impersonation was disabled.',
      });
      // Personal tokens keep working.
      assert.equal((await s.request('/user', { token: user.token })).status, 200);
    } finally {
      await setting({ impersonation_enabled: true });
    }
    assert.equal((await s.request('/user', { token: t.token })).status, 200);
    await api.UserImpersonationTokens.revoke(user.id, t.id);
    assert.equal((await s.request('/user', { token: t.token })).status, 401);
  });
});
