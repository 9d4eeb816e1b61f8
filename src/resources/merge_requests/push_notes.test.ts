import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, cloneUrl, createProject, gitOk, gitTemp } from '../git_http/test_helpers.js';
import { addCommitsNoteBody } from './push_notes.js';

interface NoteJson {
  body: string;
  system: boolean;
  author: { username: string };
  noteable_type: string;
}

describe('"added N commits" system notes on a push to the source branch', () => {
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

  async function commit(d: string, file: string, message: string) {
    await fs.writeFile(path.join(d, file), `${file}\n`);
    await gitOk(['add', file], d);
    await gitOk(['commit', '--quiet', '-m', message], d);
    return (await gitOk(['rev-parse', 'HEAD'], d)).trim();
  }

  const addedNotes = async (projectId: number) => {
    const res = await s.request(`/projects/${projectId}/merge_requests/1/notes?sort=asc&per_page=100`);
    assert.equal(res.status, 200, res.text);
    return (res.body as NoteJson[]).filter((n) => n.system && n.body.startsWith('added '));
  };

  const latestVersionId = async (projectId: number) => {
    const res = await s.request(`/projects/${projectId}/merge_requests/1/versions`);
    assert.equal(res.status, 200, res.text);
    return (res.body as { id: number }[])[0]!.id;
  };

  test('a push of 2 commits: the list (escaped titles, 8-character ids), the compare link, by the pusher; a merge of the target counts its commits "from branch"', async () => {
    const p = await createProject(s, { name: unique('pn'), initialize_with_readme: true });
    const dev = await createUser(s);
    await addMember(s, p.id, dev.id, 40);
    const d = path.join(tmp, unique('w'));
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, dev.token), d], tmp);
    await gitOk(['checkout', '--quiet', '-b', 'feature'], d);
    const first = await commit(d, 'a.txt', 'First');
    await gitOk(['push', '--quiet', 'origin', 'feature'], d);
    const created = await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      token: dev.token,
      body: { source_branch: 'feature', target_branch: 'main', title: 'Feature' },
    });
    assert.equal(created.status, 201, created.text);
    // Opening it writes no such note.
    assert.deepEqual(await addedNotes(p.id), []);

    const c1 = await commit(d, 'b.txt', 'Add b & <c>');
    const c2 = await commit(d, 'c.txt', 'Second');
    await gitOk(['push', '--quiet', 'origin', 'feature'], d);
    let notes = await addedNotes(p.id);
    assert.equal(notes.length, 1);
    const v2 = await latestVersionId(p.id);
    assert.equal(
      notes[0]!.body,
      `added 2 commits\n\n<ul><li>${c1.slice(0, 8)} - Add b &amp; &lt;c&gt;</li><li>${c2.slice(0, 8)} - Second</li></ul>\n\n` +
        `[Compare with previous version](/${p.path_with_namespace}/-/merge_requests/1/diffs?diff_id=${v2}&start_sha=${first})`,
    );
    assert.equal(notes[0]!.author.username, dev.username);
    assert.equal(notes[0]!.noteable_type, 'MergeRequest');

    // main moves on; merging it into feature pushes main's commit and the merge commit.
    await gitOk(['checkout', '--quiet', 'main'], d);
    const onMain = await commit(d, 'm.txt', 'On main');
    await gitOk(['push', '--quiet', 'origin', 'main'], d);
    await gitOk(['checkout', '--quiet', 'feature'], d);
    await gitOk(['merge', '--quiet', '--no-edit', '--no-ff', 'main'], d);
    const merge = (await gitOk(['rev-parse', 'HEAD'], d)).trim();
    await gitOk(['push', '--quiet', 'origin', 'feature'], d);
    notes = await addedNotes(p.id);
    assert.equal(notes.length, 2);
    const v3 = await latestVersionId(p.id);
    assert.notEqual(v3, v2);
    assert.equal(
      notes[1]!.body,
      `added 2 commits\n\n<ul><li>${onMain.slice(0, 8)} - 1 commit from branch <code>main</code></li>` +
        `<li>${merge.slice(0, 8)} - Merge branch &#39;main&#39; into feature</li></ul>\n\n` +
        `[Compare with previous version](/${p.path_with_namespace}/-/merge_requests/1/diffs?diff_id=${v3}&start_sha=${c2})`,
    );

    // A push that deletes the branch writes none.
    await gitOk(['push', '--quiet', 'origin', ':feature'], d);
    assert.equal((await addedNotes(p.id)).length, 2);
  });

  test('branch moves through the API write the note too: a files API commit and a cherry-pick onto the source branch, by the caller', async () => {
    const p = await createProject(s, { name: unique('pa'), initialize_with_readme: true });
    const dev = await createUser(s);
    await addMember(s, p.id, dev.id, 40);
    const api = async (method: string, url: string, body?: object) => {
      const res = await s.request(`/projects/${p.id}${url}`, { method, token: dev.token, body });
      assert.ok(res.status < 300, `${method} ${url}: ${res.status} ${res.text}`);
      return res.body as Record<string, unknown>;
    };
    await api('POST', '/repository/branches', { branch: 'feature', ref: 'main' });
    await api('POST', '/repository/files/a.txt', {
      branch: 'feature',
      content: 'a',
      commit_message: 'Add a',
    });
    await api('POST', '/merge_requests', {
      source_branch: 'feature',
      target_branch: 'main',
      title: 'Feature',
    });
    assert.deepEqual(await addedNotes(p.id), []);
    const before = (await api('GET', '/repository/branches/feature')).commit as { id: string };

    const b = await api('POST', '/repository/files/b.txt', {
      branch: 'feature',
      content: 'b',
      commit_message: 'Add b',
    });
    assert.equal(b.branch, 'feature');
    const head = (await api('GET', '/repository/branches/feature')).commit as { id: string };
    let notes = await addedNotes(p.id);
    assert.equal(notes.length, 1);
    assert.ok(
      notes[0]!.body.startsWith(`added 1 commit\n\n<ul><li>${head.id.slice(0, 8)} - Add b</li></ul>\n\n`),
      notes[0]!.body,
    );
    assert.ok(notes[0]!.body.includes(`&start_sha=${before.id})`), notes[0]!.body);
    assert.equal(notes[0]!.author.username, dev.username);

    // A commit on main, cherry-picked onto feature.
    const onMain = await api('POST', '/repository/commits', {
      branch: 'main',
      commit_message: 'Fix on main',
      actions: [{ action: 'create', file_path: 'fix.txt', content: 'fix' }],
    });
    assert.deepEqual((await addedNotes(p.id)).length, 1, 'a commit on the target writes none');
    const picked = await api('POST', `/repository/commits/${onMain.id}/cherry_pick`, { branch: 'feature' });
    notes = await addedNotes(p.id);
    assert.equal(notes.length, 2);
    assert.ok(
      notes[1]!.body.startsWith(
        `added 1 commit\n\n<ul><li>${String(picked.id).slice(0, 8)} - Fix on main</li></ul>`,
      ),
      notes[1]!.body,
    );
  });

  test('more than 10 new commits: the older ones summarized on one line (NEW_COMMIT_DISPLAY_LIMIT)', () => {
    const c = (i: number) => ({ id: `${String(i).padStart(2, '0')}${'a'.repeat(38)}`, title: `c${i}` });
    const added = Array.from({ length: 12 }, (_, i) => c(i + 1)) as unknown as Parameters<
      typeof addCommitsNoteBody
    >[0]['added'];
    const body = addCommitsNoteBody({
      added,
      fromTarget: [],
      oldrev: 'f'.repeat(40),
      targetBranch: 'main',
      targetNamespace: null,
      comparePath: '/g/p/-/merge_requests/1/diffs?diff_id=1',
    });
    const items = body.split('\n\n')[1]!;
    assert.ok(
      items.startsWith('<ul><li>ffffffff...02aaaaaa - 2 earlier commits</li><li>03aaaaaa - c3</li>'),
      items,
    );
    assert.ok(items.endsWith('<li>12aaaaaa - c12</li></ul>'), items);
    assert.ok(body.startsWith('added 12 commits\n\n'));
  });
});
