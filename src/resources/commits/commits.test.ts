import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { createProject } from '../git_http/test_helpers.js';

describe('commits and repository', () => {
  let s: TestServer;
  let project: { id: number; path_with_namespace: string };
  let second: { id: string };
  before(async () => {
    s = await startTestServer();
    project = await createProject(s, { name: unique('commits'), initialize_with_readme: true });
    const res = await s.request(`/projects/${project.id}/repository/commits`, {
      method: 'POST',
      body: {
        branch: 'main',
        commit_message: 'Two files\n\nSigned-off-by: A <a@example.com>',
        actions: [
          { action: 'create', file_path: 'src/a.txt', content: 'a\nb\n' },
          { action: 'update', file_path: 'README.md', content: '# changed\n' },
        ],
      },
    });
    assert.equal(res.status, 201, res.text);
    second = res.body as { id: string };
  });
  after(() => s.close());

  test('create answers CommitDetail with stats; get; trailers', async () => {
    const got = await s.request(`/projects/${project.id}/repository/commits/${second.id}`);
    assert.equal(got.status, 200);
    const c = got.body as Record<string, unknown>;
    assert.equal(c.title, 'Two files');
    assert.deepEqual(c.stats, { additions: 3, deletions: 1, total: 4 });
    assert.deepEqual(c.trailers, { 'Signed-off-by': 'A <a@example.com>' });
    assert.equal(c.project_id, project.id);
    assert.equal(c.created_at, c.committed_date);
    const missing = await s.request(`/projects/${project.id}/repository/commits/deadbeef`);
    assert.deepEqual([missing.status, missing.body], [404, { message: '404 Commit Not Found' }]);
    const hostile = await s.request(`/projects/${project.id}/repository/commits/--all`);
    assert.equal(hostile.status, 404);
  });

  test('list: paginated with totals, path filter, with_stats; diff; refs', async () => {
    const list = await s.request(`/projects/${project.id}/repository/commits?per_page=1`);
    assert.equal(list.status, 200);
    assert.equal((list.body as unknown[]).length, 1);
    assert.equal(list.headers.get('x-total'), '2');
    assert.equal(list.headers.get('x-next-page'), '2');
    const page2 = await s.request(`/projects/${project.id}/repository/commits?per_page=1&page=2`);
    assert.equal((page2.body as Array<{ title: string }>)[0]?.title, 'Initial commit');
    const byPath = await s.request(
      `/projects/${project.id}/repository/commits?path=src/a.txt&with_stats=true`,
    );
    const only = byPath.body as Array<{ id: string; stats: unknown }>;
    assert.deepEqual(
      only.map((x) => x.id),
      [second.id],
    );
    assert.ok(only[0]?.stats);
    const diff = await s.request(`/projects/${project.id}/repository/commits/${second.id}/diff`);
    const d = diff.body as Array<{ new_path: string; new_file: boolean }>;
    assert.deepEqual(
      d.map((x) => [x.new_path, x.new_file]),
      [
        ['README.md', false],
        ['src/a.txt', true],
      ],
    );
    const refs = await s.request(`/projects/${project.id}/repository/commits/${second.id}/refs`);
    assert.deepEqual(refs.body, [{ type: 'branch', name: 'main' }]);
  });

  test('tree (root, path, recursive), blobs, compare, merge_base, contributors, archive', async () => {
    const root = await s.request(`/projects/${project.id}/repository/tree`);
    assert.deepEqual(
      (root.body as Array<{ name: string; type: string }>).map((e) => [e.name, e.type]),
      [
        ['src', 'tree'],
        ['README.md', 'blob'],
      ],
    );
    const rec = await s.request(`/projects/${project.id}/repository/tree?recursive=true`);
    assert.ok((rec.body as Array<{ path: string }>).some((e) => e.path === 'src/a.txt'));
    const missing = await s.request(`/projects/${project.id}/repository/tree?path=nope`);
    assert.deepEqual([missing.status, missing.body], [404, { message: '404 Tree Not Found' }]);
    const blobId = (root.body as Array<{ id: string; name: string }>).find((e) => e.name === 'README.md')!.id;
    const blob = await s.request(`/projects/${project.id}/repository/blobs/${blobId}`);
    assert.equal(Buffer.from((blob.body as { content: string }).content, 'base64').toString(), '# changed\n');
    const raw = await s.request(`/projects/${project.id}/repository/blobs/${blobId}/raw`);
    assert.equal(raw.text, '# changed\n');

    await s.request(`/projects/${project.id}/repository/branches`, {
      method: 'POST',
      body: { branch: 'old', ref: `${second.id}~1` },
    });
    const cmp = await s.request(`/projects/${project.id}/repository/compare?from=old&to=main`);
    assert.equal(cmp.status, 200);
    const c = cmp.body as { commits: Array<{ id: string }>; diffs: unknown[]; compare_same_ref: boolean };
    assert.deepEqual(
      c.commits.map((x) => x.id),
      [second.id],
    );
    assert.equal(c.diffs.length, 2);
    const badCmp = await s.request(`/projects/${project.id}/repository/compare?from=-x&to=main`);
    assert.equal(badCmp.status, 404);
    const base = await s.request(`/projects/${project.id}/repository/merge_base?refs[]=old&refs[]=main`);
    assert.equal(base.status, 200);
    assert.notEqual((base.body as { id: string }).id, second.id);
    const contributors = await s.request(`/projects/${project.id}/repository/contributors`);
    assert.equal((contributors.body as Array<{ commits: number }>)[0]?.commits, 2);

    const tgz = await fetch(`${s.url}/api/v4/projects/${project.id}/repository/archive.tar.gz`, {
      headers: { 'private-token': s.rootToken },
    });
    assert.equal(tgz.status, 200);
    const bytes = Buffer.from(await tgz.arrayBuffer());
    assert.equal(bytes[0], 0x1f);
    assert.equal(bytes[1], 0x8b);
    const zip = await fetch(`${s.url}/api/v4/projects/${project.id}/repository/archive.zip?sha=old`, {
      headers: { 'private-token': s.rootToken },
    });
    assert.equal(
      Buffer.from(await zip.arrayBuffer())
        .subarray(0, 2)
        .toString(),
      'PK',
    );
  });

  test('gitbeaker: Commits and Repositories end to end', async () => {
    const api = s.gitlab();
    const created = await api.Commits.create(project.id, 'main', 'gb commit', [
      { action: 'create', filePath: 'gb.txt', content: 'x' },
    ]);
    const shown = await api.Commits.show(project.id, created.id);
    assert.equal(shown.title, 'gb commit');
    const all = await api.Commits.all(project.id, { refName: 'main' });
    assert.equal(all[0]?.id, created.id);
    const tree = await api.Repositories.allRepositoryTrees(project.id);
    assert.ok(tree.some((e) => e.name === 'gb.txt'));
    const cmp = await api.Repositories.compare(project.id, 'old', 'main');
    assert.equal(cmp.commits?.length, 2);
  });
});
