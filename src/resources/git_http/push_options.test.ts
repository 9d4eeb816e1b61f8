import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, cloneUrl, createProject, git, gitOk, gitTemp } from './test_helpers.js';

interface Mr {
  iid: number;
  title: string;
  description: string | null;
  source_branch: string;
  target_branch: string;
  labels: string[];
  draft: boolean;
  force_remove_source_branch: boolean | null;
  assignees: { username: string }[];
  web_url: string;
}

describe('git push options for merge requests', () => {
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

  async function setup() {
    const p = await createProject(s, { name: unique('po'), initialize_with_readme: true });
    const dev = await createUser(s);
    await addMember(s, p.id, dev.id, 30);
    const d = path.join(tmp, unique('w'));
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, dev.token), d], tmp);
    await gitOk(['branch', 'stable'], d);
    await gitOk(['push', '-q', 'origin', 'stable'], d);
    await gitOk(['checkout', '-q', '-b', 'feature'], d);
    await fs.writeFile(path.join(d, 'a.txt'), 'a\n');
    await gitOk(['add', 'a.txt'], d);
    await gitOk(['commit', '-q', '-m', 'Add the a file', '-m', 'Body text'], d);
    return { p, dev, d };
  }

  const openMrs = async (id: number) => {
    const res = await s.request(`/projects/${id}/merge_requests?state=opened`);
    assert.equal(res.status, 200);
    return res.body as Mr[];
  };

  test('merge_request.create with target, title, labels, draft, remove_source_branch; remote: lines carry the URL; a later push updates it', async () => {
    const { p, dev, d } = await setup();
    const push = await git(
      [
        'push',
        '-o',
        'merge_request.create',
        '-o',
        'merge_request.target=stable',
        '-o',
        'merge_request.title=My feature',
        '-o',
        'merge_request.label=one',
        '-o',
        'merge_request.label=two words',
        '-o',
        'merge_request.draft',
        '-o',
        'merge_request.remove_source_branch',
        '-o',
        'merge_request.merge_when_pipeline_succeeds',
        '-o',
        'merge_request.description=line 1\\nline 2',
        'origin',
        'feature',
      ],
      d,
    );
    assert.equal(push.code, 0, push.stderr);
    const [mr, ...rest] = await openMrs(p.id);
    assert.equal(rest.length, 0);
    assert.ok(mr);
    assert.equal(mr.source_branch, 'feature');
    assert.equal(mr.target_branch, 'stable');
    assert.equal(mr.title, 'Draft: My feature');
    assert.equal(mr.draft, true);
    assert.deepEqual([...mr.labels].sort(), ['one', 'two words']);
    assert.equal(mr.force_remove_source_branch, true);
    assert.equal(mr.description, 'line 1\nline 2');
    assert.deepEqual(
      mr.assignees.map((a) => a.username),
      [dev.username],
    );
    assert.equal(mr.web_url, `${s.url}/${p.path_with_namespace}/-/merge_requests/${mr.iid}`);
    // git pads remote lines with spaces when stderr is not a terminal
    assert.match(push.stderr, /remote: View merge request for feature: *\n/);
    assert.ok(push.stderr.includes(`remote:   ${mr.web_url} `), push.stderr);
    // the ref report still arrives: git printed the new branch
    assert.match(push.stderr, /\* \[new branch\]\s+feature -> feature/);

    // Without merge_request.create, options update the open merge request of the pushed branch.
    await fs.writeFile(path.join(d, 'b.txt'), 'b\n');
    await gitOk(['add', 'b.txt'], d);
    await gitOk(['commit', '-q', '-m', 'Add b'], d);
    const second = await git(['push', '-o', 'merge_request.title=Renamed', 'origin', 'feature'], d);
    assert.equal(second.code, 0, second.stderr);
    const [updated, ...others] = await openMrs(p.id);
    assert.equal(others.length, 0);
    assert.equal(updated?.iid, mr.iid);
    assert.equal(updated?.title, 'Renamed');
    assert.equal(updated?.target_branch, 'stable');
    assert.ok(second.stderr.includes(`remote:   ${mr.web_url} `), second.stderr);
  });

  test('without a title, one commit gives its subject and body (BuildService); the target is the default branch; mr. is an alias', async () => {
    const { p, d } = await setup();
    const push = await git(['push', '-o', 'mr.create', 'origin', 'feature'], d);
    assert.equal(push.code, 0, push.stderr);
    const [mr] = await openMrs(p.id);
    assert.equal(mr?.title, 'Add the a file');
    assert.equal(mr?.description, 'Body text');
    assert.equal(mr?.target_branch, 'main');
    assert.equal(mr?.draft, false);
  });

  test('without a title, several commits give the humanized branch name, or the oldest commit with a body', async () => {
    const { p, d } = await setup();
    // Two commits without a body on `feature-x_y`: "Feature x y" (titleize.humanize).
    await gitOk(['checkout', '-q', '-b', 'feature-x_y', 'main'], d);
    for (const f of ['x1', 'x2']) {
      await fs.writeFile(path.join(d, f), `${f}\n`);
      await gitOk(['add', f], d);
      await gitOk(['commit', '-q', '-m', `Add ${f}`], d);
    }
    assert.equal((await git(['push', '-o', 'merge_request.create', 'origin', 'feature-x_y'], d)).code, 0);
    // camelCase and slashes: `topic/fixLogin-page` → "Topic/fix login page"; the draft option still applies.
    await gitOk(['checkout', '-q', '-b', 'topic/fixLogin-page', 'feature-x_y'], d);
    assert.equal(
      (
        await git(
          [
            'push',
            '-o',
            'mr.create',
            '-o',
            'mr.draft',
            '-o',
            'mr.target=feature-x_y',
            'origin',
            'HEAD:refs/heads/topic/fixLogin-page',
          ],
          d,
        )
      ).code,
      0,
    );
    // Three commits, the middle one with a body: its subject and body.
    await gitOk(['checkout', '-q', '-b', 'many', 'main'], d);
    for (const [f, body] of [
      ['m1', ''],
      ['m2', 'Why m2\n\nmore'],
      ['m3', 'Why m3'],
    ] as const) {
      await fs.writeFile(path.join(d, f), `${f}\n`);
      await gitOk(['add', f], d);
      await gitOk(['commit', '-q', '-m', `Add ${f}`, ...(body ? ['-m', body] : [])], d);
    }
    assert.equal((await git(['push', '-o', 'mr.create', 'origin', 'many'], d)).code, 0);

    const bySource = new Map((await openMrs(p.id)).map((m) => [m.source_branch, m]));
    assert.equal(bySource.get('feature-x_y')?.title, 'Feature x y');
    assert.equal(bySource.get('feature-x_y')?.description, null);
    // No commits of its own on top of its target: GitLab opens it as a draft (wip_title).
    assert.equal(bySource.get('topic/fixLogin-page')?.title, 'Draft: Topic/fix login page');
    assert.equal(bySource.get('topic/fixLogin-page')?.draft, true);
    assert.equal(bySource.get('many')?.title, 'Add m2');
    assert.equal(bySource.get('many')?.description, 'Why m2\n\nmore');
  });

  test('an unknown target branch: the push succeeds, the error is printed, nothing is created', async () => {
    const { p, d } = await setup();
    const push = await git(
      ['push', '-o', 'merge_request.create', '-o', 'merge_request.target=nope', 'origin', 'feature'],
      d,
    );
    assert.equal(push.code, 0, push.stderr);
    assert.ok(
      push.stderr.includes(
        `remote: Error encountered with push options 'merge_request.create' 'merge_request.target=nope': Target branch ${p.path_with_namespace}:nope does not exist`,
      ),
      push.stderr,
    );
    assert.match(push.stderr, /remote: WARNINGS:/);
    assert.equal((await openMrs(p.id)).length, 0);
    const branch = await s.request(`/projects/${p.id}/repository/branches/feature`);
    assert.equal(branch.status, 200);
  });

  test('options without merge_request.create and no open merge request: an error, nothing created', async () => {
    const { p, d } = await setup();
    const push = await git(['push', '-o', 'merge_request.title=x', 'origin', 'feature'], d);
    assert.equal(push.code, 0, push.stderr);
    assert.match(
      push.stderr,
      /remote: .*A merge_request\.create push option is required to create a merge request for branch feature/,
    );
    assert.equal((await openMrs(p.id)).length, 0);
  });

  test('a push without options prints nothing extra', async () => {
    const { d } = await setup();
    const push = await git(['push', 'origin', 'feature'], d);
    assert.equal(push.code, 0, push.stderr);
    assert.doesNotMatch(push.stderr, /merge request/i);
  });
});
