// The database layer behaves the same on SQLite and PostgreSQL (the runner runs this file on both).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startTestServer, type TestServer, testDatabase } from '../../test/server.js';
import type { Db } from './connection.js';
import { isTransientDatabaseError, notNullViolationColumn } from './errors.js';
import { nextIid, trackGreatestIid } from './internal_ids.js';
import { migrationStatus } from './migrate.js';
import { containsText, equalsIgnoringCase, ilike, likeEscape, startsWithText } from './text.js';

describe(`database layer (${testDatabase})`, () => {
  let s: TestServer;
  let db: Db;
  const stamp = '2024-02-29T23:59:58.123Z';

  before(async () => {
    s = await startTestServer();
    db = s.server.database.db;
    assert.equal(s.server.database.dialect, testDatabase);
    const names = ['b_x', 'A%b', 'a', 'B', 'Zed', 'ab', 'a\\c', '_under', 'Émile'];
    await db
      .insertInto('users')
      .values(
        names.map((n, i) => ({
          username: `dialect-${n}`,
          name: n,
          email: `dialect${i}@example.com`,
          external: i % 2 === 0,
          created_at: stamp,
          updated_at: stamp,
        })),
      )
      .execute();
  });
  after(() => s.close());

  const users = () => db.selectFrom('users').where('username', 'like', 'dialect-%');

  it('names the column of a NOT NULL violation on both databases (answered 400, never 500)', async () => {
    const err = await db
      .updateTable('users')
      .set({ name: null as unknown as string })
      .where('username', '=', 'dialect-a')
      .execute()
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.ok(err, 'the update must fail');
    assert.equal(notNullViolationColumn(err), 'name');
    assert.equal(notNullViolationColumn(new Error('other')), null);
  });

  it('reads timestamps back as the ISO string written (UTC, milliseconds, Z)', async () => {
    const row = await users().select(['created_at', 'updated_at']).executeTakeFirstOrThrow();
    assert.equal(row.created_at, stamp);
    assert.equal(row.updated_at, stamp);
    // Comparisons with ISO strings work on both (text order on SQLite, timestamptz on PostgreSQL).
    const later = await users()
      .select('id')
      .where('created_at', '>', '2024-02-29T23:59:58.122Z')
      .where('created_at', '<', '2024-03-01T00:00:00.000Z')
      .execute();
    assert.equal(later.length, 9);
  });

  it('reads dates back as YYYY-MM-DD', async () => {
    await db.updateTable('users').set({ last_activity_on: '2024-03-01' }).where('name', '=', 'a').execute();
    const row = await users().select('last_activity_on').where('name', '=', 'a').executeTakeFirstOrThrow();
    assert.equal(row.last_activity_on, '2024-03-01');
  });

  it('orders text by code point (byte order), the same on both', async () => {
    const rows = await users().select('name').orderBy('name').orderBy('id').execute();
    const names = rows.map((r) => r.name);
    assert.deepEqual(names, [...names].sort());
    assert.deepEqual(names, ['A%b', 'B', 'Zed', '_under', 'a', 'a\\c', 'ab', 'b_x', 'Émile']);
  });

  it('matches case-insensitively with LIKE wildcards in user input escaped', async () => {
    const names = async (where: ReturnType<typeof ilike>) =>
      (await users().select('name').where(where).orderBy('name').execute()).map((r) => r.name);
    assert.equal(likeEscape('50%_a\\b'), '50\\%\\_a\\\\b');
    assert.deepEqual(await names(containsText('name', 'A')), ['A%b', 'a', 'a\\c', 'ab']);
    assert.deepEqual(await names(containsText('name', '%')), ['A%b']);
    assert.deepEqual(await names(containsText('name', '_')), ['_under', 'b_x']);
    assert.deepEqual(await names(containsText('name', '\\')), ['a\\c']);
    assert.deepEqual(await names(startsWithText('name', 'a')), ['A%b', 'a', 'a\\c', 'ab']);
    assert.deepEqual(await names(startsWithText('name', 'a%')), ['A%b']);
    assert.deepEqual(await names(ilike('name', 'b_')), []);
    assert.deepEqual(await names(ilike('name', 'a_')), ['ab']);
    assert.deepEqual(await names(equalsIgnoringCase('name', 'ZED')), ['Zed']);
    // Plain equality stays case-sensitive on both.
    assert.deepEqual((await users().select('name').where('name', '=', 'zed').execute()).length, 0);
  });

  it('reads booleans as SqlBool (normalize with Boolean) and counts as numbers', async () => {
    const rows = await users().select(['name', 'external']).orderBy('id').execute();
    assert.deepEqual(
      rows.map((r) => Boolean(r.external)),
      rows.map((_, i) => i % 2 === 0),
    );
    const { n } = await users()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(n, 9);
    assert.equal(typeof n, 'number');
  });

  it('stores JSON as text, unchanged', async () => {
    const payload = JSON.stringify({ emoji: '🦊', quote: 'it\'s "x"', nested: [1, { a: null }] });
    const row = await db
      .insertInto('background_jobs')
      .values({
        queue: 'dialect',
        kind: 'noop',
        payload,
        run_at: '2999-01-01T00:00:00.000Z',
        created_at: stamp,
        updated_at: stamp,
      })
      .returning(['id', 'payload', 'run_at'])
      .executeTakeFirstOrThrow();
    assert.equal(row.payload, payload);
    assert.equal(row.run_at, '2999-01-01T00:00:00.000Z');
    assert.equal(typeof row.id, 'number');
    await db.deleteFrom('background_jobs').where('id', '=', row.id).execute();
  });

  it('allocates iids atomically per scope (C54)', async () => {
    const scope = { usage: 'issues', scopeType: 'project', scopeId: 4242 };
    const got = await Promise.all(Array.from({ length: 40 }, () => nextIid(db, scope)));
    assert.deepEqual(
      [...got].sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    // Other scopes and usages count on their own.
    assert.equal(await nextIid(db, { ...scope, scopeId: 4243 }), 1);
    assert.equal(await nextIid(db, { ...scope, usage: 'merge_requests' }), 1);
    // An explicit iid moves the counter forward, never back.
    await trackGreatestIid(db, scope, 100);
    await trackGreatestIid(db, scope, 7);
    assert.equal(await nextIid(db, scope), 101);
    // A rolled-back transaction gives its iid back.
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        assert.equal(await nextIid(trx, scope), 102);
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal(await nextIid(db, scope), 102);
  });

  it('lists every migration as applied', async () => {
    const status = await migrationStatus(db);
    assert.ok(status.length >= 2);
    assert.deepEqual(
      status.slice(0, 2).map((m) => m.name),
      ['0001_foundation', '0002_internal_ids'],
    );
    assert.ok(status.every((m) => m.executedAt instanceof Date));
  });

  it('classifies busy/lock errors as transient (answered 503, C32)', async () => {
    assert.equal(isTransientDatabaseError(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' })), true);
    assert.equal(
      isTransientDatabaseError(Object.assign(new Error('x'), { code: 'SQLITE_BUSY_SNAPSHOT' })),
      true,
    );
    assert.equal(isTransientDatabaseError(Object.assign(new Error('x'), { code: '40P01' })), true);
    assert.equal(isTransientDatabaseError(Object.assign(new Error('x'), { code: '23505' })), false);
    assert.equal(isTransientDatabaseError(new Error('x')), false);
    // A real unique violation is not transient on either database.
    const err = await db
      .insertInto('users')
      .values({
        username: 'dialect-a',
        name: 'dup',
        email: 'dialect0@example.com',
        created_at: stamp,
        updated_at: stamp,
      })
      .execute()
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.ok(err);
    assert.equal(isTransientDatabaseError(err), false);
    await sql`select 1`.execute(db);
  });
});
