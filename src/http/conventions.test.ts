import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { unique } from '../../test/factories.js';
import { startTestServer, type TestServer } from '../../test/server.js';

describe('API conventions', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('C1: unknown routes and /api/v3 answer 404 {"error":"404 Not Found"}', async () => {
    for (const path of ['/api/v4/no/such/thing', '/api/v3/user', '/api/v4']) {
      const res = await s.request(path);
      assert.equal(res.status, 404, path);
      assert.equal(res.text, '{"error":"404 Not Found"}');
      assert.equal(res.headers.get('content-type'), 'application/json');
    }
  });

  test('C2: JSON answers are application/json; a trailing .json is tolerated', async () => {
    const plain = await s.request('/user');
    const suffixed = await s.request('/user.json');
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('content-type'), 'application/json');
    assert.deepEqual(suffixed.body, plain.body);
  });

  test('C3: GET /version answers version and revision; the version is configurable', async () => {
    const res = await s.request('/version');
    assert.equal(res.status, 200);
    const body = res.body as { version: string; revision: string };
    assert.equal(body.version, s.server.deps.config.gitlabVersion);
    assert.equal(typeof body.revision, 'string');
    const other = await startTestServer({ gitlabVersion: '16.0.0-ee' });
    try {
      assert.equal(((await other.request('/version')).body as { version: string }).version, '16.0.0-ee');
    } finally {
      await other.close();
    }
  });

  test('C10: PRIVATE-TOKEN header (any case) and private_token parameter', async () => {
    const viaHeader = await s.request('/user', { token: null, headers: { 'PRIVATE-TOKEN': s.rootToken } });
    const viaLower = await s.request('/user', { token: null, headers: { 'private-token': s.rootToken } });
    const viaQuery = await s.request(`/user?private_token=${s.rootToken}`, { token: null });
    for (const res of [viaHeader, viaLower, viaQuery]) {
      assert.equal(res.status, 200);
      assert.equal((res.body as { username: string }).username, 'root');
    }
  });

  test('C11: the same token as Authorization: Bearer', async () => {
    const res = await s.request('/user', {
      token: null,
      headers: { authorization: `Bearer ${s.rootToken}` },
    });
    assert.equal(res.status, 200);
    assert.equal((res.body as { id: number }).id, 1);
  });

  test('C18: missing or invalid credentials answer 401 {"message":"401 Unauthorized"}', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { 'private-token': 'glpat-not-a-real-token' },
      { authorization: 'Bearer nope' },
    ];
    for (const headers of attempts) {
      const res = await s.request('/user', { token: null, headers });
      assert.equal(res.status, 401);
      assert.equal(res.text, '{"message":"401 Unauthorized"}');
    }
  });

  test('C23: a method the route does not support answers 405', async () => {
    const res = await s.request('/version', { method: 'DELETE' });
    assert.equal(res.status, 405);
    assert.equal(res.text, '{"message":"405 Method Not Allowed"}');
  });

  test('C62: every answer carries X-Request-Id and X-Runtime', async () => {
    const ok = await s.request('/user');
    const missing = await s.request('/nothing');
    for (const res of [ok, missing]) {
      assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/);
      assert.match(res.headers.get('x-runtime') ?? '', /^\d+\.\d{6}$/);
    }
    assert.notEqual(ok.headers.get('x-request-id'), missing.headers.get('x-request-id'));
  });

  test("malformed JSON answers 400 with GitLab's body, not a crash", async () => {
    const res = await s.request('/user', {
      method: 'POST',
      body: '{"bad',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: 'message body does not match declared format' });
  });

  test('an empty body declared as JSON is no body (python-gitlab sends Content-Type: application/json with every DELETE)', async () => {
    const made = await s.request('/projects', { method: 'POST', body: { name: unique('emptyjson') } });
    assert.equal(made.status, 201);
    const id = (made.body as { id: number }).id;
    const star = await s.request(`/projects/${id}/star`, {
      method: 'POST',
      body: ' ',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(star.status, 201, 'a whitespace body is no body too');
    const del = await s.request(`/projects/${id}`, {
      method: 'DELETE',
      body: '',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(del.status, 202);
    assert.deepEqual(del.body, { message: '202 Accepted' });
  });

  test('a body over the configured limit answers 413 in JSON, and the server goes on', async () => {
    const small = await startTestServer({ maxBodyBytes: 2048 });
    try {
      const res = await small.request('/user', { method: 'POST', body: { bio: 'x'.repeat(5000) } });
      assert.equal(res.status, 413);
      assert.deepEqual(res.body, { message: '413 Request Entity Too Large' });
      assert.equal((await small.request('/user')).status, 200);
    } finally {
      await small.close();
    }
  });

  test('health check answers GitLab OK', async () => {
    const res = await s.request('/-/health', { token: null });
    assert.equal(res.status, 200);
    assert.equal(res.text, 'GitLab OK');
  });
});
