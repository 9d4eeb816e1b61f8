import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, cloneUrl, createProject, gitOk, gitTemp } from '../git_http/test_helpers.js';

describe('merge request pipelines, reviewers, approval_state, cancel auto-merge', () => {
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

  /** A project (private unless told) with a pushed branch `feature` and MR !1 from it into main. */
  async function setup(attrs: Record<string, unknown> = {}, mr: Record<string, unknown> = {}) {
    const p = await createProject(s, { name: unique('mrx'), initialize_with_readme: true, ...attrs });
    const d = path.join(tmp, unique('w'));
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, s.rootToken), d], tmp);
    await gitOk(['checkout', '--quiet', '-b', 'feature'], d);
    await fs.writeFile(path.join(d, 'f.txt'), 'f\n');
    await gitOk(['add', 'f.txt'], d);
    await gitOk(['commit', '--quiet', '-m', 'feature'], d);
    await gitOk(['push', '--quiet', 'origin', 'HEAD:refs/heads/feature'], d);
    const created = await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'feature', target_branch: 'main', title: 'Feature', ...mr },
    });
    assert.equal(created.status, 201, created.text);
    return { p, d, base: `/projects/${p.id}/merge_requests/1` };
  }

  test('pipelines: [] with pagination headers (gitbeaker allPipelines); 404 for unknown MR and hidden project', async () => {
    const { p, base } = await setup();
    const res = await s.request(`${base}/pipelines`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, []);
    assert.equal(res.headers.get('x-total'), '0');
    assert.equal(res.headers.get('x-page'), '1');
    assert.equal(res.headers.get('x-per-page'), '20');
    assert.deepEqual(await s.gitlab().MergeRequests.allPipelines(p.id, 1), []);

    const missing = await s.request(`/projects/${p.id}/merge_requests/99/pipelines`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: '404 Merge Request Not Found' });
    const outsider = await createUser(s);
    const hidden = await s.request(`${base}/pipelines`, { token: outsider.token });
    assert.equal(hidden.status, 404);
    assert.deepEqual(hidden.body, { message: '404 Project Not Found' });
    assert.equal((await s.request(`${base}/pipelines`, { token: null })).status, 404);
  });

  test('reviewers: UserBasic + state unreviewed, approved once the reviewer approves; created_at when added; paginated; 404 hidden', async () => {
    const alice = await createUser(s);
    const bob = await createUser(s);
    const { p, base } = await setup();
    await addMember(s, p.id, alice.id, 30);
    await addMember(s, p.id, bob.id, 30);
    const t0 = new Date().toISOString();
    const upd = await s.request(base, { method: 'PUT', body: { reviewer_ids: [alice.id, bob.id] } });
    assert.equal(upd.status, 200, upd.text);
    const t1 = new Date().toISOString();

    type Reviewer = {
      user: { id: number; username: string; web_url: string };
      state: string;
      created_at: unknown;
    };
    let res = await s.request(`${base}/reviewers`);
    assert.equal(res.status, 200);
    let list = res.body as Reviewer[];
    assert.deepEqual(
      list.map((r) => [r.user.username, r.state]),
      [
        [alice.username, 'unreviewed'],
        [bob.username, 'unreviewed'],
      ],
    );
    assert.deepEqual(Object.keys(list[0]).sort(), ['created_at', 'state', 'user']);
    assert.equal(list[0].user.web_url, `${s.url}/${alice.username}`);
    assert.equal(res.headers.get('x-total'), '2');
    // created_at: the time the reviewer was added, as an ISO time with milliseconds.
    for (const r of list) {
      assert.match(String(r.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(String(r.created_at) >= t0 && String(r.created_at) <= t1, String(r.created_at));
    }
    const aliceAdded = list[0].created_at;

    assert.equal((await s.request(`${base}/approve`, { method: 'POST', token: bob.token })).status, 201);
    res = await s.request(`${base}/reviewers?per_page=1&page=2`);
    list = res.body as Reviewer[];
    assert.deepEqual(
      list.map((r) => [r.user.username, r.state]),
      [[bob.username, 'approved']],
    );
    assert.equal(res.headers.get('x-total'), '2');

    // Replacing the reviewers keeps a reviewer who stays (same created_at) and times the new one.
    const carol = await createUser(s);
    await addMember(s, p.id, carol.id, 30);
    await new Promise((r) => setTimeout(r, 5));
    const t2 = new Date().toISOString();
    const again = await s.request(base, { method: 'PUT', body: { reviewer_ids: [carol.id, alice.id] } });
    assert.equal(again.status, 200, again.text);
    list = (await s.request(`${base}/reviewers`)).body as Reviewer[];
    assert.deepEqual(
      list.map((r) => r.user.username),
      [alice.username, carol.username],
    );
    assert.equal(list[0].created_at, aliceAdded);
    assert.ok(String(list[1].created_at) >= t2, String(list[1].created_at));

    const outsider = await createUser(s);
    assert.equal((await s.request(`${base}/reviewers`, { token: outsider.token })).status, 404);
  });

  test('approval_state: the free-tier shape (gitbeaker showApprovalState); 404 unknown MR', async () => {
    const { p, base } = await setup();
    const res = await s.request(`${base}/approval_state`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { approval_rules_overwritten: false, rules: [] });
    const viaClient = (await s
      .gitlab()
      .MergeRequestApprovals.showApprovalState(p.id, 1)) as unknown as Record<string, unknown>;
    assert.deepEqual(viaClient, { approval_rules_overwritten: false, rules: [] });
    assert.equal((await s.request(`/projects/${p.id}/merge_requests/7/approval_state`)).status, 404);
  });

  test('cancel_merge_when_pipeline_succeeds: 201 with the refusal body when auto-merge is not set; 401 anonymous and for a reporter; 404 hidden', async () => {
    const { p, base } = await setup({ visibility: 'public' });
    const url = `${base}/cancel_merge_when_pipeline_succeeds`;
    const res = await s.request(url, { method: 'POST' });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body, {
      message: "Can't cancel the automatic merge",
      status: 'error',
      http_status: 406,
    });

    const anon = await s.request(url, { method: 'POST', token: null });
    assert.equal(anon.status, 401);
    assert.deepEqual(anon.body, { message: '401 Unauthorized' });
    const reporter = await createUser(s);
    await addMember(s, p.id, reporter.id, 20);
    const refused = await s.request(url, { method: 'POST', token: reporter.token });
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.body, { message: '401 Unauthorized' });

    const priv = await setup();
    const outsider = await createUser(s);
    const hidden = await s.request(`${priv.base}/cancel_merge_when_pipeline_succeeds`, {
      method: 'POST',
      token: outsider.token,
    });
    assert.equal(hidden.status, 404);
    assert.equal(
      (
        await s.request(`/projects/${p.id}/merge_requests/42/cancel_merge_when_pipeline_succeeds`, {
          method: 'POST',
        })
      ).status,
      404,
    );
  });

  test('merge_ref: commit_id of the merge commit at refs/merge-requests/<iid>/merge (target, source parents), stable until a branch moves; 400 on conflicts; 404 hidden', async () => {
    const { p, d, base } = await setup();
    const res = await s.request(`${base}/merge_ref`);
    assert.equal(res.status, 200, res.text);
    const { commit_id } = res.body as { commit_id: string };
    assert.deepEqual(Object.keys(res.body as object), ['commit_id']);
    await gitOk(['fetch', '--quiet', 'origin', '+refs/merge-requests/1/merge:refs/mr-merge'], d);
    assert.equal((await gitOk(['rev-parse', 'refs/mr-merge'], d)).trim(), commit_id);
    const main = (await gitOk(['rev-parse', 'origin/main'], d)).trim();
    const feature = (await gitOk(['rev-parse', 'origin/feature'], d)).trim();
    assert.equal((await gitOk(['show', '-s', '--format=%P', commit_id], d)).trim(), `${main} ${feature}`);
    assert.match(
      await gitOk(['show', '-s', '--format=%B', commit_id], d),
      /^Merge branch 'feature' into 'main'/,
    );
    // The branch itself does not move.
    await gitOk(['fetch', '--quiet', 'origin'], d);
    assert.equal((await gitOk(['rev-parse', 'origin/main'], d)).trim(), main);
    // Asked again: the same commit.
    assert.deepEqual((await s.request(`${base}/merge_ref`)).body, { commit_id });

    // The target moves: a new merge commit on the new head.
    await gitOk(['checkout', '--quiet', '-B', 'm2', 'origin/main'], d);
    await fs.writeFile(path.join(d, 'g.txt'), 'g\n');
    await gitOk(['add', 'g.txt'], d);
    await gitOk(['commit', '--quiet', '-m', 'g'], d);
    await gitOk(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], d);
    const main2 = (await gitOk(['rev-parse', 'HEAD'], d)).trim();
    const again = (await s.request(`${base}/merge_ref`)).body as { commit_id: string };
    assert.notEqual(again.commit_id, commit_id);
    await gitOk(['fetch', '--quiet', 'origin', '+refs/merge-requests/1/merge:refs/mr-merge'], d);
    assert.equal(
      (await gitOk(['show', '-s', '--format=%P', 'refs/mr-merge'], d)).trim(),
      `${main2} ${feature}`,
    );

    // A conflicting merge request: 400 with GitLab's message.
    await gitOk(['checkout', '--quiet', '-B', 'c', 'origin/feature'], d);
    await fs.writeFile(path.join(d, 'g.txt'), 'other\n');
    await gitOk(['add', 'g.txt'], d);
    await gitOk(['commit', '--quiet', '-m', 'conflict'], d);
    await gitOk(['push', '--quiet', 'origin', 'HEAD:refs/heads/conflicting'], d);
    const mr2 = await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'conflicting', target_branch: 'main', title: 'Conflicting' },
    });
    assert.equal(mr2.status, 201, mr2.text);
    const refused = await s.request(`/projects/${p.id}/merge_requests/2/merge_ref`);
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, { message: 'Merge request is not mergeable' });

    const outsider = await createUser(s);
    assert.equal((await s.request(`${base}/merge_ref`, { token: outsider.token })).status, 404);
    assert.equal((await s.request(`/projects/${p.id}/merge_requests/9/merge_ref`)).status, 404);
  });
});
