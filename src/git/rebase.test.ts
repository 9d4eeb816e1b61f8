import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { commitFiles } from './commit.js';
import { GitLayer } from './layer.js';
import { listCommits } from './log.js';
import { readBlob } from './read.js';
import { rebaseCommits } from './rebase.js';
import { resolveCommit } from './refs.js';
import { createRepository } from './storage.js';
import { AUTHOR, tempDir } from './test-helpers.js';

describe('rebaseCommits', () => {
  let dir: string;
  let git: GitLayer;
  let repo: string;
  before(async () => {
    dir = await tempDir();
    git = new GitLayer({ dataDir: dir });
    repo = git.projectRepo(9);
    await createRepository(repo, { initializeWithReadme: { author: AUTHOR, projectName: 'Rebase' } });
  });
  after(async () => {
    git.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const write = (branch: string, file: string, content: string, start?: string) =>
    commitFiles(repo, {
      branch,
      start_branch: start,
      message: `${branch}: ${file}\n`,
      author: { ...AUTHOR, name: `Author of ${branch}` },
      actions: [{ action: content === '' ? 'delete' : 'create', file_path: file, content }],
    });

  test('replays each commit on the new base with its author and message; conflicts are reported', async () => {
    const base = (await resolveCommit(repo, 'main'))!;
    await write('topic', 't1.txt', '1\n', 'main');
    const head = await write('topic', 't2.txt', '2\n');
    const moved = await write('main', 'm.txt', 'm\n');
    const out = await rebaseCommits(repo, {
      onto: moved.oid,
      base,
      head: head.oid,
      committer: { name: 'Rebaser', email: 'r@example.com' },
    });
    assert.equal(out.status, 'rebased');
    if (out.status !== 'rebased') return;
    const log = await listCommits(repo, { ref: out.oid, limit: 3 });
    assert.deepEqual(
      log.map((c) => c.title),
      ['topic: t2.txt', 'topic: t1.txt', 'main: m.txt'],
    );
    assert.equal(log[0]!.author_name, 'Author of topic');
    assert.equal(log[0]!.committer_name, 'Rebaser');
    assert.equal((await readBlob(git.pool, repo, out.oid, 'm.txt'))?.content.toString(), 'm\n');

    await write('c', 'same.txt', 'c\n', 'main');
    const cHead = (await resolveCommit(repo, 'c'))!;
    const cBase = moved.oid;
    const m2 = await write('main', 'same.txt', 'main\n');
    const conflict = await rebaseCommits(repo, {
      onto: m2.oid,
      base: cBase,
      head: cHead,
      committer: AUTHOR,
    });
    assert.equal(conflict.status, 'conflict');
    if (conflict.status === 'conflict') assert.deepEqual(conflict.conflicts, ['same.txt']);
  });
});
