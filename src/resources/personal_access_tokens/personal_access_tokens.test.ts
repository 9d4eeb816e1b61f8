import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { createPersonalAccessToken } from './service.js';
import { dayOffset, insertUser, type TokenBody, today, tokenFor, userWithToken } from './test_helpers.js';

const FIELDS = [
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
];

describe('POST /users/:user_id/personal_access_tokens', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('an admin creates a token for a user: 201, GitLab fields in order, glpat- secret shown once', async () => {
    const res = await s.request('/users/1/personal_access_tokens', {
      method: 'POST',
      body: {
        name: 'ci',
        scopes: ['read_api', 'read_user'],
        expires_at: dayOffset(30),
        description: 'for CI',
      },
    });
    assert.equal(res.status, 201, res.text);
    const body = res.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), [...FIELDS, 'token']);
    assert.equal(body.name, 'ci');
    assert.equal(body.description, 'for CI');
    assert.deepEqual(body.scopes, ['read_api', 'read_user']);
    assert.equal(body.user_id, 1);
    assert.equal(body.revoked, false);
    assert.equal(body.active, true);
    assert.equal(body.expires_at, dayOffset(30));
    assert.equal(body.last_used_at, null);
    assert.match(body.token as string, /^glpat-[A-Za-z0-9_-]{20}$/);
    assert.match(body.created_at as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const me = await s.request('/user', { token: body.token as string });
    assert.equal(me.status, 200);
    // Stored only as a digest.
    const row = await s.server.deps.db
      .selectFrom('personal_access_tokens')
      .selectAll()
      .where('id', '=', body.id as number)
      .executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(row).includes(body.token as string));
  });

  test('scopes may be comma-separated form data; no expires_at gets the one-year maximum', async () => {
    const res = await s.request('/users/1/personal_access_tokens', {
      method: 'POST',
      body: new URLSearchParams({ name: 'form', scopes: 'api,read_repository' }),
    });
    assert.equal(res.status, 201, res.text);
    const body = res.body as { scopes: string[]; expires_at: string; description: unknown };
    assert.deepEqual(body.scopes, ['api', 'read_repository']);
    assert.equal(body.description, null);
    assert.equal(body.expires_at, dayOffset(365));
  });

  test('C21: missing or unknown scopes and a missing name answer Grape errors', async () => {
    const bad = await s.request('/users/1/personal_access_tokens', {
      method: 'POST',
      body: { name: 'x', scopes: ['api', 'nope'] },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { error: 'scopes does not have a valid value' });
    const missing = await s.request('/users/1/personal_access_tokens', { method: 'POST', body: {} });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { error: 'name is missing, scopes is missing' });
    const date = await s.request('/users/1/personal_access_tokens', {
      method: 'POST',
      body: { name: 'x', scopes: ['api'], expires_at: 'soon' },
    });
    assert.deepEqual(date.body, { error: 'expires_at is invalid' });
  });

  test('unknown user is 404 User Not Found; anonymous 401', async () => {
    const res = await s.request('/users/99999/personal_access_tokens', {
      method: 'POST',
      body: { name: 'x', scopes: ['api'] },
    });
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { message: '404 User Not Found' });
    const anon = await s.request('/users/1/personal_access_tokens', {
      method: 'POST',
      token: null,
      body: { name: 'x', scopes: ['api'] },
    });
    assert.equal(anon.status, 401);
  });
});

