import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';

/** Counts every query the server runs, without touching production code: a plugin on deps.db. */
class QueryCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs) {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs) {
    this.count++;
    return args.result;
  }
}

describe('project lists batch-load (no query per row)', () => {
  let s: TestServer;
  const counter = new QueryCounter();
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('a page of 5 and a page of 20 projects cost the same number of queries', async () => {
    const owner = await createUser(s);
    const viewer = await createUser(s);
    // Variety per row: personal and group namespaces, subgroups, members, shares, stars, topics, forks.
    const groups: number[] = [];
    for (let g = 0; g < 4; g++) {
      const res = await s.request('/groups', {
        method: 'POST',
        token: owner.token,
        body: { name: `g${g}`, path: unique('qg'), visibility: 'public' },
      });
      groups.push((res.body as { id: number }).id);
    }
    await s.request(`/groups/${groups[0]}/members`, {
      method: 'POST',
      token: owner.token,
      body: { user_id: viewer.id, access_level: 30 },
    });
    let first = 0;
    for (let i = 0; i < 40; i++) {
      const res = await s.request('/projects', {
        method: 'POST',
        token: owner.token,
        body: {
          name: `p${i}`,
          namespace_id: i % 5 === 4 ? undefined : groups[i % 4],
          visibility: ['private', 'internal', 'public'][i % 3],
          topics: `t${i % 3},shared`,
        },
      });
      assert.equal(res.status, 201, res.text);
      const id = (res.body as { id: number }).id;
      if (i === 0) first = id;
      if (i % 7 === 0) await s.request(`/projects/${id}/star`, { method: 'POST', token: viewer.token });
      if (i % 9 === 0)
        await s.request(`/projects/${id}/members`, {
          method: 'POST',
          token: owner.token,
          body: { user_id: viewer.id, access_level: 20 },
        });
    }
    await s.request(`/projects/${first}/fork`, { method: 'POST', token: viewer.token });

    const deps = s.server.deps as { db: typeof s.server.deps.db };
    deps.db = deps.db.withPlugin(counter);
    const cost = async (path: string, token: string) => {
      counter.count = 0;
      const res = await s.request(path, { token });
      assert.equal(res.status, 200, res.text);
      return { queries: counter.count, rows: (res.body as unknown[]).length };
    };
    for (const token of [viewer.token, owner.token, s.rootToken]) {
      // Both pages have a next page (so both count the total): only the row count differs.
      const small = await cost('/projects?per_page=5&order_by=id', token);
      const large = await cost('/projects?per_page=20&order_by=id', token);
      assert.equal(small.rows, 5);
      assert.equal(large.rows, 20);
      assert.equal(
        large.queries,
        small.queries,
        `20 rows: ${large.queries} queries; 5 rows: ${small.queries}`,
      );
      // The last page needs no count.
      const all = await cost('/projects?per_page=40&order_by=id', token);
      assert.ok(all.rows >= 25 && all.queries <= small.queries, `${all.rows} rows: ${all.queries} queries`);
      const simple = await cost('/projects?per_page=40&simple=true', token);
      assert.ok(simple.queries <= large.queries);
      const keyset = await cost('/projects?per_page=40&pagination=keyset&order_by=id', token);
      assert.ok(keyset.queries <= large.queries, `keyset ${keyset.queries}`);
    }
    const anonSmall = await cost('/projects?per_page=1', '');
    const anonLarge = await cost('/projects?per_page=40', '');
    assert.ok(anonLarge.rows > anonSmall.rows);
    assert.ok(anonLarge.queries <= anonSmall.queries);
    // A group's projects too.
    const g5 = await cost(`/groups/${groups[0]}/projects?per_page=2`, viewer.token);
    const g40 = await cost(`/groups/${groups[0]}/projects?per_page=40`, viewer.token);
    assert.ok(g40.rows > g5.rows);
    assert.ok(g40.queries <= g5.queries);
  });
});
