import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { blame } from './blame.js';
import { commitFiles } from './commit.js';
import { InvalidArgumentError } from './errors.js';
import { GitLayer } from './layer.js';
import { cherryPick, revertCommit } from './pick.js';
import { peelCommit, readBlob, readCommit } from './read.js';
import { resolveCommit } from './refs.js';
import { createRepository } from './storage.js';
import { AUTHOR, tempDir } from './test-helpers.js';

describe('blame, cherry-pick and revert', () => {
  let dir: string;
  let git: GitLayer;
  let repo: string;
  before(async () => {
    dir = await tempDir();
    git = new GitLayer({ dataDir: dir });
    repo = git.projectRepo(9);
    await createRepository(repo, { initializeWithReadme: { author: AUTHOR, projectName: 'Pick' } });
  });
  after(async () => {
    git.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const write = (
    branch: string,
    action: 'create' | 'update',
    file: string,
    content: string,
    start?: string,
  ) =>
    commitFiles(repo, {
      branch,
      start_branch: start,
      message: `${branch}: ${file}\n`,
      author: AUTHOR,
      actions: [{ action, file_path: file, content }],
    });

  test('blame groups consecutive lines by commit; a range blames only those lines; hostile input refused', async () => {
    const c1 = await write('main', 'create', 'b.txt', 'one\ntwo\nthree\n');
    const c2 = await write('main', 'update', 'b.txt', 'one\nTWO\nthree\n\tfour\n');
    const groups = await blame(repo, c2.oid, 'b.txt');
    assert.deepEqual(groups, [
      { commit: c1.oid, lines: ['one'] },
      { commit: c2.oid, lines: ['TWO'] },
      { commit: c1.oid, lines: ['three'] },
      { commit: c2.oid, lines: ['\tfour'] },
    ]);
    assert.deepEqual(await blame(repo, c2.oid, 'b.txt', { start: 2, end: 3 }), [
      { commit: c2.oid, lines: ['TWO'] },
      { commit: c1.oid, lines: ['three'] },
    ]);
    await assert.rejects(() => blame(repo, 'main', 'b.txt'), InvalidArgumentError);
    await assert.rejects(() => blame(repo, c2.oid, 'b.txt', { start: 3, end: 2 }), InvalidArgumentError);
    await assert.rejects(() => blame(repo, c2.oid, 'a\nb'), InvalidArgumentError);
  });

  test('cherry-pick onto another branch; a second pick is empty; a conflicting one is refused; dry run writes nothing', async () => {
    const base = (await resolveCommit(repo, 'main'))!;
    await write('side', 'create', 'side.txt', 'base\n', 'main');
    const pick = await write('main', 'create', 'picked.txt', 'picked\n');
    const committer = { name: 'Grace', email: 'grace@example.com' };
    const dry = await cherryPick(repo, {
      branch: 'side',
      commit: pick.oid,
      message: 'x',
      author: AUTHOR,
      committer,
      dryRun: true,
    });
    assert.deepEqual(dry, { status: 'done', oid: null });
    const sideHead = (await resolveCommit(repo, 'side'))!;
    const done = await cherryPick(repo, {
      branch: 'side',
      commit: pick.oid,
      message: 'Picked\n',
      author: AUTHOR,
      committer,
    });
    assert.equal(done.status, 'done');
    const oid = (done as { oid: string }).oid;
    assert.equal(await resolveCommit(repo, 'side'), oid);
    const c = await readCommit(git.pool, repo, oid);
    assert.deepEqual(c?.parent_ids, [sideHead]);
    assert.equal(c?.author_name, AUTHOR.name);
    assert.equal(c?.committer_name, 'Grace');
    assert.equal((await readBlob(git.pool, repo, oid, 'picked.txt'))?.content.toString(), 'picked\n');
    assert.equal(
      await readBlob(git.pool, repo, oid, 'b.txt').then((b) => b?.content.toString()),
      'one\nTWO\nthree\n\tfour\n',
    );
    assert.deepEqual(
      await cherryPick(repo, { branch: 'side', commit: pick.oid, message: 'x', author: AUTHOR, committer }),
      { status: 'empty' },
    );
    await write('side', 'update', 'picked.txt', 'changed on side\n');
    const later = await write('main', 'update', 'picked.txt', 'changed on main\n');
    const conflict = await cherryPick(repo, {
      branch: 'side',
      commit: later.oid,
      message: 'x',
      author: AUTHOR,
      committer,
    });
    assert.deepEqual(conflict, { status: 'conflict', conflicts: ['picked.txt'] });
    assert.ok(base);
  });

  test('revert undoes a commit on the branch; reverting again is empty', async () => {
    const added = await write('main', 'create', 'revert-me.txt', 'r\n');
    const committer = { name: 'Grace', email: 'grace@example.com' };
    const r = await revertCommit(repo, {
      branch: 'main',
      commit: added.oid,
      message: 'Revert\n',
      author: committer,
      committer,
    });
    assert.equal(r.status, 'done');
    const oid = (r as { oid: string }).oid;
    assert.equal(await readBlob(git.pool, repo, oid, 'revert-me.txt'), null);
    assert.deepEqual(
      await revertCommit(repo, {
        branch: 'main',
        commit: added.oid,
        message: 'x',
        author: committer,
        committer,
      }),
      { status: 'empty' },
    );
  });

  test('peelCommit resolves through the cat-file pool: branches, tags, ids; sees ref moves; null when missing', async () => {
    const head = (await resolveCommit(repo, 'main'))!;
    assert.equal(await peelCommit(git.pool, repo, 'main'), head);
    assert.equal(await peelCommit(git.pool, repo, head), head);
    const moved = await write('main', 'create', 'peel.txt', 'p\n');
    assert.equal(await peelCommit(git.pool, repo, 'main'), moved.oid);
    assert.equal(await peelCommit(git.pool, repo, 'refs/heads/main'), moved.oid);
    assert.equal(await peelCommit(git.pool, repo, 'no-such-branch'), null);
    assert.equal(await peelCommit(git.pool, repo, `${moved.oid}^{tree}`), null);
    await assert.rejects(() => peelCommit(git.pool, repo, '--all'), InvalidArgumentError);
  });
});