describe('creating tokens: limits and self-service', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('expires_at past the one-year maximum is 422 with the model error', async () => {
    const max = dayOffset(365);
    const ok = await s.request('/users/1/personal_access_tokens', {
      method: 'POST',
      body: { name: 'max', scopes: ['api'], expires_at: max },
    });
    assert.equal(ok.status, 201, ok.text);
    const res = await s.request('/users/1/personal_access_tokens', {
      method: 'POST',
      body: { name: 'far', scopes: ['api'], expires_at: dayOffset(366) },
    });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body, { message: `Expires at must be before ${max}` });
  });

  test('model validations: blank name, long description (422, joined as a sentence)', async () => {
    const res = await s.request('/users/1/personal_access_tokens', {
      method: 'POST',
      body: { name: ' ', scopes: ['api'], description: 'x'.repeat(256) },
    });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body, {
      message: "Name can't be blank and Description is too long (maximum is 255 characters)",
    });
  });

  test('a non-admin cannot create tokens for users: 403', async () => {
    const u = await userWithToken(s);
    const res = await s.request(`/users/${u.id}/personal_access_tokens`, {
      method: 'POST',
      token: u.token,
      body: { name: 'x', scopes: ['api'] },
    });
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { message: '403 Forbidden' });
  });

  test('POST /user/personal_access_tokens mints only k8s_proxy / self_rotate tokens for oneself', async () => {
    const u = await userWithToken(s);
    const res = await s.request('/user/personal_access_tokens', {
      method: 'POST',
      token: u.token,
      body: { name: 'rotator', scopes: ['self_rotate'], description: 'd' },
    });
    assert.equal(res.status, 201, res.text);
    const body = res.body as TokenBody;
    assert.equal(body.user_id, u.id);
    assert.deepEqual(body.scopes, ['self_rotate']);
    assert.equal(body.expires_at, dayOffset(365));
    assert.match(body.token ?? '', /^glpat-/);
    const api = await s.request('/user/personal_access_tokens', {
      method: 'POST',
      token: u.token,
      body: { name: 'escalate', scopes: ['api'] },
    });
    assert.equal(api.status, 400);
    assert.deepEqual(api.body, { error: 'scopes does not have a valid value' });
  });
});

