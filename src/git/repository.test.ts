import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CatFilePool } from './catfile.js';
import { commitFiles } from './commit.js';
import { commitDiff, compare, isAncestor, mergeBase } from './diff.js';
import { CommitActionError, InvalidArgumentError, NotFoundError, RefConflictError } from './errors.js';
import { commitStats, countCommits, listCommits } from './log.js';
import { commitTitle, formatGitDate } from './objects.js';
import { readBlob, readCommit, readCommits, readTree, readTreeRecursive } from './read.js';
import { headBranch, listBranches, listTags, resolveCommit } from './refs.js';
import {
  createRepository,
  removeRepository,
  repoPath,
  repoRelativePath,
  repositoryExists,
  setDefaultBranch,
} from './storage.js';
import { AUTHOR, cliOk, tempDir } from './test-helpers.js';

describe('git storage', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir();
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  test("repoPath uses GitLab's hashed storage layout", () => {
    // sha256("1") = 6b86b273…
    assert.equal(
      repoRelativePath(1),
      '@hashed/6b/86/6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b.git',
    );
    assert.equal(
      repoPath('/data', 1),
      '/data/repositories/@hashed/6b/86/6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b.git',
    );
    assert.throws(() => repoRelativePath(0), RangeError);
    assert.throws(() => repoRelativePath(-1), RangeError);
    assert.throws(() => repoRelativePath(1.5), RangeError);
  });

  test('createRepository makes an empty bare repo, or one with a README commit on the default branch', async () => {
    const empty = repoPath(dir, 10);
    await createRepository(empty, { defaultBranch: 'trunk' });
    assert.equal(await repositoryExists(empty), true);
    assert.equal(await headBranch(empty), 'trunk');
    assert.deepEqual(await listBranches(empty), []);
    await assert.rejects(createRepository(empty), /already exists/);

    const init = repoPath(dir, 11);
    await createRepository(init, {
      defaultBranch: 'develop',
      initializeWithReadme: { author: AUTHOR, projectName: 'My Project', description: 'Things.' },
    });
    const branches = await listBranches(init);
    assert.deepEqual(
      branches.map((b) => b.name),
      ['develop'],
    );
    const head = branches[0]!.commit!;
    assert.equal(head.author_name, 'Ada Lovelace');
    assert.equal(head.author_email, 'ada@example.com');
    assert.equal(head.authored_date, '2024-01-02T03:04:05.000+00:00');
    assert.equal(head.title, 'Initial commit');
    assert.deepEqual(head.parent_ids, []);
    const pool = new CatFilePool();
    try {
      const readme = await readBlob(pool, init, 'develop', 'README.md');
      assert.equal(readme?.content.toString(), '# My Project\n\nThings.\n');
    } finally {
      pool.close();
    }

    await setDefaultBranch(init, 'other');
    assert.equal(await headBranch(init), 'other');
    await removeRepository(init);
    assert.equal(await repositoryExists(init), false);
    await removeRepository(init); // a missing one is fine
    await assert.rejects(createRepository(repoPath(dir, 12), { defaultBranch: '-x' }));
  });
});

