// C32: a database that stays busy past its lock timeout answers 503 with GitLab-style JSON, never 500.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { unique } from './factories.js';
import { createRecord } from './multiprocess-support.js';
import { startTestServer, type TestServer, testDatabase } from './server.js';

const skip = testDatabase !== 'sqlite' && 'SQLite write lock only (PostgreSQL waits on row locks instead)';

describe('a residual SQLITE_BUSY (C32)', { skip }, () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  it('answers 503 {"message":"503 Service Unavailable"} with Retry-After while another process holds the write lock', async () => {
    // Shorten this server's wait so the test does not take busy_timeout's 15 s.
    await sql`pragma busy_timeout = 50`.execute(s.server.database.db);
    const other = new SQLite(path.join(s.dataDir, 'labforge.sqlite3'));
    other.exec('begin immediate');
    try {
      const res = await createRecord(s.url, s.rootToken, unique('busy'));
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, { message: '503 Service Unavailable' });
      assert.equal(res.retryAfter, '1');
    } finally {
      other.exec('rollback');
      other.close();
      await sql`pragma busy_timeout = 15000`.execute(s.server.database.db);
    }
    const res = await createRecord(s.url, s.rootToken, unique('after'));
    assert.equal(res.status, 201);
  });
});
