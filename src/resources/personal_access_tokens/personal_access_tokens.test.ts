import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../../test/server.js';

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
        expires_at: '2099-01-31',
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
    assert.equal(body.expires_at, '2099-01-31');
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
    const inAYear = new Date(Date.now() + 365 * 86400_000).toISOString().slice(0, 10);
    assert.equal(body.expires_at, inAYear);
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