describe('git commits, reads, history and diffs', () => {
  let dir: string;
  let repo: string;
  let pool: CatFilePool;
  let first: string;
  let second: string;
  before(async () => {
    dir = await tempDir();
    repo = repoPath(dir, 1);
    await createRepository(repo, { initializeWithReadme: { author: AUTHOR, projectName: 'Demo' } });
    pool = new CatFilePool();
    first = (await resolveCommit(repo, 'main'))!;
  });
  after(async () => {
    pool.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('commitFiles applies create/update/chmod with text and base64 content on a new branch', async () => {
    const r = await commitFiles(repo, {
      branch: 'feature',
      start_branch: 'main',
      message: 'Add files\n\nWith a body.\n',
      author: AUTHOR,
      committer: { name: 'Bot', email: 'bot@example.com', date: new Date('2024-02-03T04:05:06Z') },
      actions: [
        { action: 'create', file_path: 'src/a b/ünï côde.txt', content: 'aGVsbG8K', encoding: 'base64' },
        { action: 'update', file_path: 'README.md', content: '# Demo\nchanged\n' },
        { action: 'create', file_path: 'run.sh', content: '#!/bin/sh\necho hi\n' },
        { action: 'chmod', file_path: 'run.sh', execute_filemode: true },
      ],
    });
    second = r.oid;
    assert.equal(r.parent, first);
    assert.equal(r.branchCreated, true);
    const c = (await readCommit(pool, repo, 'feature'))!;
    assert.equal(c.id, r.oid);
    assert.equal(c.short_id, r.oid.slice(0, 11));
    assert.equal(c.title, 'Add files');
    assert.equal(c.message, 'Add files\n\nWith a body.\n');
    assert.equal(c.committer_name, 'Bot');
    assert.equal(c.committed_date, '2024-02-03T04:05:06.000+00:00');
    assert.deepEqual(c.parent_ids, [first]);
    assert.equal(
      (await readBlob(pool, repo, 'feature', 'src/a b/ünï côde.txt'))?.content.toString(),
      'hello\n',
    );
    const root = (await readTree(pool, repo, 'feature'))!;
    assert.deepEqual(
      root.map((e) => [e.name, e.type, e.mode]),
      [
        ['README.md', 'blob', '100644'],
        ['run.sh', 'blob', '100755'],
        ['src', 'tree', '040000'],
      ],
    );
    const sub = (await readTree(pool, repo, 'feature', 'src/a b'))!;
    assert.deepEqual(
      sub.map((e) => e.path),
      ['src/a b/ünï côde.txt'],
    );
    const all = (await readTreeRecursive(pool, repo, 'feature', 'src'))!;
    assert.deepEqual(
      all.map((e) => e.path),
      ['src/a b', 'src/a b/ünï côde.txt'],
    );
    assert.equal(await readTree(pool, repo, 'feature', 'README.md'), null);
    assert.equal(await readBlob(pool, repo, 'feature', 'nope.txt'), null);
    // main did not move
    assert.equal(await resolveCommit(repo, 'main'), first);
  });

  test('commitFiles move/delete, and refuses impossible actions without moving the branch', async () => {
    const r = await commitFiles(repo, {
      branch: 'feature',
      message: 'Move and delete',
      author: AUTHOR,
      actions: [
        { action: 'move', previous_path: 'run.sh', file_path: 'bin/run.sh' },
        { action: 'delete', file_path: 'README.md' },
      ],
    });
    const tree = (await readTreeRecursive(pool, repo, r.oid))!;
    assert.deepEqual(
      tree.filter((e) => e.type === 'blob').map((e) => [e.path, e.mode]),
      [
        ['bin/run.sh', '100755'],
        ['src/a b/ünï côde.txt', '100644'],
      ],
    );
    const cases: Array<[string, Parameters<typeof commitFiles>[1]['actions'][number]]> = [
      ['exists', { action: 'create', file_path: 'bin/run.sh', content: 'x' }],
      ['exists', { action: 'create', file_path: 'bin', content: 'x' }],
      ['exists', { action: 'create', file_path: 'bin/run.sh/inner', content: 'x' }],
      ['missing', { action: 'update', file_path: 'README.md', content: 'x' }],
      ['missing', { action: 'delete', file_path: 'README.md' }],
      ['missing', { action: 'move', previous_path: 'nope', file_path: 'x' }],
      ['invalid', { action: 'create', file_path: 'b64', content: '%%%', encoding: 'base64' }],
    ];
    for (const [reason, action] of cases) {
      await assert.rejects(
        commitFiles(repo, { branch: 'feature', message: 'bad', author: AUTHOR, actions: [action] }),
        (err: unknown) => err instanceof CommitActionError && err.reason === reason,
        JSON.stringify(action),
      );
    }
    for (const bad of [
      '../x',
      'a/../../x',
      '/../x',
      '.git/config',
      'a/.GIT/hooks/pre-receive',
      'a//b',
      'x\0y',
      '',
    ]) {
      await assert.rejects(
        commitFiles(repo, {
          branch: 'feature',
          message: 'bad',
          author: AUTHOR,
          actions: [{ action: 'create', file_path: bad, content: 'x' }],
        }),
        InvalidArgumentError,
        bad,
      );
    }
    await assert.rejects(
      commitFiles(repo, {
        branch: 'feature',
        message: 'bad',
        author: { name: 'Evil <x@y>', email: 'a@b' },
        actions: [{ action: 'create', file_path: 'ok', content: 'x' }],
      }),
      InvalidArgumentError,
    );
    await assert.rejects(
      commitFiles(repo, {
        branch: 'other',
        start_branch: 'nope',
        message: 'x',
        author: AUTHOR,
        actions: [{ action: 'create', file_path: 'ok', content: 'x' }],
      }),
      NotFoundError,
    );
    assert.equal(await resolveCommit(repo, 'feature'), r.oid, 'failed commits never move the branch');
  });

  test('commitFiles with last_commit_id refuses a file changed since', async () => {
    const head = (await resolveCommit(repo, 'feature'))!;
    await commitFiles(repo, {
      branch: 'feature',
      message: 'edit',
      author: AUTHOR,
      actions: [{ action: 'update', file_path: 'bin/run.sh', content: 'v2\n', last_commit_id: head }],
    });
    await assert.rejects(
      commitFiles(repo, {
        branch: 'feature',
        message: 'stale edit',
        author: AUTHOR,
        actions: [{ action: 'update', file_path: 'bin/run.sh', content: 'v3\n', last_commit_id: head }],
      }),
      CommitActionError,
    );
  });

  test('readCommits batch-loads through one process and answers null for missing revisions', async () => {
    const [a, missing, b] = await readCommits(pool, repo, [first, 'no-such-branch', 'feature']);
    assert.equal(a?.id, first);
    assert.equal(missing, null);
    assert.equal(b?.title, 'edit');
  });

  test('listCommits filters: ref, path, since/until, first_parent, all, author, skip/limit; countCommits agrees', async () => {
    const feature = await listCommits(repo, { ref: 'feature' });
    assert.deepEqual(
      feature.map((c) => c.title),
      ['edit', 'Move and delete', 'Add files', 'Initial commit'],
    );
    assert.equal(await countCommits(repo, { ref: 'feature' }), 4);
    const page = await listCommits(repo, { ref: 'feature', skip: 1, limit: 2 });
    assert.deepEqual(
      page.map((c) => c.title),
      ['Move and delete', 'Add files'],
    );
    assert.deepEqual(
      (await listCommits(repo, { ref: 'feature', path: 'bin/run.sh' })).map((c) => c.title),
      ['edit', 'Move and delete'],
    );
    assert.deepEqual(
      (await listCommits(repo, { ref: 'feature', path: 'src/a b/ünï côde.txt' })).map((c) => c.title),
      ['Add files'],
    );
    // Only "Add files" has a committer date after 2024-01-02 (git filters on the committer date).
    assert.deepEqual(
      (await listCommits(repo, { ref: 'feature', until: new Date('2024-01-03T00:00:00Z') })).map(
        (c) => c.title,
      ),
      ['edit', 'Move and delete', 'Initial commit'],
    );
    // (git stops walking at the first commit older than --since, as GitLab's Gitaly does)
    assert.equal(
      (await listCommits(repo, { ref: 'feature', since: new Date('2024-01-01T00:00:00Z') })).length,
      4,
    );
    assert.deepEqual(
      await listCommits(repo, { ref: 'feature', since: new Date('2030-01-01T00:00:00Z') }),
      [],
    );
    assert.equal(await countCommits(repo, { ref: 'feature', until: new Date('2024-01-03T00:00:00Z') }), 3);
    assert.equal((await listCommits(repo, { all: true })).length, 4);
    assert.equal((await listCommits(repo, { ref: 'feature', firstParent: true })).length, 4);
    assert.equal((await listCommits(repo, { ref: 'feature', author: 'ada@example' })).length, 4);
    assert.equal((await listCommits(repo, { ref: 'feature', author: 'nobody' })).length, 0);
    assert.deepEqual(await listCommits(repo, { ref: 'no-such-ref' }), []);
    assert.equal(await countCommits(repo, { ref: 'no-such-ref' }), 0);
    // log and cat-file agree on every field
    const viaPool = await readCommits(
      pool,
      repo,
      feature.map((c) => c.id),
    );
    assert.deepEqual(viaPool, feature);
  });

  test('commitStats, commitDiff and compare answer GitLab diff entries', async () => {
    assert.deepEqual(await commitStats(repo, second, first), { additions: 4, deletions: 0, total: 4 });
    assert.deepEqual(await commitStats(repo, first, null), { additions: 1, deletions: 0, total: 1 });
    const c = (await readCommit(pool, repo, second))!;
    const diffs = await commitDiff(repo, c);
    const readme = diffs.find((d) => d.new_path === 'README.md')!;
    assert.deepEqual(readme, {
      diff: '@@ -1 +1,2 @@\n # Demo\n+changed\n',
      collapsed: false,
      too_large: false,
      new_path: 'README.md',
      old_path: 'README.md',
      a_mode: '100644',
      b_mode: '100644',
      new_file: false,
      renamed_file: false,
      deleted_file: false,
      generated_file: false,
    });
    const created = diffs.find((d) => d.new_path === 'run.sh')!;
    assert.equal(created.new_file, true);
    assert.equal(created.a_mode, '0');
    assert.equal(created.b_mode, '100755');

    const moved = (await listCommits(repo, { ref: 'feature', limit: 2 }))[1]!;
    const moveDiffs = await commitDiff(repo, moved);
    const rename = moveDiffs.find((d) => d.renamed_file)!;
    assert.equal(rename.old_path, 'run.sh');
    assert.equal(rename.new_path, 'bin/run.sh');
    assert.equal(rename.diff, '');
    assert.equal(moveDiffs.find((d) => d.deleted_file)?.old_path, 'README.md');

    const cmp = await compare(repo, 'main', 'feature');
    assert.deepEqual(
      cmp.commits.map((x) => x.title),
      ['Add files', 'Move and delete', 'edit'],
    );
    assert.equal(cmp.commit?.title, 'edit');
    assert.equal(cmp.base, first);
    assert.equal(cmp.compare_same_ref, false);
    assert.deepEqual(cmp.diffs.map((d) => d.new_path).sort(), [
      'README.md',
      'bin/run.sh',
      'src/a b/ünï côde.txt',
    ]);
    const same = await compare(repo, 'feature', 'feature');
    assert.equal(same.compare_same_ref, true);
    assert.deepEqual(same.commits, []);
    assert.deepEqual(same.diffs, []);
    await assert.rejects(compare(repo, 'nope', 'feature'), NotFoundError);

    assert.equal(await mergeBase(repo, 'main', 'feature'), first);
    assert.equal(await isAncestor(repo, 'main', 'feature'), true);
    assert.equal(await isAncestor(repo, 'feature', 'main'), false);
  });

  test('diffs mark large patches too_large and binary files, and respect maxFiles', async () => {
    const big = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n');
    const r = await commitFiles(repo, {
      branch: 'feature',
      message: 'big and binary',
      author: AUTHOR,
      actions: [
        { action: 'create', file_path: 'big.txt', content: big },
        {
          action: 'create',
          file_path: 'img.bin',
          content: Buffer.from([0, 1, 2, 0, 255]).toString('base64'),
          encoding: 'base64',
        },
      ],
    });
    const diffs = await commitDiff(repo, (await readCommit(pool, repo, r.oid))!, { maxPatchBytes: 10_000 });
    const bigDiff = diffs.find((d) => d.new_path === 'big.txt')!;
    assert.equal(bigDiff.too_large, true);
    assert.equal(bigDiff.diff, '');
    assert.match(diffs.find((d) => d.new_path === 'img.bin')!.diff, /^Binary files/);
    assert.equal((await commitDiff(repo, (await readCommit(pool, repo, r.oid))!, { maxFiles: 1 })).length, 1);
  });

  test('a commit into an empty repository needs no start branch', async () => {
    const empty = path.join(dir, 'empty.git');
    await createRepository(empty);
    const r = await commitFiles(empty, {
      branch: 'main',
      message: 'first',
      author: AUTHOR,
      actions: [{ action: 'create', file_path: 'a.txt', content: 'a' }],
    });
    assert.equal(r.parent, null);
    await assert.rejects(
      commitFiles(empty, {
        branch: 'orphan',
        message: 'x',
        author: AUTHOR,
        actions: [{ action: 'create', file_path: 'b.txt', content: 'b' }],
      }),
      NotFoundError,
    );
  });

  test('annotated and lightweight tags list with their target commit', async () => {
    const work = await tempDir();
    try {
      await cliOk(['clone', '--quiet', repo, 'w'], { cwd: work });
      const w = path.join(work, 'w');
      await cliOk(['tag', 'light', 'origin/main'], { cwd: w });
      await cliOk(['tag', '-a', 'v1.0', '-m', 'Release 1.0', 'origin/feature'], { cwd: w });
      await cliOk(['push', '--quiet', 'origin', 'light', 'v1.0'], { cwd: w });
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
    const tags = await listTags(repo);
    const light = tags.find((t) => t.name === 'light')!;
    assert.equal(light.tag, null);
    assert.equal(light.commit?.id, first);
    const v1 = tags.find((t) => t.name === 'v1.0')!;
    assert.equal(v1.tag?.message, 'Release 1.0\n');
    assert.equal(v1.tag?.tagger_name, 'Cli User');
    assert.equal(v1.commit?.id, await resolveCommit(repo, 'feature'));
    assert.notEqual(v1.target, v1.commit?.id);
    assert.equal((await listTags(repo, ['v1.0'])).length, 1);
    assert.equal(await resolveCommit(repo, 'v1.0'), v1.commit?.id);
  });

  test('commitFiles with expectedHead refuses a branch that moved since, and builds on it otherwise', async () => {
    const { oid: head } = await commitFiles(repo, {
      branch: 'pinned',
      start_branch: 'feature',
      message: 'pinned start',
      author: AUTHOR,
      actions: [{ action: 'create', file_path: 'pinned.txt', content: 'p\n' }],
    });
    const moved = await commitFiles(repo, {
      branch: 'pinned',
      message: 'moved',
      author: AUTHOR,
      actions: [{ action: 'create', file_path: 'moved.txt', content: 'm\n' }],
    });
    await assert.rejects(
      commitFiles(repo, {
        branch: 'pinned',
        message: 'stale',
        author: AUTHOR,
        expectedHead: head,
        actions: [{ action: 'create', file_path: 'stale.txt', content: 's\n' }],
      }),
      RefConflictError,
    );
    assert.equal(await resolveCommit(repo, 'pinned'), moved.oid);
    const ok = await commitFiles(repo, {
      branch: 'pinned',
      message: 'fresh',
      author: AUTHOR,
      expectedHead: moved.oid,
      actions: [{ action: 'create', file_path: 'fresh.txt', content: 'f\n' }],
    });
    assert.equal(ok.parent, moved.oid);
  });
});

describe('commit titles and dates follow GitLab', () => {
  test('title: first line; cut at a word with "..." from 100 characters', () => {
    assert.equal(commitTitle('Fix it\n\nbody'), 'Fix it');
    assert.equal(commitTitle('Windows\r\nline'), 'Windows');
    assert.equal(commitTitle(''), 'No commit message');
    const short = 'x'.repeat(99);
    assert.equal(commitTitle(short), short);
    const words = `${'word '.repeat(30)}end`;
    const t = commitTitle(words);
    assert.ok(t.endsWith('...'));
    assert.ok(t.length <= 81);
    assert.equal(t, `${'word '.repeat(15).trimEnd()}...`);
  });

  test('dates keep the offset, with milliseconds', () => {
    assert.equal(formatGitDate(1700000000, '+0200'), '2023-11-15T00:13:20.000+02:00');
    assert.equal(formatGitDate(1700000000, '-0530'), '2023-11-14T16:43:20.000-05:30');
    assert.equal(formatGitDate(1700000000, '+0000'), '2023-11-14T22:13:20.000+00:00');
  });
});
