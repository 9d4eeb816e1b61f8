import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../test/factories.js';
import { startTestServer, type TestServer } from '../../test/server.js';

describe('rate limits', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('C29: past the authenticated API limit a user gets 429 with Retry-After and RateLimit-* headers', async () => {
    const user = await createUser(s);
    const other = await createUser(s);
    const set = await s.request('/application/settings', {
      method: 'PUT',
      body: {
        throttle_authenticated_api_enabled: true,
        throttle_authenticated_api_requests_per_period: 3,
        throttle_authenticated_api_period_in_seconds: 3600,
      },
    });
    assert.equal(set.status, 200, set.text);
    try {
      for (let i = 0; i < 3; i++) assert.equal((await s.request('/user', { token: user.token })).status, 200);
      const limited = await s.request('/user', { token: user.token });
      assert.equal(limited.status, 429);
      assert.equal(limited.text, 'Retry later\n');
      assert.equal(limited.headers.get('ratelimit-name'), 'throttle_authenticated_api');
      assert.equal(limited.headers.get('ratelimit-limit'), '1');
      assert.equal(limited.headers.get('ratelimit-observed'), '4');
      assert.equal(limited.headers.get('ratelimit-remaining'), '0');
      const retryAfter = Number(limited.headers.get('retry-after'));
      assert.ok(retryAfter > 0 && retryAfter <= 3600);
      const reset = Number(limited.headers.get('ratelimit-reset'));
      assert.ok(Math.abs(reset - (Date.now() / 1000 + retryAfter)) < 5);
      assert.equal(limited.headers.get('ratelimit-resettime'), new Date(reset * 1000).toUTCString());
      // Counted per user: someone else is not limited.
      assert.equal((await s.request('/user', { token: other.token })).status, 200);
    } finally {
      await s.request('/application/settings', {
        method: 'PUT',
        body: { throttle_authenticated_api_enabled: false },
      });
    }
    // Switching the throttle off takes effect at once.
    assert.equal((await s.request('/user', { token: user.token })).status, 200);
  });

  test('C29: unauthenticated callers are limited per IP, bad tokens included', async () => {
    const set = await s.request('/application/settings', {
      method: 'PUT',
      body: {
        throttle_unauthenticated_api_enabled: true,
        throttle_unauthenticated_api_requests_per_period: 2,
        throttle_unauthenticated_api_period_in_seconds: 60,
      },
    });
    assert.equal(set.status, 200, set.text);
    try {
      assert.equal((await s.request('/user', { token: null })).status, 401);
      assert.equal((await s.request('/user', { token: 'glpat-wrong' })).status, 401);
      const limited = await s.request('/user', { token: null });
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('ratelimit-name'), 'throttle_unauthenticated_api');
      assert.equal(limited.headers.get('ratelimit-limit'), '2');
      // Signed-in callers are not counted against the IP.
      assert.equal((await s.request('/user')).status, 200);
    } finally {
      await s.request('/application/settings', {
        method: 'PUT',
        body: { throttle_unauthenticated_api_enabled: false },
      });
    }
  });
});
