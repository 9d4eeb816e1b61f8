// Two `labforge serve` instances on one database and one data folder look like one forge, and
// `labforge db migrate|status` is safe from several processes at once. Runs on both databases:
// on PostgreSQL this is the several-machines shape (docs/SCALING.md); on SQLite both instances
// must be on one machine (WAL needs a local file system).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { gitOk, gitTemp } from '../src/resources/git_http/test_helpers.js';
import {
  createIssueVia,
  createRecord,
  createSite,
  type Instance,
  runCli,
  type Site,
  serve,
  storedIds,
  storedProjectsAndIssues,
  testDatabase,
} from './multiprocess-support.js';

/** `http://oauth2:<token>@host:port/<path>.git` on one instance. */
function remote(instanceUrl: string, fullPath: string, token: string): string {
  const u = new URL(`${instanceUrl}/${fullPath}.git`);
  u.username = 'oauth2';
  u.password = token;
  return u.toString();
}

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

  it('a client alternating between two instances sees one forge: projects, git push on one and clone on the other, issue iids', async () => {
    const site = await createSite();
    sites.push(site);
    const [a, b] = await Promise.all([serve(site), serve(site)]);
    instances.push(a, b);
    const headers = { 'private-token': site.rootToken, 'content-type': 'application/json' };

    // A project created on one instance is read on the other at once, by id and by path.
    const made = await fetch(`${a.url}/api/v4/projects`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Two Doors', path: 'two-doors' }),
    });
    assert.equal(made.status, 201);
    const project = (await made.json()) as { id: number; path_with_namespace: string; empty_repo: boolean };
    assert.equal(project.empty_repo, true);
    for (const ref of [String(project.id), encodeURIComponent(project.path_with_namespace)]) {
      const read = await fetch(`${b.url}/api/v4/projects/${ref}`, { headers });
      assert.equal(read.status, 200);
      assert.equal(((await read.json()) as { id: number }).id, project.id);
    }

    // Push with the real git CLI to A, clone from B: same HEAD; then the other way round.
    const tmp = await gitTemp();
    try {
      const work = path.join(tmp, 'work');
      await gitOk(['init', '--quiet', '--initial-branch', 'main', work], tmp);
      await fs.writeFile(path.join(work, 'README.md'), '# two doors\n');
      await gitOk(['add', 'README.md'], work);
      await gitOk(['commit', '--quiet', '-m', 'first'], work);
      await gitOk(
        ['push', '--quiet', remote(a.url, project.path_with_namespace, site.rootToken), 'main'],
        work,
      );
      const pushed = (await gitOk(['rev-parse', 'HEAD'], work)).trim();
      const clone = path.join(tmp, 'clone');
      await gitOk(
        ['clone', '--quiet', remote(b.url, project.path_with_namespace, site.rootToken), clone],
        tmp,
      );
      assert.equal((await gitOk(['rev-parse', 'HEAD'], clone)).trim(), pushed);
      assert.equal(await fs.readFile(path.join(clone, 'README.md'), 'utf8'), '# two doors\n');

      await fs.writeFile(path.join(clone, 'NOTES.md'), 'from the clone\n');
      await gitOk(['add', 'NOTES.md'], clone);
      await gitOk(['commit', '--quiet', '-m', 'second'], clone);
      await gitOk(['push', '--quiet', 'origin', 'main'], clone);
      const second = (await gitOk(['rev-parse', 'HEAD'], clone)).trim();
      await gitOk(
        ['pull', '--quiet', '--ff-only', remote(a.url, project.path_with_namespace, site.rootToken), 'main'],
        work,
      );
      assert.equal((await gitOk(['rev-parse', 'HEAD'], work)).trim(), second);
      // The API on either instance sees the pushed repository.
      for (const instance of [a, b]) {
        const read = await fetch(`${instance.url}/api/v4/projects/${project.id}`, { headers });
        const body = (await read.json()) as { empty_repo: boolean; default_branch: string };
        assert.equal(body.empty_repo, false, instance.url);
        assert.equal(body.default_branch, 'main');
      }
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }

    // Issues created alternately, one after another and then concurrently: iids 1..n, readable on both.
    const keys = Array.from({ length: 30 }, (_, i) => `door issue ${i}`);
    const sequential = [];
    for (const [i, key] of keys.slice(0, 10).entries())
      sequential.push(await createIssueVia([a, b][i % 2]!.url, site.rootToken, project.id, key));
    assert.deepEqual(
      sequential.map((r) => r.iid),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    const concurrent = await Promise.all(
      keys.slice(10).map((key, i) => createIssueVia([a, b][i % 2]!.url, site.rootToken, project.id, key)),
    );
    assert.deepEqual(
      concurrent.map((r) => r.status),
      concurrent.map(() => 201),
    );
    assert.deepEqual(
      concurrent.map((r) => r.iid!).sort((x, y) => x - y),
      Array.from({ length: 20 }, (_, i) => i + 11),
    );
    for (const r of [...sequential, ...concurrent].slice(0, 6)) {
      const other = r.iid! % 2 === 1 ? b : a;
      const read = await fetch(`${other.url}/api/v4/projects/${project.id}/issues/${r.iid}`, { headers });
      assert.equal(read.status, 200);
      assert.equal(((await read.json()) as { title: string }).title, r.key);
    }
    const list = await fetch(`${b.url}/api/v4/projects/${project.id}/issues?per_page=100`, { headers });
    assert.equal(list.headers.get('x-total'), '30');
    const stored = await storedProjectsAndIssues(site, ['two-doors'], keys);
    assert.equal(stored.issues.size, 30);
  });
});
