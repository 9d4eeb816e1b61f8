import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, createProject } from '../git_http/test_helpers.js';

describe('repository files', () => {
  let s: TestServer;
  let project: { id: number; path_with_namespace: string };
  const files = () => `/projects/${project.id}/repository/files`;
  before(async () => {
    s = await startTestServer();
    project = await createProject(s, { name: unique('files'), initialize_with_readme: true });
  });
  after(() => s.close());

  test('C52: create at an encoded path, GET with metadata, HEAD headers, raw', async () => {
    const created = await s.request(`${files()}/src%2Fa.md`, {
      method: 'POST',
      body: { branch: 'main', content: 'hello\n', commit_message: 'Add a' },
    });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body, { file_path: 'src/a.md', branch: 'main' });

    const got = await s.request(`${files()}/src%2Fa.md?ref=main`);
    assert.equal(got.status, 200);
    const f = got.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(f), [
      'file_name',
      'file_path',
      'size',
      'encoding',
      'content_sha256',
      'ref',
      'blob_id',
      'commit_id',
      'last_commit_id',
      'execute_filemode',
      'content',
    ]);
    assert.equal(f.file_name, 'a.md');
    assert.equal(f.size, 6);
    assert.equal(Buffer.from(f.content as string, 'base64').toString(), 'hello\n');
    assert.equal(f.content_sha256, createHash('sha256').update('hello\n').digest('hex'));
    assert.equal(f.execute_filemode, false);
    assert.equal(f.commit_id, f.last_commit_id);

    const head = await s.request(`${files()}/src%2Fa.md?ref=main`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('x-gitlab-file-path'), 'src/a.md');
    assert.equal(head.headers.get('x-gitlab-blob-id'), f.blob_id);
    assert.equal(head.headers.get('x-gitlab-size'), '6');

    const raw = await s.request(`${files()}/src%2Fa.md/raw?ref=main`);
    assert.equal(raw.status, 200);
    assert.equal(raw.text, 'hello\n');
    assert.match(raw.headers.get('content-type') ?? '', /^text\/plain/);
  });

  test('update with last_commit_id (optimistic lock), base64 and execute_filemode, delete', async () => {
    const path = `${files()}/${unique('f')}.sh`;
    await s.request(path, { method: 'POST', body: { branch: 'main', content: 'a', commit_message: 'c' } });
    const first = (await s.request(`${path}?ref=main`)).body as { last_commit_id: string };
    const upd = await s.request(path, {
      method: 'PUT',
      body: {
        branch: 'main',
        content: Buffer.from('#!/bin/sh\n').toString('base64'),
        encoding: 'base64',
        execute_filemode: true,
        commit_message: 'u',
        last_commit_id: first.last_commit_id,
      },
    });
    assert.equal(upd.status, 200, upd.text);
    const now = (await s.request(`${path}?ref=main`)).body as { execute_filemode: boolean; content: string };
    assert.equal(now.execute_filemode, true);
    assert.equal(Buffer.from(now.content, 'base64').toString(), '#!/bin/sh\n');
    const stale = await s.request(path, {
      method: 'PUT',
      body: { branch: 'main', content: 'x', commit_message: 'u2', last_commit_id: first.last_commit_id },
    });
    assert.equal(stale.status, 400);
    assert.deepEqual(stale.body, {
      message: 'You are attempting to update a file that has changed since you started editing it.',
    });
    const del = await s.request(path, { method: 'DELETE', body: { branch: 'main', commit_message: 'd' } });
    assert.equal(del.status, 204);
    const gone = await s.request(`${path}?ref=main`);
    assert.deepEqual([gone.status, gone.body], [404, { message: '404 File Not Found' }]);
  });

  test("GitLab's errors: existing/missing files, bad ref, missing params, hostile paths and refs", async () => {
    const dup = await s.request(`${files()}/README.md`, {
      method: 'POST',
      body: { branch: 'main', content: 'x', commit_message: 'c' },
    });
    assert.deepEqual([dup.status, dup.body], [400, { message: 'A file with this name already exists' }]);
    const missing = await s.request(`${files()}/nope.md`, {
      method: 'PUT',
      body: { branch: 'main', content: 'x', commit_message: 'c' },
    });
    assert.deepEqual(
      [missing.status, missing.body],
      [400, { message: "A file with this name doesn't exist" }],
    );
    const noRef = await s.request(`${files()}/README.md`);
    assert.deepEqual([noRef.status, noRef.body], [400, { error: 'ref is missing' }]);
    const badRef = await s.request(`${files()}/README.md?ref=nope`);
    assert.deepEqual([badRef.status, badRef.body], [404, { message: '404 Commit Not Found' }]);
    const hostileRef = await s.request(`${files()}/README.md?ref=${encodeURIComponent('--output=/tmp/x')}`);
    assert.equal(hostileRef.status, 404);
    for (const p of ['..%2Fx', '.git%2Fconfig', 'a%2F..%2F..%2Fb']) {
      const r = await s.request(`${files()}/${p}`, {
        method: 'POST',
        body: { branch: 'main', content: 'x', commit_message: 'c' },
      });
      assert.equal(r.status, 400, p);
    }
    const branchless = await s.request(`${files()}/x.md`, {
      method: 'POST',
      body: { branch: '-x', content: 'x', commit_message: 'c' },
    });
    assert.equal(branchless.status, 400);
  });

  test('protected branches: a developer is refused with 403, can commit to a new branch with start_branch', async () => {
    const dev = await createUser(s);
    await addMember(s, project.id, dev.id, 30);
    const refused = await s.request(`${files()}/dev.md`, {
      method: 'POST',
      token: dev.token,
      body: { branch: 'main', content: 'x', commit_message: 'c' },
    });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, {
      message: '403 Forbidden - You are not allowed to push into this branch',
    });
    const ok = await s.request(`${files()}/dev.md`, {
      method: 'POST',
      token: dev.token,
      body: { branch: 'dev-branch', start_branch: 'main', content: 'x', commit_message: 'c' },
    });
    assert.equal(ok.status, 201, ok.text);
  });

  test("concurrent writers from the same old value (API + API): exactly one wins, the rest get GitLab's error, nothing lost", async () => {
    // Each writer holds last_commit_id from the same read, so every one starts from the same branch
    // head: a lock that let two through (check, then commit on whatever the head is by then) fails.
    const lost = [
      'You are attempting to update a file that has changed since you started editing it.',
      'Could not update refs/heads/main. Please refresh and try again.',
    ];
    const created = await s.request(`${files()}/race.txt`, {
      method: 'POST',
      body: { branch: 'main', content: 'start', commit_message: 'race start' },
    });
    assert.equal(created.status, 201, created.text);
    for (let round = 0; round < 4; round++) {
      const before = (await s.request(`${files()}/race.txt?ref=main`)).body as {
        commit_id: string;
        last_commit_id: string;
      };
      const writers = ['a', 'b', 'c', 'd'].map((w) => `${round}-${w}`);
      const results = await Promise.all(
        writers.map((content) =>
          s.request(`${files()}/race.txt`, {
            method: 'PUT',
            body: {
              branch: 'main',
              content,
              commit_message: `race ${content}`,
              last_commit_id: before.last_commit_id,
            },
          }),
        ),
      );
      const winners = results.flatMap((r, i) => (r.status === 200 ? [writers[i]!] : []));
      assert.equal(winners.length, 1, `round ${round}: ${results.map((r) => r.status).join(',')}`);
      for (const r of results.filter((x) => x.status !== 200)) {
        assert.equal(r.status, 400);
        assert.ok(lost.includes((r.body as { message: string }).message), r.text);
      }
      // The branch head is the winner's commit, directly on the head every writer started from.
      const head = (await s.request(`/projects/${project.id}/repository/commits/main`)).body as {
        parent_ids: string[];
        title: string;
      };
      assert.deepEqual(head.parent_ids, [before.commit_id]);
      assert.equal(head.title, `race ${winners[0]}`);
      assert.equal((await s.request(`${files()}/race.txt/raw?ref=main`)).text, winners[0]);
    }
  });

  test('writers without a lock at once: every accepted commit stays on the branch', async () => {
    const n = 6;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        s.request(`${files()}/free-${i}.txt`, {
          method: 'POST',
          body: { branch: 'main', content: String(i), commit_message: `free ${i}` },
        }),
      ),
    );
    for (const r of results.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, {
        message: 'Could not update refs/heads/main. Please refresh and try again.',
      });
    }
    for (const [i, r] of results.entries()) {
      const f = await s.request(`${files()}/free-${i}.txt?ref=main`);
      assert.equal(f.status, r.status === 201 ? 200 : 404);
    }
  });

  test('gitbeaker: RepositoryFiles end to end', async () => {
    const api = s.gitlab();
    await api.RepositoryFiles.create(project.id, 'gb/file.txt', 'main', 'one', 'gb create');
    const shown = await api.RepositoryFiles.show(project.id, 'gb/file.txt', 'main');
    assert.equal(Buffer.from(shown.content, 'base64').toString(), 'one');
    await api.RepositoryFiles.edit(project.id, 'gb/file.txt', 'main', 'two', 'gb edit');
    const raw = await api.RepositoryFiles.showRaw(project.id, 'gb/file.txt', 'main');
    assert.equal(String(raw), 'two');
    await api.RepositoryFiles.remove(project.id, 'gb/file.txt', 'main', 'gb remove');
  });

  test('blame: groups of lines with their commit, range[start]/range[end], errors (C52)', async () => {
    const put = (content: string, action: 'POST' | 'PUT', msg: string) =>
      s.request(`${files()}/blame%2Fb.txt`, {
        method: action,
        body: { branch: 'main', content, commit_message: msg },
      });
    assert.equal((await put('one\ntwo\nthree\n', 'POST', 'Blame one')).status, 201);
    assert.equal((await put('one\nTWO\nthree\nfour\n', 'PUT', 'Blame two')).status, 200);
    const res = await s.request(`${files()}/blame%2Fb.txt/blame?ref=main`);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.headers.get('x-gitlab-blob-id'));
    const groups = res.body as Array<{ commit: Record<string, unknown>; lines: string[] }>;
    assert.deepEqual(
      groups.map((g) => [g.commit.title, g.lines]),
      [
        ['Blame one', ['one']],
        ['Blame two', ['TWO']],
        ['Blame one', ['three']],
        ['Blame two', ['four']],
      ],
    );
    assert.deepEqual(Object.keys(groups[0]!), ['commit', 'lines']);
    assert.deepEqual(Object.keys(groups[0]!.commit).slice(0, 6), [
      'id',
      'short_id',
      'created_at',
      'parent_ids',
      'title',
      'message',
    ]);
    assert.match(String(groups[0]!.commit.web_url), /\/-\/commit\/[0-9a-f]{40}$/);

    const ranged = await s.request(`${files()}/blame%2Fb.txt/blame?ref=main&range[start]=2&range[end]=3`);
    assert.equal(ranged.status, 200, ranged.text);
    assert.deepEqual(
      (ranged.body as Array<{ lines: string[] }>).map((g) => g.lines),
      [['TWO'], ['three']],
    );
    const past = await s.request(`${files()}/blame%2Fb.txt/blame?ref=main&range[start]=4&range[end]=99`);
    assert.deepEqual(
      (past.body as Array<{ lines: string[] }>).map((g) => g.lines),
      [['four']],
    );
    const reversed = await s.request(`${files()}/blame%2Fb.txt/blame?ref=main&range[start]=3&range[end]=2`);
    assert.equal(reversed.status, 400);
    assert.deepEqual(reversed.body, { message: 'range[start] must be less than or equal to range[end]' });
    const half = await s.request(`${files()}/blame%2Fb.txt/blame?ref=main&range[start]=1`);
    assert.equal(half.status, 400);
    assert.deepEqual(half.body, { error: 'range[end] is missing' });
    const noRef = await s.request(`${files()}/blame%2Fb.txt/blame`);
    assert.deepEqual([noRef.status, noRef.body], [400, { error: 'ref is missing' }]);
    const missing = await s.request(`${files()}/nope.txt/blame?ref=main`);
    assert.deepEqual([missing.status, missing.body], [404, { message: '404 File Not Found' }]);
    const head = await s.request(`${files()}/blame%2Fb.txt/blame?ref=main`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('x-gitlab-file-path'), 'blame/b.txt');

    const api = s.gitlab();
    const viaGitbeaker = await api.RepositoryFiles.allFileBlames(project.id, 'blame/b.txt', 'main');
    assert.equal(viaGitbeaker.length, 4);
  });
});