describe('GET /personal_access_tokens', () => {
  let s: TestServer;
  let alice: Awaited<ReturnType<typeof userWithToken>>;
  let bob: Awaited<ReturnType<typeof userWithToken>>;
  before(async () => {
    s = await startTestServer();
    alice = await userWithToken(s);
    bob = await userWithToken(s);
    await tokenFor(s, alice.id, { name: 'Deploy Alpha', scopes: ['read_api'], expires_at: dayOffset(10) });
    const revoked = await tokenFor(s, alice.id, { name: 'old deploy', scopes: ['read_api'] });
    await s.request(`/personal_access_tokens/${revoked.id}`, { method: 'DELETE' });
    await tokenFor(s, alice.id, { name: 'expired', scopes: ['api'], expires_at: today() });
    // An impersonation token made for alice: admins see it, alice does not.
    await createPersonalAccessToken(s.server.deps, {
      userId: alice.id,
      name: 'impersonation',
      scopes: ['api'],
      impersonation: true,
    });
  });
  after(() => s.close());

  const names = (body: unknown) => (body as TokenBody[]).map((t) => t.name);

  test('a user sees only their own tokens, impersonation tokens aside, oldest first', async () => {
    const res = await s.request('/personal_access_tokens', { token: alice.token });
    assert.equal(res.status, 200);
    assert.deepEqual(names(res.body), ['test', 'Deploy Alpha', 'old deploy', 'expired']);
    const first = (res.body as TokenBody[])[0]!;
    assert.deepEqual(Object.keys(first), FIELDS);
    assert.equal(res.headers.get('x-total'), '4');
    // The token that made the request was just used.
    assert.ok(first.last_used_at);
  });

  test('admins see everyone’s tokens and can narrow by user_id; unknown user_id is 404', async () => {
    const all = await s.request('/personal_access_tokens?per_page=100');
    const owners = new Set((all.body as TokenBody[]).map((t) => t.user_id));
    assert.ok(owners.has(1) && owners.has(alice.id) && owners.has(bob.id));
    const mine = await s.request(`/personal_access_tokens?user_id=${alice.id}`);
    assert.deepEqual(names(mine.body), ['test', 'Deploy Alpha', 'old deploy', 'expired', 'impersonation']);
    const missing = await s.request('/personal_access_tokens?user_id=99999');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: '404 Not Found' });
    const blank = await s.request('/personal_access_tokens?user_id=');
    assert.equal(blank.status, 404);
  });

  test('a non-admin filtering on another user is 401; on themselves it works', async () => {
    const other = await s.request(`/personal_access_tokens?user_id=${bob.id}`, { token: alice.token });
    assert.equal(other.status, 401);
    assert.deepEqual(other.body, { message: '401 Unauthorized' });
    const self = await s.request(`/personal_access_tokens?user_id=${alice.id}`, { token: alice.token });
    assert.equal(self.status, 200);
    assert.equal((self.body as TokenBody[]).length, 4);
  });

  test('filters: revoked, state, search, dates, sort', async () => {
    const q = async (query: string) => {
      const res = await s.request(`/personal_access_tokens?user_id=${alice.id}&${query}`);
      assert.equal(res.status, 200, `${query}: ${res.text}`);
      return names(res.body);
    };
    assert.deepEqual(await q('revoked=true'), ['old deploy']);
    assert.deepEqual(await q('revoked=false'), ['test', 'Deploy Alpha', 'expired', 'impersonation']);
    assert.deepEqual(await q('state=active'), ['test', 'Deploy Alpha', 'impersonation']);
    assert.deepEqual(await q('state=inactive'), ['old deploy', 'expired']);
    assert.deepEqual(await q('search=DEPLOY'), ['Deploy Alpha', 'old deploy']);
    assert.deepEqual(await q('search=%25'), []);
    assert.deepEqual(await q(`expires_before=${dayOffset(11)}`), ['Deploy Alpha', 'expired']);
    assert.deepEqual(await q(`expires_after=${dayOffset(11)}`), ['test', 'old deploy']);
    assert.deepEqual(await q('created_after=2000-01-01T00:00:00Z&created_before=2999-01-01'), [
      'test',
      'Deploy Alpha',
      'old deploy',
      'expired',
      'impersonation',
    ]);
    assert.deepEqual(await q('created_before=2000-01-01T00:00:00Z'), []);
    assert.deepEqual(await q('last_used_after=2000-01-01T00:00:00Z'), ['test']);
    assert.deepEqual(await q('last_used_before=2000-01-01T00:00:00Z'), []);
    assert.deepEqual(await q('sort=name_asc&search=e'), [
      'Deploy Alpha',
      'expired',
      'impersonation',
      'old deploy',
      'test',
    ]);
    assert.deepEqual(await q('sort=name_desc&search=e'), [
      'test',
      'old deploy',
      'impersonation',
      'expired',
      'Deploy Alpha',
    ]);
    assert.deepEqual(await q('sort=expires_asc&search=deploy'), ['Deploy Alpha', 'old deploy']);
    assert.deepEqual(await q('sort=created_desc&revoked=true'), ['old deploy']);
    assert.deepEqual(await q('sort=bogus&search=deploy'), ['Deploy Alpha', 'old deploy']);
  });

  test('C21: bad filter values answer Grape errors', async () => {
    const res = await s.request('/personal_access_tokens?state=dead&revoked=maybe');
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: 'revoked is invalid, state does not have a valid value' });
  });

  test('C40: pagination headers', async () => {
    const res = await s.request(`/personal_access_tokens?user_id=${alice.id}&per_page=2&page=2`);
    assert.deepEqual(names(res.body), ['old deploy', 'expired']);
    assert.equal(res.headers.get('x-page'), '2');
    assert.equal(res.headers.get('x-per-page'), '2');
    assert.equal(res.headers.get('x-total'), '5');
  });
});

