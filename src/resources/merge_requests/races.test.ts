import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { cloneUrl, createProject, gitOk, gitTemp } from '../git_http/test_helpers.js';

describe('merge request races', () => {
  let s: TestServer;
  let tmp: string;
  before(async () => {
    s = await startTestServer();
    tmp = await gitTemp();
  });
  after(async () => {
    await s.close();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  async function project() {
    const p = await createProject(s, { name: unique('race'), initialize_with_readme: true });
    const d = path.join(tmp, unique('w'));
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, s.rootToken), d], tmp);
    await gitOk(['checkout', '--quiet', '-b', 'topic'], d);
    const push = async (file: string) => {
      await fs.writeFile(path.join(d, file), `${file}\n`);
      await gitOk(['add', file], d);
      await gitOk(['commit', '--quiet', '-m', file], d);
      await gitOk(['push', '--quiet', 'origin', 'HEAD:refs/heads/topic'], d);
      return (await gitOk(['rev-parse', 'HEAD'], d)).trim();
    };
    return { p, push };
  }

  test('C24 five creates of the same merge request at once: exactly one 201, the others 409 (the partial unique index, also on PostgreSQL)', async () => {
    const { p, push } = await project();
    await push('a.txt');
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        s.request(`/projects/${p.id}/merge_requests`, {
          method: 'POST',
          body: { source_branch: 'topic', target_branch: 'main', title: `Race ${n}` },
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 409, 409, 409, 409]);
    const winner = results.find((r) => r.status === 201)!.body as { iid: number };
    for (const r of results.filter((x) => x.status === 409))
      assert.deepEqual(r.body, {
        message: [`Another open merge request already exists for this source branch: !${winner.iid}`],
      });
    const open = (await s.request(`/projects/${p.id}/merge_requests?state=opened`)).body as unknown[];
    assert.equal(open.length, 1);
  });

  test('a push to the source branch between reading sha and merging makes the merge refuse with 409; the MR stays open, not locked', async () => {
    const { p, push } = await project();
    const h1 = await push('a.txt');
    await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'topic', target_branch: 'main', title: 'Moving' },
    });
    const read = (await s.request(`/projects/${p.id}/merge_requests/1`)).body as { sha: string };
    assert.equal(read.sha, h1);
    const h2 = await push('b.txt');
    const refused = await s.request(`/projects/${p.id}/merge_requests/1/merge`, {
      method: 'PUT',
      body: { sha: read.sha },
    });
    assert.equal(refused.status, 409);
    assert.deepEqual(refused.body, { message: `SHA does not match HEAD of source branch: ${h2}` });
    const after = (await s.request(`/projects/${p.id}/merge_requests/1`)).body as {
      state: string;
      sha: string;
    };
    assert.equal(after.state, 'opened');
    assert.equal(after.sha, h2);
    const merged = await s.request(`/projects/${p.id}/merge_requests/1/merge`, {
      method: 'PUT',
      body: { sha: h2 },
    });
    assert.equal(merged.status, 200);
  });

  test('a merge that died holding the lock: a stale `locked` MR answers opened and mergeable again and merges; a fresh lock stays', async () => {
    const { p, push } = await project();
    await push('a.txt');
    await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'topic', target_branch: 'main', title: 'Stuck' },
    });
    const db = s.server.deps.db;
    const lock = (at: Date) =>
      db
        .updateTable('merge_requests')
        .set({ state: 'locked', updated_at: at.toISOString() })
        .where('project_id', '=', p.id)
        .where('iid', '=', 1)
        .execute();
    type Shown = { state: string; detailed_merge_status: string; merge_status: string };
    // Taken a minute ago: still a merge in progress.
    await lock(new Date(Date.now() - 60_000));
    assert.equal(((await s.request(`/projects/${p.id}/merge_requests/1`)).body as Shown).state, 'locked');
    assert.equal(
      (await s.request(`/projects/${p.id}/merge_requests/1/merge`, { method: 'PUT' })).status,
      405,
    );
    // Taken an hour ago by a process that is gone.
    await lock(new Date(Date.now() - 3_600_000));
    const shown = (await s.request(`/projects/${p.id}/merge_requests/1`)).body as Shown;
    assert.equal(shown.state, 'opened');
    assert.equal(shown.merge_status, 'can_be_merged');
    assert.equal(shown.detailed_merge_status, 'mergeable');
    const row = await db
      .selectFrom('merge_requests')
      .select('state')
      .where('project_id', '=', p.id)
      .where('iid', '=', 1)
      .executeTakeFirstOrThrow();
    assert.equal(row.state, 'opened');
    // And straight to merge, without a read first.
    await lock(new Date(Date.now() - 3_600_000));
    const merged = await s.request(`/projects/${p.id}/merge_requests/1/merge`, { method: 'PUT' });
    assert.equal(merged.status, 200);
    assert.equal((merged.body as Shown).state, 'merged');
  });
});
