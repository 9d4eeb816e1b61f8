import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { archive } from './archive.js';
import { commitFiles } from './commit.js';
import { rawDiff } from './diff.js';
import { InvalidArgumentError, RefConflictError } from './errors.js';
import { GitLayer } from './layer.js';
import { mergeBranch, mergeTrees, squashCommits } from './merge.js';
import { readBlob, readCommit } from './read.js';
import { resolveCommit } from './refs.js';
import { createRepository, repositoryExists } from './storage.js';
import { AUTHOR, tempDir } from './test-helpers.js';

describe('merges, archives and the git layer object', () => {
  let dir: string;
  let git: GitLayer;
  let repo: string;
  before(async () => {
    dir = await tempDir();
    git = new GitLayer({ dataDir: dir });
    repo = git.projectRepo(7);
    await createRepository(repo, { initializeWithReadme: { author: AUTHOR, projectName: 'Merge' } });
  });
  after(async () => {
    git.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const commit = (branch: string, file: string, content: string, start?: string) =>
    commitFiles(repo, {
      branch,
      start_branch: start,
      message: `${branch}: ${file}`,
      author: AUTHOR,
      actions: [{ action: 'create', file_path: file, content }],
    });

  test('squashCommits: one commit with the head tree on the base, no ref moved', async () => {
    const base = await resolveCommit(repo, 'main');
    assert.ok(base);
    await commit('sq', 'sq1.txt', '1\n', 'main');
    const head = await commit('sq', 'sq2.txt', '2\n');
    const oid = await squashCommits(repo, { base, head: head.oid, message: 'Squashed\n', author: AUTHOR });
    const c = await readCommit(git.pool, repo, oid);
    assert.deepEqual(c?.parent_ids, [base]);
    assert.equal(c?.message.trim(), 'Squashed');
    const h = await readCommit(git.pool, repo, head.oid);
    assert.equal(c?.tree_id, h?.tree_id);
    assert.equal(await resolveCommit(repo, 'sq'), head.oid);
    assert.match(await rawDiff(repo, base, oid), /^diff --git a\/sq1.txt b\/sq1.txt\nnew file mode 100644/);
  });

  test('fast-forward merge moves the target; a merge commit has both parents', async () => {
    const a = await commit('ff', 'ff.txt', 'ff\n', 'main');
    const ffOutcome = await mergeBranch(repo, {
      targetBranch: 'main',
      source: a.oid,
      message: 'x',
      author: AUTHOR,
      fastForwardOnly: true,
    });
    assert.deepEqual(ffOutcome, { status: 'merged', oid: a.oid, fastForward: true });
    assert.equal(await resolveCommit(repo, 'main'), a.oid);

    const side = await commit('side', 'side.txt', 'side\n', 'main');
    await commit('main', 'main.txt', 'main\n');
    assert.deepEqual(
      await mergeBranch(repo, {
        targetBranch: 'main',
        source: side.oid,
        message: 'x',
        author: AUTHOR,
        fastForwardOnly: true,
      }),
      { status: 'not_fast_forward' },
    );
    const before = (await resolveCommit(repo, 'main'))!;
    const m = await mergeBranch(repo, {
      targetBranch: 'main',
      source: side.oid,
      message: "Merge branch 'side' into 'main'",
      author: AUTHOR,
    });
    assert.equal(m.status, 'merged');
    const merged = (await readCommit(git.pool, repo, 'main'))!;
    assert.deepEqual(merged.parent_ids, [before, side.oid]);
    assert.equal(merged.title, "Merge branch 'side' into 'main'");
    assert.equal((await readBlob(git.pool, repo, 'main', 'side.txt'))?.content.toString(), 'side\n');
    assert.equal((await readBlob(git.pool, repo, 'main', 'main.txt'))?.content.toString(), 'main\n');
  });

  test('conflicts are reported by path and nothing moves; a stale expected target is refused', async () => {
    const base = (await resolveCommit(repo, 'main'))!;
    const x = await commit('x', 'same.txt', 'from x\n', 'main');
    await commit('main', 'same.txt', 'from main\n');
    const head = (await resolveCommit(repo, 'main'))!;
    const tree = await mergeTrees(repo, head, x.oid);
    assert.equal(tree.clean, false);
    assert.deepEqual(tree.conflicts, ['same.txt']);
    assert.deepEqual(
      await mergeBranch(repo, { targetBranch: 'main', source: x.oid, message: 'm', author: AUTHOR }),
      {
        status: 'conflict',
        conflicts: ['same.txt'],
      },
    );
    assert.equal(await resolveCommit(repo, 'main'), head);
    const y = await commit('y', 'y.txt', 'y\n', 'main');
    await assert.rejects(
      mergeBranch(repo, {
        targetBranch: 'main',
        source: y.oid,
        expectedTarget: base,
        message: 'm',
        author: AUTHOR,
      }),
      RefConflictError,
    );
    assert.equal(await resolveCommit(repo, 'main'), head);
    await assert.rejects(mergeTrees(repo, '--help', head), InvalidArgumentError);
  });

  test('archive streams tar.gz and zip with the prefix; hostile prefixes are refused', async () => {
    const oid = (await resolveCommit(repo, 'main'))!;
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await archive(repo, oid, { format: 'tar.gz', prefix: 'merge-main' }, out);
    const tar = zlib.gunzipSync(Buffer.concat(chunks));
    assert.ok(tar.includes(Buffer.from('merge-main/README.md')));
    assert.ok(tar.includes(Buffer.from('merge-main/side.txt')));

    const zipOut = new PassThrough();
    const zipChunks: Buffer[] = [];
    zipOut.on('data', (c: Buffer) => zipChunks.push(c));
    await archive(repo, oid, { format: 'zip', prefix: 'merge-main', path: 'README.md' }, zipOut);
    const zip = Buffer.concat(zipChunks);
    assert.equal(zip.subarray(0, 2).toString(), 'PK');
    assert.ok(zip.includes(Buffer.from('merge-main/README.md')));
    assert.ok(!zip.includes(Buffer.from('merge-main/side.txt')));

    for (const prefix of ['../x', 'a/b', '', '.hidden', 'x\ny']) {
      assert.throws(
        () => archive(repo, oid, { format: 'tar', prefix }, new PassThrough()),
        InvalidArgumentError,
        prefix,
      );
    }
    assert.throws(
      () => archive(repo, 'main', { format: 'tar', prefix: 'x' }, new PassThrough()),
      InvalidArgumentError,
    );
  });

  test('GitLayer: hashed paths per project; removeProject closes readers and deletes the repository', async () => {
    assert.equal(path.relative(dir, git.projectRepo(7)).startsWith('repositories/@hashed/'), true);
    assert.equal(git.wikiRepo(7).endsWith('.wiki.git'), true);
    await readCommit(git.pool, repo, 'main');
    assert.ok(git.pool.size >= 1);
    await git.removeProject(7);
    assert.equal(git.pool.size, 0);
    assert.equal(await repositoryExists(repo), false);
  });
});