describe('one token: GET, DELETE, rotate', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('GET /personal_access_tokens/:id: own 200; others 401 for users, 404 only for admins when missing', async () => {
    const a = await userWithToken(s);
    const b = await userWithToken(s);
    const own = await s.request(`/personal_access_tokens/${a.tokenId}`, { token: a.token });
    assert.equal(own.status, 200);
    assert.deepEqual(Object.keys(own.body as object), FIELDS);
    assert.equal((own.body as TokenBody).id, a.tokenId);
    const other = await s.request(`/personal_access_tokens/${b.tokenId}`, { token: a.token });
    assert.equal(other.status, 401);
    const missingUser = await s.request('/personal_access_tokens/99999', { token: a.token });
    assert.equal(missingUser.status, 401);
    const admin = await s.request(`/personal_access_tokens/${b.tokenId}`);
    assert.equal(admin.status, 200);
    const missingAdmin = await s.request('/personal_access_tokens/99999');
    assert.equal(missingAdmin.status, 404);
    assert.deepEqual(missingAdmin.body, { message: '404 Not Found' });
    const bad = await s.request('/personal_access_tokens/abc');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { error: 'id is invalid' });
  });

  test('GET /personal_access_tokens/self answers for any scope (even read_user alone)', async () => {
    const u = await userWithToken(s, ['read_user']);
    const res = await s.request('/personal_access_tokens/self', { token: u.token });
    assert.equal(res.status, 200, res.text);
    const body = res.body as TokenBody;
    assert.equal(body.id, u.tokenId);
    assert.deepEqual(body.scopes, ['read_user']);
    assert.ok(body.last_used_at);
  });

  test('DELETE /personal_access_tokens/:id: 204 and the token is refused at once (C19)', async () => {
    const u = await userWithToken(s);
    const second = await tokenFor(s, u.id, { name: 'second' });
    const res = await s.request(`/personal_access_tokens/${second.id}`, { method: 'DELETE', token: u.token });
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    const after = await s.request('/user', { token: second.token });
    assert.equal(after.status, 401);
    assert.deepEqual(after.body, { message: '401 Unauthorized' });
    const shown = await s.request(`/personal_access_tokens/${second.id}`, { token: u.token });
    assert.equal((shown.body as TokenBody).revoked, true);
    assert.equal((shown.body as TokenBody).active, false);
  });

  test('DELETE another user’s token is 400; a missing one 404 "Not found"; admins revoke anyone’s', async () => {
    const a = await userWithToken(s);
    const b = await userWithToken(s);
    const other = await s.request(`/personal_access_tokens/${b.tokenId}`, {
      method: 'DELETE',
      token: a.token,
    });
    assert.equal(other.status, 400);
    assert.deepEqual(other.body, { message: '400 Bad request' });
    const missing = await s.request('/personal_access_tokens/99999', { method: 'DELETE', token: a.token });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: '404 Not found' });
    const admin = await s.request(`/personal_access_tokens/${b.tokenId}`, { method: 'DELETE' });
    assert.equal(admin.status, 204);
    assert.equal((await s.request('/user', { token: b.token })).status, 401);
  });

  test('a user cannot revoke an impersonation token made for them', async () => {
    const u = await userWithToken(s);
    const imp = await createPersonalAccessToken(s.server.deps, {
      userId: u.id,
      name: 'imp',
      scopes: ['api'],
      impersonation: true,
    });
    const res = await s.request(`/personal_access_tokens/${imp.id}`, { method: 'DELETE', token: u.token });
    assert.equal(res.status, 400);
  });

  test('DELETE /personal_access_tokens/self works with any scope and takes effect at once', async () => {
    const u = await userWithToken(s, ['read_repository']);
    const res = await s.request('/personal_access_tokens/self', { method: 'DELETE', token: u.token });
    assert.equal(res.status, 204);
    const again = await s.request('/personal_access_tokens/self', { token: u.token });
    assert.equal(again.status, 401);
  });

  test('POST /personal_access_tokens/:id/rotate: 200, same name and scopes, a week to live, old one dead', async () => {
    const u = await userWithToken(s);
    const t = await tokenFor(s, u.id, { name: 'ci', scopes: ['read_api', 'read_user'], description: 'rot' });
    const res = await s.request(`/personal_access_tokens/${t.id}/rotate`, { method: 'POST', token: u.token });
    assert.equal(res.status, 200, res.text);
    const body = res.body as TokenBody & { token: string };
    assert.deepEqual(Object.keys(body), [...FIELDS, 'token']);
    assert.notEqual(body.id, t.id);
    assert.equal(body.name, 'ci');
    assert.equal(body.description, 'rot');
    assert.deepEqual(body.scopes, ['read_api', 'read_user']);
    assert.equal(body.expires_at, dayOffset(7));
    assert.equal(body.active, true);
    assert.notEqual(body.token, t.token);
    assert.equal((await s.request('/user', { token: t.token })).status, 401);
    assert.equal((await s.request('/user', { token: body.token })).status, 200);

    const dated = await s.request(`/personal_access_tokens/${body.id}/rotate`, {
      method: 'POST',
      token: u.token,
      body: { expires_at: dayOffset(30) },
    });
    assert.equal(dated.status, 200);
    assert.equal((dated.body as TokenBody).expires_at, dayOffset(30));

    const tooFar = await s.request(`/personal_access_tokens/${(dated.body as TokenBody).id}/rotate`, {
      method: 'POST',
      token: u.token,
      body: { expires_at: dayOffset(400) },
    });
    assert.equal(tooFar.status, 400);
    assert.deepEqual(tooFar.body, {
      message: `400 Bad request - Expires at must be before ${dayOffset(365)}`,
    });
  });

  test('rotating a revoked token is 400 and revokes the tokens rotated from it (reuse detection)', async () => {
    const u = await userWithToken(s);
    const t = await tokenFor(s, u.id, { name: 'leaky' });
    const first = await s.request(`/personal_access_tokens/${t.id}/rotate`, {
      method: 'POST',
      token: u.token,
    });
    const child = first.body as TokenBody & { token: string };
    const second = await s.request(`/personal_access_tokens/${child.id}/rotate`, {
      method: 'POST',
      token: u.token,
    });
    const grandchild = second.body as TokenBody & { token: string };
    assert.equal((await s.request('/user', { token: grandchild.token })).status, 200);
    const replay = await s.request(`/personal_access_tokens/${t.id}/rotate`, {
      method: 'POST',
      token: u.token,
    });
    assert.equal(replay.status, 400);
    assert.deepEqual(replay.body, { message: '400 Bad request - Token already revoked' });
    assert.equal((await s.request('/user', { token: grandchild.token })).status, 401);
    // The user's own unrelated token still works.
    assert.equal((await s.request('/user', { token: u.token })).status, 200);
  });

  test('rotate someone else’s token: 401 for users; admins may, and get 404 for a missing one', async () => {
    const a = await userWithToken(s);
    const b = await userWithToken(s);
    const other = await s.request(`/personal_access_tokens/${b.tokenId}/rotate`, {
      method: 'POST',
      token: a.token,
    });
    assert.equal(other.status, 401);
    const admin = await s.request(`/personal_access_tokens/${b.tokenId}/rotate`, { method: 'POST' });
    assert.equal(admin.status, 200);
    assert.equal((admin.body as TokenBody).user_id, b.id);
    const missing = await s.request('/personal_access_tokens/99999/rotate', { method: 'POST' });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: '404 Not Found' });
  });

  test('POST /personal_access_tokens/self/rotate: api or self_rotate scope; read_api is 403 (C19)', async () => {
    const u = await userWithToken(s, ['self_rotate']);
    const res = await s.request('/personal_access_tokens/self/rotate', { method: 'POST', token: u.token });
    assert.equal(res.status, 200, res.text);
    const rotated = res.body as TokenBody & { token: string };
    assert.deepEqual(rotated.scopes, ['self_rotate']);
    assert.equal((await s.request('/personal_access_tokens/self', { token: u.token })).status, 401);
    const self = await s.request('/personal_access_tokens/self', { token: rotated.token });
    assert.equal((self.body as TokenBody).id, rotated.id);

    const reader = await userWithToken(s, ['read_api']);
    const denied = await s.request('/personal_access_tokens/self/rotate', {
      method: 'POST',
      token: reader.token,
    });
    assert.equal(denied.status, 403);
    assert.equal((denied.body as { error: string }).error, 'insufficient_scope');
  });
});

