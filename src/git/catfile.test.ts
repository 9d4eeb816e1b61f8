import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CatFilePool } from './catfile.js';
import { commitFiles } from './commit.js';
import { GitOutputTooLargeError } from './errors.js';
import { readBlob, readCommit } from './read.js';
import { resolveCommit } from './refs.js';
import { AUTHOR, tempDir, tempRepo } from './test-helpers.js';

describe('cat-file process pool', () => {
  let dir: string;
  const repos: string[] = [];
  before(async () => {
    dir = await tempDir();
    for (let i = 0; i < 4; i++) repos.push(await tempRepo(dir, `r${i}.git`));
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  test('many reads share one long-lived process per repository and mode', async () => {
    const pool = new CatFilePool();
    try {
      const reads = await Promise.all(Array.from({ length: 200 }, () => readCommit(pool, repos[0]!, 'main')));
      assert.ok(reads.every((c) => c?.title === 'Initial commit'));
      assert.equal(pool.size, 1);
      const pid = [
        ...(pool as unknown as { procs: Map<string, { child: { pid: number } }> }).procs.values(),
      ][0]!.child.pid;
      await readCommit(pool, repos[0]!, 'main');
      const again = [
        ...(pool as unknown as { procs: Map<string, { child: { pid: number } }> }).procs.values(),
      ][0]!.child.pid;
      assert.equal(again, pid, 'the same process answered');
    } finally {
      pool.close();
    }
  });

  test('a long-lived process sees refs and objects written after it started', async () => {
    const pool = new CatFilePool();
    try {
      const before = await readCommit(pool, repos[1]!, 'main');
      const r = await commitFiles(repos[1]!, {
        branch: 'main',
        message: 'later',
        author: AUTHOR,
        actions: [{ action: 'create', file_path: 'later.txt', content: 'new' }],
      });
      const after = await readCommit(pool, repos[1]!, 'main');
      assert.notEqual(after?.id, before?.id);
      assert.equal(after?.id, r.oid);
      assert.equal((await readBlob(pool, repos[1]!, 'main', 'later.txt'))?.content.toString(), 'new');
    } finally {
      pool.close();
    }
  });

  test('the pool is bounded: LRU eviction of idle processes, queued callers when all are busy', async () => {
    const pool = new CatFilePool({ maxProcesses: 2 });
    try {
      const all = await Promise.all(
        Array.from({ length: 40 }, (_, i) => readCommit(pool, repos[i % repos.length]!, 'main')),
      );
      assert.ok(all.every((c) => c !== null));
      assert.ok(pool.size <= 2);
      for (const repo of repos)
        assert.equal((await readCommit(pool, repo, 'main'))?.title !== undefined, true);
      assert.ok(pool.size <= 2);
    } finally {
      pool.close();
    }
  });

  test('idle processes are closed after the idle timeout', async () => {
    const pool = new CatFilePool({ idleTimeoutMs: 100 });
    try {
      await readCommit(pool, repos[2]!, 'main');
      assert.equal(pool.size, 1);
      await sleep(400);
      assert.equal(pool.size, 0);
      assert.equal((await readCommit(pool, repos[2]!, 'main'))?.title, 'Initial commit');
    } finally {
      pool.close();
    }
  });

  test('missing objects answer null; objects over the cap are refused and the pool recovers', async () => {
    const pool = new CatFilePool({ maxObjectBytes: 4 });
    try {
      assert.equal(await pool.read(repos[3]!, 'f'.repeat(40)), null);
      assert.equal(await pool.read(repos[3]!, 'no-such-ref'), null);
      assert.equal((await pool.info(repos[3]!, 'main:README.md'))?.type, 'blob');
      await assert.rejects(pool.read(repos[3]!, 'main:README.md'), GitOutputTooLargeError);
      const oid = await resolveCommit(repos[3]!, 'main');
      const info = await pool.info(repos[3]!, oid!);
      assert.equal(info?.type, 'commit');
      await assert.rejects(readBlob(pool, repos[3]!, 'main', 'README.md', 2), GitOutputTooLargeError);
    } finally {
      pool.close();
    }
  });

  test('a read after close is refused', async () => {
    const pool = new CatFilePool();
    pool.close();
    await assert.rejects(readCommit(pool, repos[0]!, 'main'));
  });
});
