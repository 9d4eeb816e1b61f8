import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../../test/server.js';

describe('health checks', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('GET /-/health answers "GitLab OK" as text, without credentials', async () => {
    const res = await s.request('/-/health', { token: null });
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-type')), /^text\/plain/);
    assert.equal(res.text, 'GitLab OK');
  });

  test('GET /-/liveness answers {"status":"ok"}', async () => {
    const res = await s.request('/-/liveness', { token: null });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(res.text, '{"status":"ok"}');
  });

  test('GET /-/readiness queries the database; ?all=1 names each check', async () => {
    const res = await s.request('/-/readiness', { token: null });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(res.text, '{"status":"ok","master_check":[{"status":"ok"}]}');
    const all = await s.request('/-/readiness?all=1', { token: null });
    assert.equal(all.status, 200);
    assert.deepEqual(all.body, {
      status: 'ok',
      master_check: [{ status: 'ok' }],
      db_check: [{ status: 'ok' }],
      gitaly_check: [{ status: 'ok', labels: { shard: 'default' } }],
    });
    assert.equal((await s.request('/-/readiness?all=0', { token: null })).text, res.text);
  });

  test('GET /-/readiness answers 503 with the failed check when the database is gone; liveness stays ok', async () => {
    const broken = await startTestServer();
    try {
      await broken.server.database.close();
      const res = await broken.request('/-/readiness?all=1', { token: null });
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, {
        status: 'failed',
        master_check: [{ status: 'failed', message: 'unexpected Db check result: failed' }],
        db_check: [{ status: 'failed', message: 'unexpected Db check result: failed' }],
        gitaly_check: [{ status: 'ok', labels: { shard: 'default' } }],
      });
      assert.equal((await broken.request('/-/liveness', { token: null })).status, 200);
    } finally {
      await broken.close().catch(() => {});
    }
  });
});
