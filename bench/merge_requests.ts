// Merge requests on real git (issue 7): a merge request touching 1,000 files in 50 commits.
// Median and p95 latency of GET .../changes, GET .../diffs?per_page=100, GET .../commits and
// PUT .../merge (a fresh 1,000-file MR per merge sample), next to a bare Fastify handler answering
// the same bytes as .../changes, and to running the equivalent git by hand (diff-tree -p, log,
// merge-tree --write-tree) on the same repository in the same run; ratios printed.
// The server runs in-process on SQLite (test/server.ts: the real app, a temp data folder), so
// every git command that talks to it over HTTP must run asynchronously: a synchronous child
// process blocks the event loop the server answers on (the first version of this file cloned with
// execFileSync and hung there forever). The branches are built with `git fast-import` in a temp
// clone and pushed once.
//   npx tsx bench/merge_requests.ts [--runs 15] [--merges 7]
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { repoPath } from '../src/git/storage.js';
import { startTestServer } from '../test/server.js';
import { freePort } from './support.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const RUNS = Number(args.get('runs') ?? 15);
const MERGES = Number(args.get('merges') ?? 7);
const FILES = 1000;
const COMMITS = 50;

const env = (home: string) => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: home,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  LC_ALL: 'C',
});
/** Local git only (never against the in-process server: it would block its event loop). */
const git = (argv: string[], cwd: string, input?: string) =>
  execFileSync('git', argv, { cwd, env: env(cwd), input, maxBuffer: 1 << 28 }).toString();
const execFileAsync = promisify(execFile);
/** git that talks to the in-process server (clone, push). */
const gitAsync = async (argv: string[], cwd: string) =>
  (await execFileAsync('git', argv, { cwd, env: env(cwd), maxBuffer: 1 << 28 })).stdout;

interface Stat {
  median: number;
  p95: number;
}
function stat(xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: s[Math.floor(s.length / 2)]!,
    p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!,
  };
}
async function time(fn: () => Promise<unknown> | unknown, runs = RUNS): Promise<Stat> {
  await fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return stat(out);
}

/**
 * A fast-import stream: branch `name` off `from`, COMMITS commits adding FILES files of 20 lines
 * under `prefix` (distinct per branch, so every branch merges cleanly after the others).
 */
function branchStream(name: string, from: string, prefix: string, when: number): string {
  const out: string[] = [];
  const perCommit = FILES / COMMITS;
  for (let c = 0; c < COMMITS; c++) {
    const msg = `${name}: commit ${c}\n`;
    out.push(`commit refs/heads/${name}`);
    out.push(`committer Bench <bench@example.com> ${when + c} +0000`);
    out.push(`data ${Buffer.byteLength(msg)}`, msg);
    if (c === 0) out.push(`from ${from}`);
    for (let f = 0; f < perCommit; f++) {
      const n = c * perCommit + f;
      const body = `${Array.from({ length: 20 }, (_, i) => `line ${i} of ${prefix}${n}`).join('\n')}\n`;
      out.push(`M 100644 inline ${prefix}dir${n % 20}/file${n}.txt`);
      out.push(`data ${Buffer.byteLength(body)}`, body);
    }
    out.push('');
  }
  return out.join('\n');
}