describe('C19: token scopes, expiry and revocation are enforced', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  const INSUFFICIENT = {
    error: 'insufficient_scope',
    error_description: 'The request requires higher privileges than provided by the access token.',
  };

  test('C19: a read_api token can GET but POST, PUT and DELETE answer 403 insufficient_scope', async () => {
    const u = await userWithToken(s, ['read_api']);
    assert.equal((await s.request('/user', { token: u.token })).status, 200);
    assert.equal((await s.request('/personal_access_tokens', { token: u.token })).status, 200);
    assert.equal((await s.request(`/personal_access_tokens/${u.tokenId}`, { token: u.token })).status, 200);
    const writes: Array<[string, string]> = [
      ['POST', `/personal_access_tokens/${u.tokenId}/rotate`],
      ['POST', '/user/personal_access_tokens'],
      ['PUT', '/application/settings'],
      ['DELETE', `/personal_access_tokens/${u.tokenId}`],
    ];
    for (const [method, path] of writes) {
      const res = await s.request(path, {
        method,
        token: u.token,
        body: { name: 'x', scopes: ['k8s_proxy'] },
      });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.deepEqual(res.body, { ...INSUFFICIENT, scope: 'api' }, `${method} ${path}`);
    }
    // Nothing was written: the token is still live.
    assert.equal((await s.request('/user', { token: u.token })).status, 200);
  });

  test('C19: a read_user token can GET /user but not other reads', async () => {
    const u = await userWithToken(s, ['read_user']);
    assert.equal((await s.request('/user', { token: u.token })).status, 200);
    const res = await s.request('/personal_access_tokens', { token: u.token });
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { ...INSUFFICIENT, scope: 'api read_api' });
  });

  test('C19: a read_repository token cannot use the API at all', async () => {
    const u = await userWithToken(s, ['read_repository']);
    assert.equal((await s.request('/user', { token: u.token })).status, 403);
  });

  test('C19: an expired token is 401 from its expiry date on; the day before it works', async () => {
    const u = await insertUser(s);
    const expired = await tokenFor(s, u.id, { expires_at: today() });
    assert.equal(expired.active, false);
    const res = await s.request('/user', { token: expired.token });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { message: '401 Unauthorized' });
    const past = await tokenFor(s, u.id, { expires_at: '2020-01-01' });
    assert.equal((await s.request('/user', { token: past.token })).status, 401);
    const tomorrow = await tokenFor(s, u.id, { expires_at: dayOffset(1) });
    assert.equal((await s.request('/user', { token: tomorrow.token })).status, 200);
  });

  test('C19: a revoked token is 401 on the very next request, even on public endpoints', async () => {
    const u = await userWithToken(s);
    assert.equal((await s.request('/version', { token: u.token })).status, 200);
    await s.request(`/personal_access_tokens/${u.tokenId}`, { method: 'DELETE' });
    assert.equal((await s.request('/version', { token: u.token })).status, 401);
    assert.equal((await s.request('/user', { token: u.token })).status, 401);
  });
});

