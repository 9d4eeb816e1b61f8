import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../test/server.js';

/** Inserts n users straight into the database: volume fixtures only; every assertion goes through HTTP. */
async function seedUsers(s: TestServer, n: number, prefix: string): Promise<void> {
  const now = new Date().toISOString();
  for (let start = 0; start < n; start += 500) {
    const rows = Array.from({ length: Math.min(500, n - start) }, (_, i) => {
      const k = start + i;
      return {
        username: `${prefix}${String(k).padStart(5, '0')}`,
        name: `${prefix} ${(k * 7919) % n}`,
        email: `${prefix}${k}@example.com`,
        created_at: now,
        updated_at: now,
      };
    });
    await s.server.deps.db.insertInto('users').values(rows).execute();
  }
}

function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="(\w+)"/.exec(part.trim());
    if (m) out[m[2]!] = m[1]!;
  }
  return out;
}

describe('offset pagination', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    await seedUsers(s, 44, 'page'); // 45 users with root
  });
  after(() => s.close());

  test('C40: page defaults to 1 and per_page to 20; per_page above 100 is clamped', async () => {
    const first = await s.request('/users');
    assert.equal(first.status, 200);
    assert.equal((first.body as unknown[]).length, 20);
    assert.equal(first.headers.get('x-page'), '1');
    assert.equal(first.headers.get('x-per-page'), '20');
    const big = await s.request('/users?per_page=1000');
    assert.equal(big.headers.get('x-per-page'), '100');
    assert.equal((big.body as unknown[]).length, 45);
  });

  test('C41: Link (prev, next, first, last) keeps the other parameters; x-* headers, empty where none', async () => {
    const res = await s.request('/users?per_page=10&page=2&order_by=id&sort=asc');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-page'), '2');
    assert.equal(res.headers.get('x-per-page'), '10');
    assert.equal(res.headers.get('x-prev-page'), '1');
    assert.equal(res.headers.get('x-next-page'), '3');
    assert.equal(res.headers.get('x-total'), '45');
    assert.equal(res.headers.get('x-total-pages'), '5');
    const l = links(res.headers.get('link'));
    assert.deepEqual(Object.keys(l).sort(), ['first', 'last', 'next', 'prev']);
    assert.equal(l.next, `${s.url}/api/v4/users?order_by=id&page=3&per_page=10&sort=asc`);
    assert.equal(l.prev, `${s.url}/api/v4/users?order_by=id&page=1&per_page=10&sort=asc`);
    assert.equal(l.first, `${s.url}/api/v4/users?order_by=id&page=1&per_page=10&sort=asc`);
    assert.equal(l.last, `${s.url}/api/v4/users?order_by=id&page=5&per_page=10&sort=asc`);

    const firstPage = await s.request('/users?per_page=10');
    assert.equal(firstPage.headers.get('x-prev-page'), '');
    assert.equal(links(firstPage.headers.get('link')).prev, undefined);
    const lastPage = await s.request('/users?per_page=10&page=5');
    assert.equal(lastPage.headers.get('x-next-page'), '');
    assert.equal((lastPage.body as unknown[]).length, 5);
    assert.equal(links(lastPage.headers.get('link')).next, undefined);
    const beyond = await s.request('/users?per_page=10&page=9');
    assert.deepEqual(beyond.body, []);
    assert.equal(beyond.headers.get('x-total'), '45');
  });

  test('C41: the token given as private_token never appears in Link URLs', async () => {
    const res = await s.request(`/users?per_page=5&private_token=${s.rootToken}`, { token: null });
    assert.equal(res.status, 200);
    assert.ok(!(res.headers.get('link') ?? '').includes(s.rootToken));
  });

  test('C41: pages partition the collection: no duplicates, no gaps', async () => {
    const seen: number[] = [];
    for (let page = 1; page <= 5; page++) {
      const res = await s.request(`/users?per_page=10&page=${page}&order_by=name&sort=asc`);
      seen.push(...(res.body as Array<{ id: number }>).map((u) => u.id));
    }
    assert.equal(seen.length, 45);
    assert.equal(new Set(seen).size, 45);
  });
});

describe('large collections', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    await seedUsers(s, 10_000, 'bulk'); // 10,001 users with root
  });
  after(() => s.close());

  test('C42: above 10,000 records x-total, x-total-pages and the last link are left out', async () => {
    const res = await s.request('/users?per_page=100&page=3');
    assert.equal(res.status, 200);
    assert.equal((res.body as unknown[]).length, 100);
    assert.equal(res.headers.get('x-total'), null);
    assert.equal(res.headers.get('x-total-pages'), null);
    const l = links(res.headers.get('link'));
    assert.equal(l.last, undefined);
    assert.ok(l.next && l.prev && l.first);
    assert.equal(res.headers.get('x-next-page'), '4');
  });

  test('C40/C42: 10,001 users walked with per_page=100: every page 200, every user once', async () => {
    const seen = new Set<number>();
    for (let page = 1; ; page++) {
      const res = await s.request(`/users?per_page=100&page=${page}&order_by=id&sort=asc`);
      assert.equal(res.status, 200);
      for (const u of res.body as Array<{ id: number }>) seen.add(u.id);
      if (res.headers.get('x-next-page') === '') break;
      assert.ok(page < 200, 'pagination terminates');
    }
    assert.equal(seen.size, 10_001);
  });

  test('C44: keyset pages by id, name, username and created_at walk the whole collection with only rel="next"', async () => {
    for (const [orderBy, sort] of [
      ['id', 'asc'],
      ['name', 'asc'],
      ['username', 'desc'],
      ['created_at', 'asc'],
    ] as const) {
      const seen = new Set<number>();
      let url: string | undefined =
        `/api/v4/users?pagination=keyset&per_page=100&order_by=${orderBy}&sort=${sort}`;
      let previous: string | null = null;
      let pages = 0;
      while (url) {
        const res = await s.request(url.replace(s.url, ''));
        assert.equal(res.status, 200, `${orderBy}: ${res.text}`);
        const rows = res.body as Array<{ id: number; name: string; username: string; created_at: string }>;
        for (const u of rows) {
          assert.ok(!seen.has(u.id), `${orderBy}: user ${u.id} appears twice`);
          seen.add(u.id);
          const id = String(u.id).padStart(8, '0');
          const key = { id, name: u.name, username: u.username, created_at: `${u.created_at}:${id}` }[
            orderBy
          ];
          if (previous !== null)
            assert.ok(sort === 'asc' ? key >= previous : key <= previous, `${orderBy} ordered`);
          previous = key;
        }
        const l = links(res.headers.get('link'));
        assert.deepEqual(
          Object.keys(l).filter((k) => k !== 'next'),
          [],
          'keyset answers carry only rel="next"',
        );
        url = l.next;
        pages++;
      }
      assert.equal(seen.size, 10_001, `${orderBy}: every user once`);
      assert.equal(pages, 101);
    }
  });

  test("C44: keyset without a stable order (a search ranked by relevance) answers 405 with GitLab's message", async () => {
    const res = await s.request('/users?pagination=keyset&search=bulk');
    assert.equal(res.status, 405);
    assert.deepEqual(res.body, { error: 'Keyset pagination is not yet available for this type of request' });
  });
});