async function main() {
  const s = await startTestServer();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'labforge-bench-mr-'));
  try {
    const created = await s.request('/projects', {
      method: 'POST',
      body: { name: 'mrbench', initialize_with_readme: true },
    });
    const project = created.body as { id: number; path_with_namespace: string };
    const url = new URL(`${s.url}/${project.path_with_namespace}.git`);
    url.username = 'oauth2';
    url.password = s.rootToken;
    const d = path.join(work, 'w');
    let t0 = Date.now();
    await gitAsync(['clone', '--quiet', url.toString(), d], work);
    const base0 = git(['rev-parse', 'HEAD'], d).trim();
    const branches = ['big', ...Array.from({ length: MERGES }, (_, i) => `m${i}`)];
    const stream = branches
      .map((b, i) => branchStream(b, base0, b === 'big' ? '' : `${b}/`, 1_790_000_000 + i * 100))
      .join('\n');
    git(['fast-import', '--quiet'], d, stream);
    const seedGit = Date.now() - t0;
    t0 = Date.now();
    await gitAsync(
      ['push', '--quiet', 'origin', ...branches.map((b) => `refs/heads/${b}:refs/heads/${b}`)],
      d,
    );
    const seedPush = Date.now() - t0;
    t0 = Date.now();
    const iids = new Map<string, number>();
    for (const b of branches) {
      const mr = await s.request(`/projects/${project.id}/merge_requests`, {
        method: 'POST',
        body: { source_branch: b, target_branch: 'main', title: `MR ${b}` },
      });
      if (mr.status !== 201) throw new Error(`create: ${mr.status} ${mr.text}`);
      iids.set(b, (mr.body as { iid: number }).iid);
    }
    const seedMrs = Date.now() - t0;
    const api = `${s.url}/api/v4/projects/${project.id}/merge_requests`;
    const base = `${api}/${iids.get('big')}`;
    const headers = { 'private-token': s.rootToken };
    const get = async (u: string) => {
      const r = await fetch(u, { headers });
      const body = await r.text();
      if (r.status !== 200) throw new Error(`${u}: ${r.status}`);
      return body;
    };
    const changesBody = await get(`${base}/changes`);
    const app = Fastify();
    app.get('/bare', async (_req, reply) => reply.type('application/json').send(changesBody));
    const port = await freePort();
    await app.listen({ host: '127.0.0.1', port });

    const repo = repoPath(s.dataDir, project.id);
    const rev = (ref: string) => git(['--git-dir', repo, 'rev-parse', ref], work).trim();
    const head = rev('refs/heads/big');
    const main = rev('refs/heads/main');
    const rows: Array<[string, Stat, Stat | null]> = [];
    const bare = await time(() => get(`http://127.0.0.1:${port}/bare`));
    const byHand = {
      diff: await time(() => git(['--git-dir', repo, 'diff-tree', '-r', '-p', '-M', main, head], work)),
      log: await time(() =>
        git(['--git-dir', repo, 'log', '--format=%H%x00%an%x00%ae%x00%at%x00%B', `${main}..${head}`], work),
      ),
    };
    rows.push(['bare Fastify, same bytes as .../changes', bare, null]);
    rows.push(['git diff-tree -r -p -M main big (by hand)', byHand.diff, null]);
    rows.push(['git log main..big (by hand)', byHand.log, null]);
    rows.push(['GET .../changes (1,000 files)', await time(() => get(`${base}/changes`)), byHand.diff]);
    rows.push([
      'GET .../diffs?per_page=100',
      await time(() => get(`${base}/diffs?per_page=100`)),
      byHand.diff,
    ]);
    rows.push(['GET .../commits (50)', await time(() => get(`${base}/commits`)), byHand.log]);
    rows.push(['GET .../merge_requests/:iid (entity, mergeability)', await time(() => get(base)), null]);

    // PUT .../merge: one fresh 1,000-file MR per sample; merge-tree by hand on the same pair first.
    const mergeMs: number[] = [];
    const treeMs: number[] = [];
    for (const b of branches.slice(1)) {
      const target = rev('refs/heads/main');
      const source = rev(`refs/heads/${b}`);
      let t = process.hrtime.bigint();
      git(['--git-dir', repo, 'merge-tree', '--write-tree', target, source], work);
      treeMs.push(Number(process.hrtime.bigint() - t) / 1e6);
      t = process.hrtime.bigint();
      const merged = await fetch(`${api}/${iids.get(b)}/merge`, { method: 'PUT', headers });
      const body = await merged.text();
      mergeMs.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (merged.status !== 200) throw new Error(`merge: ${merged.status} ${body}`);
    }
    const tree = stat(treeMs);
    rows.push(['git merge-tree --write-tree main mN (by hand)', tree, null]);
    rows.push([`PUT .../merge (merge commit of 1,000 files; ${MERGES} MRs)`, stat(mergeMs), tree]);
    await app.close();
    console.log(
      `seed: fast-import ${FILES} files x ${branches.length} branches ${seedGit} ms, one push ${seedPush} ms, ` +
        `${branches.length} MRs created ${seedMrs} ms`,
    );
    console.log(
      `runs per GET figure: ${RUNS} (after one warm-up), merges: ${MERGES}; ${os.cpus().length} cores, ` +
        `load ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}, SQLite\n`,
    );
    console.log(
      '| what | median ms | p95 ms | x bare (median) | x git by hand (median) |\n|---|---|---|---|---|',
    );
    for (const [name, st, hand] of rows) {
      const xb = (st.median / bare.median).toFixed(1);
      const xh = hand ? (st.median / hand.median).toFixed(1) : '';
      console.log(`| ${name} | ${st.median.toFixed(1)} | ${st.p95.toFixed(1)} | ${xb} | ${xh} |`);
    }
  } finally {
    await s.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
