import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { cloneUrl, createProject, gitOk, gitTemp } from '../git_http/test_helpers.js';

interface Mr {
  sha: string;
  changes_count: string | null;
  has_conflicts: boolean;
  merge_status: string;
  detailed_merge_status: string;
}

describe('GET one merge request: remembered git answers are never stale', () => {
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

  test('repeated reads follow every move of either branch and the merge method (changes_count, conflicts, detailed_merge_status)', async () => {
    const p = await createProject(s, { name: unique('gc'), initialize_with_readme: true });
    const d = path.join(tmp, unique('w'));
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, s.rootToken), d], tmp);
    const commit = async (files: Record<string, string>, message: string) => {
      for (const [f, c] of Object.entries(files)) {
        await fs.writeFile(path.join(d, f), c);
        await gitOk(['add', f], d);
      }
      await gitOk(['commit', '--quiet', '-m', message], d);
      return (await gitOk(['rev-parse', 'HEAD'], d)).trim();
    };
    await gitOk(['checkout', '--quiet', '-b', 'f'], d);
    const first = await commit({ 'a.txt': 'a\n' }, 'a');
    await gitOk(['push', '--quiet', 'origin', 'f'], d);
    const created = await s.request(`/projects/${p.id}/merge_requests`, {
      method: 'POST',
      body: { source_branch: 'f', target_branch: 'main', title: 'F' },
    });
    assert.equal(created.status, 201, created.text);
    const url = `/projects/${p.id}/merge_requests/1`;
    const read = async () => {
      const res = await s.request(url);
      assert.equal(res.status, 200, res.text);
      const m = res.body as Mr;
      return [m.sha, m.changes_count, m.has_conflicts, m.merge_status, m.detailed_merge_status];
    };

    for (let i = 0; i < 3; i++)
      assert.deepEqual(await read(), [first, '1', false, 'can_be_merged', 'mergeable']);

    // The source moves: a second file.
    const second = await commit({ 'b.txt': 'b\n' }, 'b');
    await gitOk(['push', '--quiet', 'origin', 'f'], d);
    assert.deepEqual(await read(), [second, '2', false, 'can_be_merged', 'mergeable']);

    // The target moves under it with a conflicting a.txt: same source, new answer.
    await gitOk(['checkout', '--quiet', 'main'], d);
    await commit({ 'a.txt': 'other\n' }, 'a on main');
    await gitOk(['push', '--quiet', 'origin', 'main'], d);
    assert.deepEqual(await read(), [second, '2', true, 'cannot_be_merged', 'conflict']);

    // The source resolves it by merging main: mergeable again.
    await gitOk(['checkout', '--quiet', 'f'], d);
    await gitOk(['merge', '--quiet', '--no-edit', 'main'], d, { GIT_MERGE_AUTOEDIT: 'no' }).catch(() => '');
    await fs.writeFile(path.join(d, 'a.txt'), 'resolved\n');
    await gitOk(['add', 'a.txt'], d);
    await gitOk(['commit', '--quiet', '--no-edit'], d);
    const resolved = (await gitOk(['rev-parse', 'HEAD'], d)).trim();
    await gitOk(['push', '--quiet', 'origin', 'f'], d);
    assert.deepEqual(await read(), [resolved, '2', false, 'can_be_merged', 'mergeable']);

    // A setting, not a commit: fast-forward only needs the source on top of the target.
    await gitOk(['checkout', '--quiet', 'main'], d);
    await commit({ 'c.txt': 'c\n' }, 'c on main');
    await gitOk(['push', '--quiet', 'origin', 'main'], d);
    assert.deepEqual(await read(), [resolved, '2', false, 'can_be_merged', 'mergeable']);
    const ff = await s.request(`/projects/${p.id}`, { method: 'PUT', body: { merge_method: 'ff' } });
    assert.equal(ff.status, 200, ff.text);
    const [, , , , detailed] = await read();
    assert.equal(detailed, 'need_rebase');
  });
});
