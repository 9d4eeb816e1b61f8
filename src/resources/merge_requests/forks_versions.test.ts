import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { cloneUrl, createProject, gitOk, gitTemp } from '../git_http/test_helpers.js';

interface Mr {
  iid: number;
  project_id: number;
  source_project_id: number;
  target_project_id: number;
  state: string;
  sha: string;
  detailed_merge_status: string;
  diff_refs: { base_sha: string; head_sha: string; start_sha: string } | null;
  changes_count: string | null;
  merge_commit_sha: string | null;
  allow_collaboration?: boolean;
  allow_maintainer_to_push?: boolean;
  web_url: string;
}

interface Version {
  id: number;
  head_commit_sha: string;
  base_commit_sha: string;
  start_commit_sha: string;
  created_at: string;
  merge_request_id: number;
  state: string;
  real_size: string;
  patch_id_sha: string | null;
}

describe('merge requests from forks, versions', () => {
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

  async function commitAndPush(d: string, branch: string, files: Record<string, string>, remote = 'origin') {
    for (const [f, c] of Object.entries(files)) {
      await fs.writeFile(path.join(d, f), c);
      await gitOk(['add', f], d);
      await gitOk(['commit', '--quiet', '-m', `${branch}: ${f}`], d);
    }
    await gitOk(['push', '--quiet', remote, `HEAD:refs/heads/${branch}`], d);
    return (await gitOk(['rev-parse', 'HEAD'], d)).trim();
  }

  test('C-MR8 fork merge request: gitbeaker + git CLI — fork, push to the fork, open into upstream, diffs across repositories, merge, fetch upstream', async () => {
    const upstream = await createProject(s, {
      name: unique('up'),
      initialize_with_readme: true,
      visibility: 'public',
    });
    const contributor = await createUser(s);
    const api = s.gitlab(contributor.token);
    const fork = (await api.Projects.fork(upstream.id)) as unknown as {
      id: number;
      path_with_namespace: string;
    };
    const d = path.join(tmp, unique('fork'));
    await gitOk(['clone', '--quiet', cloneUrl(s, fork.path_with_namespace, contributor.token), d], tmp);
    await gitOk(['checkout', '--quiet', '-b', 'feature'], d);
    const head = await commitAndPush(d, 'feature', { 'f1.txt': 'one\n', 'f2.txt': 'two\n' });

    const created = (await api.MergeRequests.create(fork.id, 'feature', 'main', 'From my fork', {
      targetProjectId: upstream.id,
      allowCollaboration: true,
    })) as unknown as Mr;
    assert.equal(created.project_id, upstream.id);
    assert.equal(created.target_project_id, upstream.id);
    assert.equal(created.source_project_id, fork.id);
    assert.equal(created.sha, head);
    assert.equal(created.detailed_merge_status, 'mergeable');
    assert.equal(created.changes_count, '2');
    assert.equal(created.allow_collaboration, true);
    assert.equal(created.allow_maintainer_to_push, true);
    assert.match(created.web_url, new RegExp(`/${upstream.path_with_namespace}/-/merge_requests/1$`));

    // The source commits are in the upstream repository under refs/merge-requests/1/head.
    const up = path.join(tmp, unique('up'));
    await gitOk(['clone', '--quiet', cloneUrl(s, upstream.path_with_namespace, s.rootToken), up], tmp);
    await gitOk(['fetch', '--quiet', 'origin', '+refs/merge-requests/*:refs/remotes/mr/*'], up);
    assert.equal((await gitOk(['rev-parse', 'mr/1/head'], up)).trim(), head);
    const changes = (await s.request(`/projects/${upstream.id}/merge_requests/1/changes`)).body as {
      changes: Array<{ new_path: string }>;
    };
    assert.deepEqual(
      changes.changes.map((c) => c.new_path),
      ['f1.txt', 'f2.txt'],
    );
    const commits = (await s.request(`/projects/${upstream.id}/merge_requests/1/commits`)).body as Array<{
      id: string;
    }>;
    assert.equal(commits[0]?.id, head);

    // A push to the fork's branch moves the upstream MR (head ref, sha, a new version).
    const head2 = await commitAndPush(d, 'feature', { 'f3.txt': 'three\n' });
    const moved = (await s.request(`/projects/${upstream.id}/merge_requests/1`)).body as Mr;
    assert.equal(moved.sha, head2);
    assert.equal(moved.changes_count, '3');
    const versions = (await s.request(`/projects/${upstream.id}/merge_requests/1/versions`))
      .body as Version[];
    assert.deepEqual(
      versions.map((v) => v.head_commit_sha),
      [head2, head],
    );

    // A contributor without membership upstream cannot merge; the maintainer can.
    const refused = await s.request(`/projects/${upstream.id}/merge_requests/1/merge`, {
      method: 'PUT',
      token: contributor.token,
    });
    assert.equal(refused.status, 401);
    const merged = (await s.gitlab().MergeRequests.merge(upstream.id, 1, {
      sha: head2,
      shouldRemoveSourceBranch: true,
    })) as unknown as Mr;
    assert.equal(merged.state, 'merged');
    await gitOk(['fetch', '--quiet', 'origin'], up);
    assert.equal((await gitOk(['rev-parse', 'origin/main'], up)).trim(), merged.merge_commit_sha);
    assert.equal((await gitOk(['rev-parse', 'origin/main^2'], up)).trim(), head2);
    assert.equal(
      (await gitOk(['log', '--format=%s', 'origin/main^1..origin/main^2'], up)).trim().split('\n').length,
      3,
    );
    // The source branch went from the fork.
    assert.equal((await gitOk(['ls-remote', '--heads', 'origin', 'feature'], d)).trim(), '');
  });

  test('C-MR9 fork merge request errors: 422 outside the fork network, fallback for a hidden or missing target, 409 duplicate, 422 missing branch', async () => {
    const upstream = await createProject(s, {
      name: unique('up'),
      initialize_with_readme: true,
      visibility: 'public',
    });
    const unrelated = await createProject(s, {
      name: unique('other'),
      initialize_with_readme: true,
      visibility: 'public',
    });
    const owner = await createUser(s);
    const fork = (await s.gitlab(owner.token).Projects.fork(upstream.id)) as unknown as {
      id: number;
      path_with_namespace: string;
    };
    const d = path.join(tmp, unique('f'));
    await gitOk(['clone', '--quiet', cloneUrl(s, fork.path_with_namespace, owner.token), d], tmp);
    await commitAndPush(d, 'topic', { 't.txt': 't\n' });
    const post = (body: Record<string, unknown>) =>
      s.request(`/projects/${fork.id}/merge_requests`, {
        method: 'POST',
        token: owner.token,
        body: { source_branch: 'topic', target_branch: 'main', title: 'T', ...body },
      });
    const outside = await post({ target_project_id: unrelated.id });
    assert.equal(outside.status, 422);
    assert.deepEqual(outside.body, { message: ['Source project is not a fork of the target project'] });
    const missingBranch = await post({ target_project_id: upstream.id, source_branch: 'nope' });
    assert.equal(missingBranch.status, 422);
    assert.deepEqual(missingBranch.body, { message: ['Source branch "nope" does not exist'] });

    // A target the caller cannot see (or that does not exist): GitLab falls back to the project itself.
    const hidden = await createProject(s, { name: unique('hidden'), initialize_with_readme: true });
    const fallback = await post({ target_project_id: hidden.id });
    assert.equal(fallback.status, 201);
    assert.equal((fallback.body as Mr).project_id, fork.id);
    const again = await post({ target_project_id: 999_999 });
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, {
      message: ['Another open merge request already exists for this source branch: !1'],
    });

    const intoUpstream = await post({ target_project_id: upstream.id });
    assert.equal(intoUpstream.status, 201);
    const dup = await post({ target_project_id: upstream.id });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body, {
      message: ['Another open merge request already exists for this source branch: !1'],
    });
    // A same-named branch in the upstream is a different source: no conflict with the fork's MR.
    const a = path.join(tmp, unique('a'));
    await gitOk(['clone', '--quiet', cloneUrl(s, upstream.path_with_namespace, s.rootToken), a], tmp);
    await commitAndPush(a, 'topic', { 'u.txt': 'u\n' });
    const own = await s.request(`/projects/${upstream.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'topic', target_branch: 'main', title: 'Upstream topic' },
    });
    assert.equal(own.status, 201);
    assert.equal((own.body as Mr).allow_collaboration, undefined);
  });

  test('C-MR10 versions: one at create and one per push, GitLab fields, the single version with commits and diffs, 404; deleted source branch', async () => {
    const p = await createProject(s, { name: unique('v'), initialize_with_readme: true });
    const d = path.join(tmp, unique('v'));
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, s.rootToken), d], tmp);
    const main = (await gitOk(['rev-parse', 'HEAD'], d)).trim();
    await gitOk(['checkout', '--quiet', '-b', 'ver'], d);
    const h1 = await commitAndPush(d, 'ver', { 'v1.txt': '1\n' });
    const mr = (await s.gitlab().MergeRequests.create(p.id, 'ver', 'main', 'Versions')) as unknown as Mr & {
      id: number;
    };
    const base = `/projects/${p.id}/merge_requests/1`;
    let versions = (await s.request(`${base}/versions`)).body as Version[];
    assert.equal(versions.length, 1);
    const v1 = versions[0]!;
    assert.deepEqual(Object.keys(v1), [
      'id',
      'head_commit_sha',
      'base_commit_sha',
      'start_commit_sha',
      'created_at',
      'merge_request_id',
      'state',
      'real_size',
      'patch_id_sha',
    ]);
    assert.equal(v1.head_commit_sha, h1);
    assert.equal(v1.base_commit_sha, main);
    assert.equal(v1.start_commit_sha, main);
    assert.equal(v1.merge_request_id, mr.id);
    assert.equal(v1.state, 'collected');
    assert.equal(v1.real_size, '1');
    assert.match(v1.patch_id_sha ?? '', /^[0-9a-f]{40}$/);

    // Two pushes: two more versions, newest first; reading twice adds nothing.
    const h2 = await commitAndPush(d, 'ver', { 'v2.txt': '2\n' });
    const h3 = await commitAndPush(d, 'ver', { 'v3.txt': '3\n', 'v4.txt': '4\n' });
    await s.request(base);
    versions = (await s.request(`${base}/versions`)).body as Version[];
    assert.deepEqual(
      versions.map((v) => [v.head_commit_sha, v.real_size]),
      [
        [h3, '4'],
        [h2, '2'],
        [h1, '1'],
      ],
    );
    const page = await s.request(`${base}/versions?per_page=1`);
    assert.equal(page.headers.get('x-total'), '3');

    const single = (await s
      .gitlab()
      .MergeRequests.showDiffVersion(p.id, 1, versions[1]!.id)) as unknown as Version & {
      commits: Array<{ id: string }>;
      diffs: Array<{ new_path: string }>;
    };
    assert.equal(single.head_commit_sha, h2);
    assert.deepEqual(
      single.commits.map((c) => c.id),
      [h2, h1],
    );
    assert.deepEqual(
      single.diffs.map((x) => x.new_path),
      ['v1.txt', 'v2.txt'],
    );
    const missing = await s.request(`${base}/versions/999999`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: '404 Not found' });

    // Deleting the source branch: the MR stays open, shows its last diff, and cannot be merged.
    await gitOk(['push', '--quiet', 'origin', '--delete', 'ver'], d);
    const gone = (await s.request(base)).body as Mr;
    assert.equal(gone.state, 'opened');
    assert.equal(gone.detailed_merge_status, 'broken_status');
    assert.equal(gone.diff_refs?.head_sha, h3);
    const changes = (await s.request(`${base}/changes`)).body as { changes: unknown[] };
    assert.equal(changes.changes.length, 4);
    assert.equal((await s.request(`${base}/merge`, { method: 'PUT' })).status, 405);
    // Pushing it back brings the MR back to mergeable without a new version for the same head.
    await gitOk(['push', '--quiet', 'origin', 'HEAD:refs/heads/ver'], d);
    const back = (await s.request(base)).body as Mr;
    assert.equal(back.detailed_merge_status, 'mergeable');
    assert.equal(((await s.request(`${base}/versions`)).body as Version[]).length, 3);
  });
});