describe('personal access tokens through gitbeaker', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('create for a user, list, show, rotate, revoke', async () => {
    const admin = s.gitlab();
    const user = await insertUser(s);
    const created = await admin.Users.createPersonalAccessToken(user.id, 'beaker', ['api', 'read_user'], {
      expiresAt: dayOffset(20),
    });
    assert.equal(created.name, 'beaker');
    assert.deepEqual(created.scopes, ['api', 'read_user']);
    assert.match(String(created.token), /^glpat-/);

    const mine = s.gitlab(String(created.token));
    const list = await mine.PersonalAccessTokens.all();
    assert.deepEqual(
      list.map((t) => t.id),
      [created.id],
    );
    const shown = await mine.PersonalAccessTokens.show({ tokenId: created.id });
    assert.equal(shown.name, 'beaker');
    const self = await mine.PersonalAccessTokens.show({ tokenId: 'self' });
    assert.equal(self.id, created.id);

    const rotated = await mine.PersonalAccessTokens.rotate(created.id);
    assert.equal(rotated.expires_at, dayOffset(7));
    const next = s.gitlab(String(rotated.token));
    await next.PersonalAccessTokens.remove({ tokenId: rotated.id });
    await assert.rejects(next.Users.showCurrentUser(), (err: Error & { cause?: { response?: Response } }) => {
      assert.equal(err.cause?.response?.status, 401);
      return true;
    });
  });
});
