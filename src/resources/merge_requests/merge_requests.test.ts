import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, cloneUrl, createProject, gitOk, gitTemp } from '../git_http/test_helpers.js';

interface Mr {
  iid: number;
  state: string;
  sha: string;
  has_conflicts: boolean;
  merge_status: string;
  detailed_merge_status: string;
  diff_refs: { base_sha: string; head_sha: string; start_sha: string } | null;
  changes_count: string | null;
  merge_commit_sha: string | null;
  squash_commit_sha: string | null;
  draft: boolean;
  work_in_progress: boolean;
  labels: string[];
  user: { can_merge: boolean };
  references: { short: string; full: string };
}

describe('merge requests on real git', () => {
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

  /** A project with a README on main, cloned; `branch` pushes commits touching `files`. */
  async function setup(attrs: Record<string, unknown> = {}) {
    const p = await createProject(s, { name: unique('mr'), initialize_with_readme: true, ...attrs });
    const d = path.join(tmp, unique('w'));
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, s.rootToken), d], tmp);
    const branch = async (name: string, files: Record<string, string>, from = 'origin/main') => {
      await gitOk(['checkout', '--quiet', '-B', name, from], d);
      for (const [f, c] of Object.entries(files)) {
        await fs.writeFile(path.join(d, f), c);
        await gitOk(['add', f], d);
        await gitOk(['commit', '--quiet', '-m', `${name}: ${f}`], d);
      }
      await gitOk(['push', '--quiet', 'origin', `${name}:${name}`], d);
      return (await gitOk(['rev-parse', 'HEAD'], d)).trim();
    };
    return { p, d, branch };
  }

  test('C-MR1 create/get through gitbeaker: diff_refs, mergeability from git, refs/merge-requests/<iid>/head, iids, 409 duplicate, 422 branches', async () => {
    const { p, d, branch } = await setup();
    const head = await branch('feature', { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const api = s.gitlab();
    const created = (await api.MergeRequests.create(p.id, 'feature', 'main', 'Add a and b', {
      description: 'desc',
      labels: 'x,y',
      squash: true,
    })) as unknown as Mr;
    assert.equal(created.iid, 1);
    assert.equal(created.state, 'opened');
    assert.equal(created.sha, head);
    assert.equal(created.has_conflicts, false);
    assert.equal(created.merge_status, 'can_be_merged');
    assert.equal(created.detailed_merge_status, 'mergeable');
    assert.equal(created.changes_count, '2');
    assert.deepEqual(created.labels, ['x', 'y']);
    assert.equal(created.user.can_merge, true);
    assert.equal(created.references.full, `${p.path_with_namespace}!1`);
    const main = (await gitOk(['rev-parse', 'origin/main'], d)).trim();
    assert.deepEqual(created.diff_refs, { base_sha: main, head_sha: head, start_sha: main });
    await gitOk(['fetch', '--quiet', 'origin', '+refs/merge-requests/*:refs/remotes/mr/*'], d);
    assert.equal((await gitOk(['rev-parse', 'mr/1/head'], d)).trim(), head);

    const got = (await api.MergeRequests.show(p.id, 1)) as unknown as Mr;
    assert.equal(got.sha, head);

    const dup = await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'feature', target_branch: 'main', title: 'again' },
    });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body, {
      message: ['Another open merge request already exists for this source branch: !1'],
    });
    const same = await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'main', target_branch: 'main', title: 't' },
    });
    assert.equal(same.status, 422);
    assert.deepEqual(same.body, { message: ['You must select different branches'] });
    const missing = await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'nope', target_branch: 'main', title: 't' },
    });
    assert.equal(missing.status, 422);
    assert.deepEqual(missing.body, { message: ['Source branch "nope" does not exist'] });
    const noTitle = await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'feature', target_branch: 'main' },
    });
    assert.equal(noTitle.status, 400);
    assert.deepEqual(noTitle.body, { error: 'title is missing' });
    const dev = await createUser(s);
    await addMember(s, p.id, dev.id, 30);
    assert.equal(
      (await s.request(`/projects/${p.id}/merge_requests/1`, { method: 'DELETE', token: dev.token })).status,
      403,
    );
    assert.equal((await s.request(`/projects/${p.id}/merge_requests/1`, { method: 'DELETE' })).status, 204);
    assert.equal((await s.request(`/projects/${p.id}/merge_requests/1`)).status, 404);
    const ls = await gitOk(['ls-remote', 'origin', 'refs/merge-requests/*'], d);
    assert.equal(ls.trim(), '');
    const none = await s.request(`/projects/${p.id}/merge_requests/99`);
    assert.equal(none.status, 404);
    assert.deepEqual(none.body, { message: '404 Merge Request Not Found' });
  });

  test('C-MR2 update: close/reopen, title Draft:, add/remove labels, target_branch check; lists with filters', async () => {
    const { p, branch } = await setup();
    await branch('one', { 'one.txt': '1\n' });
    await branch('two', { 'two.txt': '2\n' });
    const mk = async (source: string, title: string) =>
      (
        await s.request(`/projects/${p.id}/merge_requests`, {
          method: 'POST',
          body: { source_branch: source, target_branch: 'main', title, labels: 'bug' },
        })
      ).body as Mr;
    const one = await mk('one', 'First');
    const two = await mk('two', 'Draft: second');
    assert.equal(two.draft, true);
    assert.equal(two.work_in_progress, true);
    assert.equal(two.detailed_merge_status, 'draft_status');

    const put = (iid: number, body: Record<string, unknown>) =>
      s.request(`/projects/${p.id}/merge_requests/${iid}`, { method: 'PUT', body });
    const closed = await put(one.iid, { state_event: 'close', add_labels: 'ready', remove_labels: 'bug' });
    assert.equal(closed.status, 200);
    assert.equal((closed.body as Mr).state, 'closed');
    assert.deepEqual((closed.body as Mr).labels, ['ready']);
    assert.equal((closed.body as Mr).detailed_merge_status, 'not_open');
    const nothing = await put(one.iid, {});
    assert.equal(nothing.status, 400);
    const badTarget = await put(one.iid, { target_branch: 'nope' });
    assert.equal(badTarget.status, 422);
    assert.deepEqual(badTarget.body, { message: ['Target branch "nope" does not exist'] });

    const list = async (q: string) =>
      ((await s.request(`/projects/${p.id}/merge_requests?${q}`)).body as Mr[]).map((m) => m.iid);
    assert.deepEqual(await list(''), [2, 1]);
    assert.deepEqual(await list('state=opened'), [2]);
    assert.deepEqual(await list('state=closed'), [1]);
    assert.deepEqual(await list('labels=ready'), [1]);
    assert.deepEqual(await list('source_branch=two'), [2]);
    assert.deepEqual(await list('wip=yes'), [2]);
    assert.deepEqual(await list('draft=false'), [1]);
    assert.deepEqual(await list('search=second'), [2]);
    assert.deepEqual(await list('search=second%20draft'), [2]);
    assert.deepEqual(await list('search=dr'), []);
    assert.deepEqual(await list('iids[]=1'), [1]);
    assert.deepEqual(await list('order_by=title&sort=asc'), [2, 1]);
    const simple = (await s.request(`/projects/${p.id}/merge_requests?view=simple`)).body as Array<
      Record<string, unknown>
    >;
    assert.deepEqual(Object.keys(simple[0]!), [
      'id',
      'iid',
      'project_id',
      'title',
      'description',
      'state',
      'created_at',
      'updated_at',
      'web_url',
    ]);
    const reopened = await put(one.iid, { state_event: 'reopen', title: 'First again' });
    assert.equal((reopened.body as Mr).state, 'opened');
    const all = (await s.request('/merge_requests?scope=all&state=opened')).body as Array<{
      project_id: number;
    }>;
    assert.equal(all.filter((m) => m.project_id === p.id).length, 2);

    // Visibility: a private project's MRs are hidden from strangers, shown to reporters.
    const stranger = await createUser(s);
    assert.equal(
      (await s.request(`/projects/${p.id}/merge_requests/1`, { token: stranger.token })).status,
      404,
    );
    const mine = (await s.request('/merge_requests?scope=all', { token: stranger.token })).body as unknown[];
    assert.equal(mine.length, 0);
    await addMember(s, p.id, stranger.id, 20);
    assert.equal(
      (await s.request(`/projects/${p.id}/merge_requests/1`, { token: stranger.token })).status,
      200,
    );
  });

  test('C-MR3 reading the change: commits, changes, diffs, raw_diffs, participants', async () => {
    const { p, branch } = await setup();
    await branch('read', { 'r1.txt': 'one\n', 'r2.txt': 'two\n' });
    await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'read', target_branch: 'main', title: 'Read me' },
    });
    const base = `/projects/${p.id}/merge_requests/1`;
    const commits = (await s.request(`${base}/commits`)).body as Array<{ title: string }>;
    assert.deepEqual(
      commits.map((c) => c.title),
      ['read: r2.txt', 'read: r1.txt'],
    );
    const changes = (await s.request(`${base}/changes`)).body as { changes: Array<{ new_path: string }> };
    assert.deepEqual(
      changes.changes.map((c) => c.new_path),
      ['r1.txt', 'r2.txt'],
    );
    const diffs = await s.request(`${base}/diffs?per_page=1`);
    assert.equal((diffs.body as unknown[]).length, 1);
    assert.equal(diffs.headers.get('x-total'), '2');
    const raw = await fetch(`${s.url}/api/v4${base}/raw_diffs`, {
      headers: { 'private-token': s.rootToken },
    });
    assert.equal(raw.status, 200);
    assert.match(await raw.text(), /^diff --git a\/r1.txt b\/r1.txt/);
    const participants = (await s.request(`${base}/participants`)).body as Array<{ username: string }>;
    assert.deepEqual(
      participants.map((u) => u.username),
      ['root'],
    );
  });

  test('C-MR4 merge through gitbeaker: merge commit, squash, sha mismatch 409, conflicts 405, fetch shows history; two merges at once', async () => {
    const { p, d, branch } = await setup();
    const api = s.gitlab();
    const head = await branch('plain', { 'p.txt': 'p\n' });
    await api.MergeRequests.create(p.id, 'plain', 'main', 'Plain');
    const wrong = await s.request(`/projects/${p.id}/merge_requests/1/merge`, {
      method: 'PUT',
      body: { sha: '0'.repeat(40) },
    });
    assert.equal(wrong.status, 409);
    assert.deepEqual(wrong.body, { message: `SHA does not match HEAD of source branch: ${head}` });
    const merged = (await api.MergeRequests.merge(p.id, 1, { sha: head })) as unknown as Mr;
    assert.equal(merged.state, 'merged');
    assert.ok(merged.merge_commit_sha);
    // The merged MR still counts the files of its last version, as GitLab keeps the diff.
    assert.equal(merged.changes_count, '1');
    assert.equal(((await s.request(`/projects/${p.id}/merge_requests/1`)).body as Mr).changes_count, '1');
    await gitOk(['fetch', '--quiet', 'origin'], d);
    assert.equal((await gitOk(['rev-parse', 'origin/main'], d)).trim(), merged.merge_commit_sha);
    assert.equal((await gitOk(['rev-parse', 'origin/main^2'], d)).trim(), head);
    assert.match(
      await gitOk(['log', '-1', '--format=%B', 'origin/main'], d),
      new RegExp(
        `^Merge branch 'plain' into 'main'\\n\\nPlain\\n\\nSee merge request ${p.path_with_namespace}!1`,
      ),
    );
    const again = await s.request(`/projects/${p.id}/merge_requests/1/merge`, { method: 'PUT' });
    assert.equal(again.status, 405);

    // Squash: one commit with the branch's tree, merged with a merge commit; source removed.
    await branch('sq', { 's1.txt': '1\n', 's2.txt': '2\n' });
    await api.MergeRequests.create(p.id, 'sq', 'main', 'Squash me');
    const sq = (await api.MergeRequests.merge(p.id, 2, {
      squash: true,
      squashCommitMessage: 'Squashed!',
      shouldRemoveSourceBranch: true,
    })) as unknown as Mr;
    assert.ok(sq.squash_commit_sha);
    await gitOk(['fetch', '--quiet', '--prune', 'origin'], d);
    assert.equal((await gitOk(['rev-parse', 'origin/main^2'], d)).trim(), sq.squash_commit_sha);
    assert.equal((await gitOk(['log', '-1', '--format=%s', 'origin/main^2'], d)).trim(), 'Squashed!');
    assert.equal((await gitOk(['ls-remote', '--heads', 'origin', 'sq'], d)).trim(), '');

    // Conflicts: both sides change README.md.
    await branch('c1', { 'README.md': 'one\n' });
    await branch('c2', { 'README.md': 'two\n' });
    await api.MergeRequests.create(p.id, 'c1', 'main', 'C1');
    await api.MergeRequests.create(p.id, 'c2', 'main', 'C2');
    await api.MergeRequests.merge(p.id, 3);
    const conflicted = (await api.MergeRequests.show(p.id, 4)) as unknown as Mr;
    assert.equal(conflicted.has_conflicts, true);
    assert.equal(conflicted.merge_status, 'cannot_be_merged');
    assert.equal(conflicted.detailed_merge_status, 'conflict');
    const refused = await s.request(`/projects/${p.id}/merge_requests/4/merge`, { method: 'PUT' });
    assert.equal(refused.status, 405);
    assert.deepEqual(refused.body, { message: '405 Method Not Allowed' });

    // Two merges of the same MR at once: one merges, the other is refused; main has one merge.
    await branch('race', { 'race.txt': 'r\n' });
    await api.MergeRequests.create(p.id, 'race', 'main', 'Race');
    const before = (await s.request(`/projects/${p.id}/repository/branches/main`)).body as {
      commit: { id: string };
    };
    const results = await Promise.all(
      [1, 2].map(() => s.request(`/projects/${p.id}/merge_requests/5/merge`, { method: 'PUT' })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 405]);
    await gitOk(['fetch', '--quiet', 'origin'], d);
    assert.equal((await gitOk(['rev-parse', 'origin/main^1'], d)).trim(), before.commit.id);

    // Draft and permission refusals.
    await branch('dr', { 'dr.txt': 'd\n' });
    await api.MergeRequests.create(p.id, 'dr', 'main', 'Draft: not yet');
    assert.equal(
      (await s.request(`/projects/${p.id}/merge_requests/6/merge`, { method: 'PUT' })).status,
      405,
    );
    const dev = await createUser(s);
    await addMember(s, p.id, dev.id, 30);
    await s.request(`/projects/${p.id}/merge_requests/6`, { method: 'PUT', body: { title: 'Ready' } });
    const byDev = await s.request(`/projects/${p.id}/merge_requests/6/merge`, {
      method: 'PUT',
      token: dev.token,
    });
    assert.equal(byDev.status, 401);
    assert.deepEqual(byDev.body, { message: '401 Unauthorized' });
    // Closed: 405, also with a sha that does not match (mergeability is checked first).
    await s.request(`/projects/${p.id}/merge_requests/6`, { method: 'PUT', body: { state_event: 'close' } });
    const closed = await s.request(`/projects/${p.id}/merge_requests/6/merge`, {
      method: 'PUT',
      body: { sha: '0'.repeat(40) },
    });
    assert.equal(closed.status, 405);
    assert.deepEqual(closed.body, { message: '405 Method Not Allowed' });
    const shown = (await s.request(`/projects/${p.id}/merge_requests/6`, { token: dev.token })).body as Mr;
    assert.equal(shown.user.can_merge, false);
  });

  test('C-MR5 fast-forward projects refuse a diverged source with 405 and fast-forward a linear one', async () => {
    const { p, d, branch } = await setup();
    await s.request(`/projects/${p.id}`, { method: 'PUT', body: { merge_method: 'ff' } });
    const head = await branch('lin', { 'l.txt': 'l\n' });
    await branch('div', { 'v.txt': 'v\n' });
    await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'lin', target_branch: 'main', title: 'Linear' },
    });
    await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'div', target_branch: 'main', title: 'Diverged' },
    });
    const ff = await s.request(`/projects/${p.id}/merge_requests/1/merge`, { method: 'PUT' });
    assert.equal(ff.status, 200);
    assert.equal((ff.body as Mr).merge_commit_sha, null);
    await gitOk(['fetch', '--quiet', 'origin'], d);
    assert.equal((await gitOk(['rev-parse', 'origin/main'], d)).trim(), head);
    assert.equal(
      ((await s.request(`/projects/${p.id}/merge_requests/2`)).body as Mr).detailed_merge_status,
      'need_rebase',
    );
    // main moved one commit past the diverged branch's base; the fields appear only when asked for.
    const asked = (
      await s.request(
        `/projects/${p.id}/merge_requests/2?include_diverged_commits_count=true&include_rebase_in_progress=true`,
      )
    ).body as Record<string, unknown>;
    assert.equal(asked.diverged_commits_count, 1);
    assert.equal(asked.rebase_in_progress, false);
    const plain = (await s.request(`/projects/${p.id}/merge_requests/2`)).body as Record<string, unknown>;
    assert.equal('diverged_commits_count' in plain || 'rebase_in_progress' in plain, false);
    const div = await s.request(`/projects/${p.id}/merge_requests/2/merge`, { method: 'PUT' });
    assert.equal(div.status, 405);
    // GitLab checks mergeability (rebase needed) before the sha: a wrong sha here is 405, not 409.
    const divSha = await s.request(`/projects/${p.id}/merge_requests/2/merge`, {
      method: 'PUT',
      body: { sha: '0'.repeat(40) },
    });
    assert.equal(divSha.status, 405);
    assert.deepEqual(divSha.body, { message: '405 Method Not Allowed' });

    // Rebase replays the diverged branch on main (synchronously); then it fast-forwards.
    const rebased = await s.request(`/projects/${p.id}/merge_requests/2/rebase`, { method: 'PUT' });
    assert.equal(rebased.status, 202);
    assert.deepEqual(rebased.body, { rebase_in_progress: false });
    const after = (await s.request(`/projects/${p.id}/merge_requests/2`)).body as Mr;
    assert.equal(after.diff_refs?.base_sha, head);
    const ff2 = await s.request(`/projects/${p.id}/merge_requests/2/merge`, { method: 'PUT' });
    assert.equal(ff2.status, 200);
    await gitOk(['fetch', '--quiet', 'origin'], d);
    assert.equal((await gitOk(['rev-parse', 'origin/main~1'], d)).trim(), head);
    assert.equal((await gitOk(['log', '-1', '--format=%s', 'origin/main'], d)).trim(), 'div: v.txt');
    const stranger = await createUser(s);
    await addMember(s, p.id, stranger.id, 20);
    await branch('late', { 'late.txt': 'l\n' }, 'origin/main~1');
    await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'late', target_branch: 'main', title: 'Late' },
    });
    const denied = await s.request(`/projects/${p.id}/merge_requests/3/rebase`, {
      method: 'PUT',
      token: stranger.token,
    });
    assert.equal(denied.status, 403);
  });
  test('C-MR6 approvals: approve (201, twice 401), sha 409, approvals, unapprove (404 when none), reset 202; reviewer/assignee filters; group list', async () => {
    const group = (
      await s.request('/groups', { method: 'POST', body: { name: unique('g'), path: unique('g') } })
    ).body as { id: number };
    const { p, branch } = await setup({ namespace_id: group.id });
    const head = await branch('ap', { 'ap.txt': 'a\n' });
    const dev = await createUser(s);
    await addMember(s, p.id, dev.id, 30);
    const created = await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: {
        source_branch: 'ap',
        target_branch: 'main',
        title: 'Approve me',
        reviewer_ids: [dev.id],
        assignee_ids: [dev.id],
      },
    });
    assert.equal(created.status, 201);
    const base = `/projects/${p.id}/merge_requests/1`;
    const wrongSha = await s.request(`${base}/approve`, {
      method: 'POST',
      token: dev.token,
      body: { sha: '1'.repeat(40) },
    });
    assert.equal(wrongSha.status, 409);
    const ok = await s.gitlab(dev.token).MergeRequestApprovals.approve(p.id, 1, { sha: head });
    assert.equal((ok as unknown as { approved: boolean }).approved, true);
    // The merge request's own fields lead the answer, as GitLab.com's ApprovalState does.
    assert.deepEqual(
      [ok.id, ok.iid, ok.project_id, ok.title, ok.state, ok.merge_status],
      [(created.body as { id: number }).id, 1, p.id, 'Approve me', 'opened', 'can_be_merged'],
    );
    const twice = await s.request(`${base}/approve`, { method: 'POST', token: dev.token });
    assert.equal(twice.status, 401);
    const status = (await s.request(`${base}/approvals`, { token: dev.token })).body as {
      user_has_approved: boolean;
      user_can_approve: boolean;
      approved_by: Array<{ user: { id: number } }>;
    };
    assert.equal(status.user_has_approved, true);
    assert.equal(status.user_can_approve, false);
    assert.deepEqual(
      status.approved_by.map((a) => a.user.id),
      [dev.id],
    );
    const un = await s.request(`${base}/unapprove`, { method: 'POST', token: dev.token });
    assert.equal(un.status, 201);
    const unAgain = await s.request(`${base}/unapprove`, { method: 'POST', token: dev.token });
    assert.equal(unAgain.status, 404);
    assert.deepEqual(unAgain.body, { message: '404 Not found' });
    await s.request(`${base}/approve`, { method: 'POST', token: dev.token });
    assert.equal(
      (await s.request(`${base}/reset_approvals`, { method: 'PUT', token: dev.token })).status,
      401,
    );
    assert.equal((await s.request(`${base}/reset_approvals`, { method: 'PUT' })).status, 202);
    assert.equal(((await s.request(`${base}/approvals`)).body as { approved: boolean }).approved, false);

    const ids = async (url: string, token?: string) =>
      ((await s.request(url, { token })).body as Array<{ iid: number }>).map((m) => m.iid);
    assert.deepEqual(await ids(`/groups/${group.id}/merge_requests?reviewer_id=${dev.id}`), [1]);
    assert.deepEqual(await ids(`/groups/${group.id}/merge_requests?assignee_id=none`), []);
    assert.deepEqual(await ids('/merge_requests?scope=reviews_for_me', dev.token), [1]);
    assert.deepEqual(await ids('/merge_requests?scope=assigned_to_me', dev.token), [1]);
    assert.deepEqual(await ids('/merge_requests', dev.token), []);
    const full = (await s.request(base)).body as {
      reviewers: Array<{ id: number }>;
      assignee: { id: number };
    };
    assert.equal(full.reviewers[0]?.id, dev.id);
    assert.equal(full.assignee.id, dev.id);
  });
  test('C-MR7 notes on a merge request through gitbeaker: create, list, get, edit by the author only, delete; participants include commenters', async () => {
    const { p, branch } = await setup({ visibility: 'public' });
    await branch('nt', { 'nt.txt': 'n\n' });
    await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'nt', target_branch: 'main', title: 'Notes' },
    });
    const other = await createUser(s);
    const note = (await s.gitlab(other.token).MergeRequestNotes.create(p.id, 1, 'Looks good')) as unknown as {
      id: number;
      body: string;
      noteable_type: string;
      noteable_iid: number;
    };
    assert.equal(note.body, 'Looks good');
    assert.equal(note.noteable_type, 'MergeRequest');
    assert.equal(note.noteable_iid, 1);
    const base = `/projects/${p.id}/merge_requests/1/notes`;
    const list = (await s.request(base)).body as Array<{ id: number }>;
    assert.deepEqual(
      list.map((n) => n.id),
      [note.id],
    );
    assert.equal((await s.request(`${base}/${note.id}`)).status, 200);
    assert.equal((await s.request(`${base}/${note.id}`, { method: 'PUT', body: { body: 'x' } })).status, 403);
    const edited = await s.request(`${base}/${note.id}`, {
      method: 'PUT',
      token: other.token,
      body: { body: 'Edited' },
    });
    assert.equal((edited.body as { body: string }).body, 'Edited');
    const blank = await s.request(base, { method: 'POST', token: other.token, body: { body: ' ' } });
    assert.equal(blank.status, 400);
    const participants = (await s.request(`/projects/${p.id}/merge_requests/1/participants`)).body as Array<{
      id: number;
    }>;
    assert.ok(participants.some((u) => u.id === other.id));
    assert.equal(
      (await s.request(`${base}/${note.id}`, { method: 'DELETE', token: other.token })).status,
      204,
    );
    assert.equal((await s.request(`${base}/${note.id}`)).status, 404);
    assert.equal(
      ((await s.request(`/projects/${p.id}/merge_requests/1`)).body as { user_notes_count: number })
        .user_notes_count,
      0,
    );
  });
});
