import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CatFilePool } from './catfile.js';
import { runGit, userArg, userPath } from './command.js';
import { commitFiles } from './commit.js';
import { compare, mergeBase } from './diff.js';
import {
  GitCommandError,
  GitOutputTooLargeError,
  GitTimeoutError,
  InvalidArgumentError,
  InvalidRefNameError,
  RefConflictError,
} from './errors.js';
import { countCommits, listCommits } from './log.js';
import { ZERO_OID } from './objects.js';
import { readBlob, readCommit } from './read.js';
import {
  assertValidRefName,
  checkRefFormat,
  deleteRef,
  isValidBranchName,
  isValidRefName,
  readRef,
  resolveCommit,
  updateRef,
  updateRefs,
} from './refs.js';
import { AUTHOR, tempDir, tempRepo } from './test-helpers.js';

const HOSTILE = [
  '-x',
  '--upload-pack=touch MARKER',
  '--output=MARKER',
  '--exec=touch MARKER',
  '-oMARKER',
  '--',
  '',
  'main\nrefs/heads/x',
  'a\0b',
];

describe('git command hardening', () => {
  let dir: string;
  let repo: string;
  let marker: string;
  before(async () => {
    dir = await tempDir();
    repo = await tempRepo(dir);
    marker = path.join(dir, 'MARKER');
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  const exists = (p: string) =>
    fs.access(p).then(
      () => true,
      () => false,
    );

  test('user values that git could read as options are refused before git runs, and never executed', async () => {
    const pool = new CatFilePool();
    try {
      for (const raw of HOSTILE) {
        const v = raw.replace('MARKER', marker);
        assert.throws(() => userArg(v), InvalidArgumentError, JSON.stringify(v));
        await assert.rejects(resolveCommit(repo, v), InvalidArgumentError, JSON.stringify(v));
        await assert.rejects(listCommits(repo, { ref: v }), InvalidArgumentError, JSON.stringify(v));
        await assert.rejects(countCommits(repo, { ref: v }), InvalidArgumentError);
        await assert.rejects(readCommit(pool, repo, v), InvalidArgumentError);
        await assert.rejects(mergeBase(repo, v, 'main'), InvalidArgumentError);
        await assert.rejects(compare(repo, 'main', v), InvalidArgumentError);
      }
      assert.equal(await exists(marker), false, 'nothing was executed or written');
    } finally {
      pool.close();
    }
  });

  test('paths go after `--`: option-looking, spaced and unicode paths are just paths', async () => {
    const pool = new CatFilePool();
    try {
      await commitFiles(repo, {
        branch: 'main',
        message: 'odd names',
        author: AUTHOR,
        actions: [
          { action: 'create', file_path: '--output=x', content: 'dash\n' },
          { action: 'create', file_path: '-x', content: 'x\n' },
          { action: 'create', file_path: 'with space/日本語.md', content: 'u\n' },
        ],
      });
      assert.equal((await listCommits(repo, { ref: 'main', path: '--output=x' })).length, 1);
      assert.equal((await listCommits(repo, { ref: 'main', path: 'with space/日本語.md' })).length, 1);
      assert.equal((await readBlob(pool, repo, 'main', '-x'))?.content.toString(), 'x\n');
      assert.equal(await exists(path.join(repo, 'x')), false);
      assert.throws(() => userPath('a\nb'), InvalidArgumentError);
    } finally {
      pool.close();
    }
  });

  test('ref names: git check-ref-format rules plus no leading "-", ".." or control characters', async () => {
    const bad = [
      'refs/heads/-x',
      'refs/heads/a..b',
      'refs/heads/a b',
      'refs/heads/a\tb',
      'refs/heads/a\u0001b',
      'refs/heads/a~1',
      'refs/heads/a^',
      'refs/heads/a:b',
      'refs/heads/a?',
      'refs/heads/a*',
      'refs/heads/a[b',
      'refs/heads/a\\b',
      'refs/heads/.hidden',
      'refs/heads/x.lock',
      'refs/heads/x.',
      'refs/heads/x/',
      'refs/heads//x',
      'refs/heads/a@{1}',
      '@',
      '/refs/heads/x',
      '--upload-pack=x',
      `refs/heads/${'a'.repeat(2000)}`,
      '',
    ];
    const good = [
      'refs/heads/main',
      'refs/heads/feature/x-1',
      'refs/heads/ünïcødé',
      'refs/tags/v1.0.0',
      'refs/heads/a-',
    ];
    for (const r of bad) {
      assert.equal(isValidRefName(r), false, JSON.stringify(r));
      assert.throws(() => assertValidRefName(r), InvalidRefNameError);
      await assert.rejects(updateRef(repo, r, ZERO_OID.replace(/0/g, '1'), null), InvalidRefNameError);
    }
    for (const r of good) assert.equal(isValidRefName(r), true, r);
    // ours is never laxer than git's
    for (const r of [...bad, ...good]) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: skipping what userArg refuses anyway
      if (r === '' || r.startsWith('-') || /[\u0000-\u001f]/.test(r)) continue;
      if (!(await checkRefFormat(r))) assert.equal(isValidRefName(r), false, r);
    }
    assert.equal(isValidBranchName('feature/x'), true);
    assert.equal(isValidBranchName('HEAD'), false);
    assert.equal(isValidBranchName('refs/heads/x'), false);
    assert.equal(isValidBranchName('a'.repeat(40).replace(/a/g, 'f')), false);
  });

  test('updateRef is compare-and-swap: of many concurrent writers exactly one wins', async () => {
    const base = (await resolveCommit(repo, 'main'))!;
    const tree = (await runGit(['rev-parse', `${base}^{tree}`], { repo })).stdout.toString().trim();
    const candidates: string[] = [];
    for (let i = 0; i < 16; i++) {
      const r = await runGit(['commit-tree', tree, '-p', base, '-m', `candidate ${i}`], {
        repo,
        env: {
          GIT_AUTHOR_NAME: 'a',
          GIT_AUTHOR_EMAIL: 'a@b',
          GIT_COMMITTER_NAME: 'a',
          GIT_COMMITTER_EMAIL: 'a@b',
        },
      });
      candidates.push(r.stdout.toString().trim());
    }
    const results = await Promise.allSettled(
      candidates.map((c) => updateRef(repo, 'refs/heads/main', c, base)),
    );
    const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [candidates[i]!] : []));
    assert.equal(winners.length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.ok(r.reason instanceof RefConflictError, String(r.reason));
    }
    assert.equal(await readRef(repo, 'refs/heads/main'), winners[0]);

    // a stale old value is refused; creating an existing ref is refused; delete checks too
    await assert.rejects(updateRef(repo, 'refs/heads/main', base, base), RefConflictError);
    await assert.rejects(updateRef(repo, 'refs/heads/main', base, null), RefConflictError);
    await updateRef(repo, 'refs/heads/tmp', base, null);
    await assert.rejects(deleteRef(repo, 'refs/heads/tmp', winners[0]!), RefConflictError);
    await deleteRef(repo, 'refs/heads/tmp', base);
    assert.equal(await readRef(repo, 'refs/heads/tmp'), null);
    // atomic: one stale update fails the whole transaction
    await assert.rejects(
      updateRefs(repo, [
        { ref: 'refs/heads/t1', newOid: base, oldOid: null },
        { ref: 'refs/heads/main', newOid: base, oldOid: base },
      ]),
      RefConflictError,
    );
    assert.equal(await readRef(repo, 'refs/heads/t1'), null);
  });

  test('concurrent commits to one branch never lose a commit', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        commitFiles(repo, {
          branch: 'main',
          message: `parallel ${i}`,
          author: AUTHOR,
          actions: [{ action: 'create', file_path: `parallel/${i}.txt`, content: `${i}` }],
        }),
      ),
    );
    const head = (await resolveCommit(repo, 'main'))!;
    const history = new Set((await listCommits(repo, { ref: 'main' })).map((c) => c.id));
    let won = 0;
    for (const r of results) {
      if (r.status === 'fulfilled') {
        won++;
        assert.ok(history.has(r.value.oid), 'a reported commit is on the branch');
      } else {
        assert.ok(r.reason instanceof RefConflictError, String(r.reason));
      }
    }
    assert.ok(won >= 1);
    assert.ok(history.has(head));
  });

  test('repository hooks never run; the environment is rebuilt, not inherited', async () => {
    const hookMarker = path.join(dir, 'HOOK_RAN');
    for (const hook of ['reference-transaction', 'post-update', 'pre-commit', 'post-commit']) {
      const file = path.join(repo, 'hooks', hook);
      await fs.writeFile(file, `#!/bin/sh\ntouch '${hookMarker}'\n`, { mode: 0o755 });
    }
    const saved = { GIT_DIR: process.env.GIT_DIR, GIT_CONFIG_PARAMETERS: process.env.GIT_CONFIG_PARAMETERS };
    process.env.GIT_DIR = path.join(dir, 'nowhere');
    process.env.GIT_CONFIG_PARAMETERS = "'core.hooksPath'='/tmp'";
    try {
      await commitFiles(repo, {
        branch: 'main',
        message: 'hooks?',
        author: AUTHOR,
        actions: [{ action: 'create', file_path: 'hooks.txt', content: 'x' }],
      });
      assert.equal(await exists(hookMarker), false, 'no hook ran');
      const cfg = (await runGit(['config', '--list', '--show-origin'])).stdout.toString();
      for (const line of cfg.split('\n').filter(Boolean)) {
        assert.match(line, /^command line:/, line);
      }
      assert.match(cfg, /core\.hookspath=\/dev\/null/i);
      assert.match(cfg, /protocol\.allow=never/);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  test('timeouts kill git; output over the cap is refused; failures are typed', async () => {
    await assert.rejects(
      runGit(['slow'], { config: ['alias.slow=!sleep 5'], timeoutMs: 200 }),
      (err: unknown) => err instanceof GitTimeoutError && err.timeoutMs === 200,
    );
    const blob = (await runGit(['rev-parse', 'main:README.md'], { repo })).stdout.toString().trim();
    await assert.rejects(
      runGit(['cat-file', 'blob', blob], { repo, maxOutputBytes: 3 }),
      GitOutputTooLargeError,
    );
    await assert.rejects(
      runGit(['cat-file', 'blob', 'f'.repeat(40)], { repo }),
      (err: unknown) => err instanceof GitCommandError && err.exitCode === 128,
    );
    await assert.rejects(runGit(['status'], { repo: 'relative/path' }), InvalidArgumentError);
    await assert.rejects(runGit(['log'], { repo, env: { PATH: '/tmp' } }), InvalidArgumentError);
  });
});
