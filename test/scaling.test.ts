// Two `labforge serve` instances on one database and one data folder look like one forge, and
// `labforge db migrate|status` is safe from several processes at once. Runs on both databases:
// on PostgreSQL this is the several-machines shape (docs/SCALING.md); on SQLite both instances
// must be on one machine (WAL needs a local file system).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  createRecord,
  createSite,
  type Instance,
  runCli,
  type Site,
  serve,
  storedIds,
  testDatabase,
} from './multiprocess-support.js';

describe(`several instances and migrations (${testDatabase})`, () => {
  const sites: Site[] = [];
  const instances: Instance[] = [];
  after(async () => {
    for (const i of instances) await i.stop();
    for (const s of sites) await s.dispose();
  });

  it('db status lists pending migrations; three concurrent db migrate: one applies, the others wait and find nothing to do', async () => {
    const site = await createSite();
    sites.push(site);
    const before = runCli(site, ['db', 'status']);
    assert.deepEqual(await before.exited, { code: 0, signal: null }, before.output());
    assert.match(before.output(), new RegExp(`^database: ${testDatabase} \\d`, 'm'));
    assert.match(before.output(), /^down {2}0001_foundation$/m);
    assert.match(before.output(), /^down {2}0002_internal_ids$/m);
    assert.doesNotMatch(before.output(), /^up/m);

    const runs = [1, 2, 3].map(() => runCli(site, ['db', 'migrate']));
    const exits = await Promise.all(runs.map((r) => r.exited));
    const outputs = runs.map((r) => r.output());
    assert.deepEqual(
      exits,
      runs.map(() => ({ code: 0, signal: null })),
      outputs.join('\n'),
    );
    assert.equal(
      outputs.filter((o) => /^applied: 0001_foundation, 0002_internal_ids/m.test(o)).length,
      1,
      outputs.join('\n'),
    );
    assert.equal(outputs.filter((o) => /^the schema is up to date$/m.test(o)).length, 2, outputs.join('\n'));

    const status = runCli(site, ['db', 'status']);
    await status.exited;
    assert.match(status.output(), /^up {4}0001_foundation {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/m);
    assert.match(status.output(), /^up {4}0002_internal_ids {2}/m);
    assert.doesNotMatch(status.output(), /^down/m);
    const again = runCli(site, ['db', 'migrate']);
    await again.exited;
    assert.match(again.output(), /^the schema is up to date$/m);
  });

  it('two instances on different ports are one forge: what one writes, the other reads at once', async () => {
    const site = await createSite();
    sites.push(site);
    // Started together: both migrate and bootstrap; one creates root, the other finds it.
    const [a, b] = await Promise.all([serve(site), serve(site)]);
    instances.push(a, b);
    assert.notEqual(a.url, b.url);
    const both = [a, b] as const;

    for (let i = 0; i < 10; i++) {
      const writer = both[i % 2]!;
      const reader = both[(i + 1) % 2]!;
      // A token made on one instance signs in on the other.
      const made = await fetch(`${writer.url}/api/v4/users/1/personal_access_tokens`, {
        method: 'POST',
        headers: { 'private-token': site.rootToken, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `scaling${i}`, scopes: ['read_api'] }),
      });
      assert.equal(made.status, 201);
      const { token, id } = (await made.json()) as { token: string; id: number };
      const me = await fetch(`${reader.url}/api/v4/user`, { headers: { 'private-token': token } });
      assert.equal(me.status, 200, `token ${id} from ${writer.url} works on ${reader.url}`);
      assert.equal(((await me.json()) as { username: string }).username, 'root');
    }

    // Concurrent writes through both instances: unique ids, all stored.
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => createRecord(both[i % 2]!.url, site.rootToken, `scale${i}`)),
    );
    assert.deepEqual(
      results.filter((r) => r.status !== 201),
      [],
    );
    const ids = results.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    const stored = await storedIds(
      site,
      results.map((r) => r.key),
    );
    for (const r of results) assert.equal(stored.get(r.key), r.id);

    // Root was created exactly once although both started at the same time.
    const database = site.open();
    try {
      const roots = await database.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'root')
        .execute();
      assert.deepEqual(roots, [{ id: 1 }]);
    } finally {
      await database.close();
    }
  });
});
