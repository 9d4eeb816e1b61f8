// Git over HTTP at scale: a repository of 10,000 commits and 5,000 files (generated with
// `git fast-import`) pushed to labforge, then
//   - `git clone` over HTTP against `git clone` of the same bare repository by file path (file://,
//     so both go through upload-pack and pack-objects; a plain path would hardlink instead),
//   - GET .../repository/files/:path/raw and GET .../repository/tree throughput (autocannon) against
//     a bare Fastify handler answering the same bytes,
//   - how many git processes the server started during those reads (a PATH shim logs every git
//     the server runs: reads go through the long-lived cat-file pool, not a process per request).
//   npx tsx bench/git.ts [--duration 5] [--connections 20] [--clones 3]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { repoPath } from '../src/git/storage.js';
import { freePort, serverCommand, stop, waitFor200 } from './support.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const duration = Number(args.get('duration') ?? 5);
const connections = Number(args.get('connections') ?? 20);
const CLONES = Number(args.get('clones') ?? 5);
const COMMITS = 10_000;
const FILES = 5_000;
const DIRS = 100;
const ROOT_TOKEN = 'glpat-benchmarkbenchmark00';

// ---- the bare yardstick (this file, run with --bare) ---------------------------------------------

async function serveBare(port: number, bodiesFile: string): Promise<void> {
  const bodies = JSON.parse(fs.readFileSync(bodiesFile, 'utf8')) as Record<
    string,
    { type: string; body: string }
  >;
  const app = Fastify();
  app.get('/bare/:name', async (request, reply) => {
    const b = bodies[(request.params as { name: string }).name]!;
    reply.type(b.type).send(b.body);
  });
  await app.listen({ host: '127.0.0.1', port });
}

// ---- helpers -------------------------------------------------------------------------------------

const gitEnv = (home: string) => ({
  ...(process.env.BENCH_TRACE ? { GIT_TRACE2_PERF: process.env.BENCH_TRACE } : {}),
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: home,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
});

function git(argv: string[], cwd: string, input?: string | Buffer): void {
  execFileSync('git', argv, {
    cwd,
    env: gitEnv(cwd),
    input,
    stdio: [input ? 'pipe' : 'ignore', 'ignore', 'inherit'],
    maxBuffer: 1 << 30,
  });
}

/** Times one command after flushing the previous clone's writes (otherwise whichever clone runs first pays for them). */
function timed(fn: () => void): number {
  execFileSync('sync');
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Result {
  rps: number;
  p99: number;
  errors: number;
}

async function load(url: string, headers: Record<string, string>): Promise<Result> {
  const r = await autocannon({ url, headers, duration, connections, pipelining: 1 });
  return { rps: Math.round(r.requests.average), p99: r.latency.p99, errors: r.errors + r.non2xx };
}

/** 10,000 commits: the first 5,000 each add a file (100 folders of 50), the next 5,000 each change one. */
function fastImportStream(): string {
  const out: string[] = [];
  const t0 = 1_700_000_000;
  for (let i = 0; i < COMMITS; i++) {
    const f = i % FILES;
    const file = `d${String(f % DIRS).padStart(2, '0')}/file-${String(f).padStart(4, '0')}.txt`;
    const content = `file ${f}, revision ${Math.floor(i / FILES)}\n${'line of text for the benchmark\n'.repeat(8)}`;
    const msg = `Commit ${i}: ${i < FILES ? 'add' : 'change'} ${file}\n`;
    out.push(
      'commit refs/heads/main',
      `mark :${i + 1}`,
      `author Bench <bench@example.com> ${t0 + i * 60} +0000`,
      `committer Bench <bench@example.com> ${t0 + i * 60} +0000`,
      `data ${Buffer.byteLength(msg)}`,
      msg.slice(0, -1),
      ...(i > 0 ? [`from :${i}`] : []),
      `M 100644 inline ${file}`,
      `data ${Buffer.byteLength(content)}`,
      content,
    );
  }
  return `${out.join('\n')}\n`;
}

// ---- the run -------------------------------------------------------------------------------------

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'labforge-bench-git-'));
  const dataDir = path.join(work, 'data');
  fs.mkdirSync(dataDir);

  // A PATH shim: every git the server starts appends one line to git.log, then runs the real git.
  const realGit = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
  const shimDir = path.join(work, 'shim');
  const gitLog = path.join(work, 'git.log');
  fs.mkdirSync(shimDir);
  fs.writeFileSync(
    path.join(shimDir, 'git'),
    `#!/bin/sh\necho "$1 $2 $3 $4" >> ${gitLog}\nexec ${realGit} "$@"\n`,
    {
      mode: 0o755,
    },
  );
  fs.writeFileSync(gitLog, '');
  const spawned = () => fs.readFileSync(gitLog, 'utf8').split('\n').filter(Boolean).length;

  let t = Date.now();
  const source = path.join(work, 'source.git');
  git(['init', '-q', '--bare', '-b', 'main', source], work);
  git(['fast-import', '--quiet'], source, fastImportStream());
  git(['repack', '-adq'], source);
  const genSeconds = (Date.now() - t) / 1000;

  const command = serverCommand();
  const port = await freePort();
  const env = {
    ...process.env,
    PATH: `${shimDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    LABFORGE_PORT: String(port),
    LABFORGE_DATA_DIR: dataDir,
    LABFORGE_ROOT_TOKEN: ROOT_TOKEN,
    LABFORGE_LOG_LEVEL: 'warn',
    DATABASE_URL: '',
  };
  const origin = `http://127.0.0.1:${port}`;
  const base = `${origin}/api/v4`;
  const headers = { 'private-token': ROOT_TOKEN };
  const server = spawn(process.execPath, command, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitFor200(`${base}/user`, headers, 60000);

  const created = await fetch(`${base}/projects`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench-git', path: 'bench-git' }),
  });
  const project = (await created.json()) as { id: number; path_with_namespace: string };
  const url = new URL(`${origin}/${project.path_with_namespace}.git`);
  url.username = 'oauth2';
  url.password = ROOT_TOKEN;
  t = Date.now();
  git(['push', '-q', url.toString(), 'main'], source);
  const pushSeconds = (Date.now() - t) / 1000;
  const bare = repoPath(dataDir, project.id);
  if (!fs.existsSync(bare)) throw new Error(`no repository at ${bare}`);
  // The pushed objects arrive as one pack, as the file-path clone's source sees them too.

  const httpTimes: number[] = [];
  const fileTimes: number[] = [];
  const cloneHttp = (d: string) =>
    timed(() => git(['-c', 'credential.helper=', 'clone', '-q', url.toString(), d], work));
  const cloneFile = (d: string) => timed(() => git(['clone', '-q', `file://${bare}`, d], work));
  // One warm-up of each (page cache, the server's first requests), then alternate which goes first.
  for (let i = -1; i < CLONES; i++) {
    const a = path.join(work, `http-${i}`);
    const b = path.join(work, `file-${i}`);
    const [h, f] = i % 2 === 0 ? [cloneHttp(a), cloneFile(b)] : [0, cloneFile(b)];
    const hh = i % 2 === 0 ? h : cloneHttp(a);
    if (i >= 0) {
      httpTimes.push(hh);
      fileTimes.push(f);
    }
    const heads = [a, b].map((d) => execFileSync('git', ['rev-parse', 'HEAD'], { cwd: d }).toString().trim());
    if (heads[0] !== heads[1]) throw new Error('clones differ');
    const files = execFileSync('git', ['ls-files'], { cwd: a }).toString().split('\n').filter(Boolean).length;
    if (files !== FILES) throw new Error(`http clone has ${files} files`);
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  }
  const commits = execFileSync('git', ['--git-dir', bare, 'rev-list', '--count', 'main']).toString().trim();

  const filePath = encodeURIComponent('d07/file-0107.txt');
  const urls: Record<string, string> = {
    'GET /projects/:id/repository/files/:path/raw?ref=main': `${base}/projects/${project.id}/repository/files/${filePath}/raw?ref=main`,
    'GET /projects/:id/repository/tree?path=d07&per_page=50': `${base}/projects/${project.id}/repository/tree?path=d07&per_page=50`,
    'GET /projects/:id/repository/tree (root, 100 folders)': `${base}/projects/${project.id}/repository/tree?per_page=100`,
  };
  const names = Object.keys(urls);
  const bodies: Record<string, { type: string; body: string }> = {};
  for (const [i, name] of names.entries()) {
    // The first read of a path walks history for its last commit; a reused socket may be closed meanwhile.
    const res = await fetch(urls[name]!, { headers }).catch(() => fetch(urls[name]!, { headers }));
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${body.slice(0, 200)}`);
    bodies[String(i)] = { type: res.headers.get('content-type') ?? 'application/json', body };
  }
  const barePort = await freePort();
  const bodiesFile = path.join(work, 'bare-bodies.json');
  fs.writeFileSync(bodiesFile, JSON.stringify(bodies));
  const bareServer = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--bare', String(barePort), '--bodies', bodiesFile],
    { stdio: 'ignore' },
  );
  await waitFor200(`http://127.0.0.1:${barePort}/bare/0`, {});

  const ms = (x: number) => `${(x / 1000).toFixed(2)} s`;
  const lines = [
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${execFileSync('git', ['--version']).toString().trim()}; sqlite; ${duration}s per endpoint, ${connections} connections`,
    `repository: ${commits} commits, ${FILES} files in ${DIRS} folders, generated with git fast-import in ${genSeconds.toFixed(1)} s; pushed over HTTP in ${pushSeconds.toFixed(1)} s`,
    '',
    `| clone (median of ${CLONES}, after a warm-up; all runs http/file: ${httpTimes.map((x, i) => `${(x / 1000).toFixed(1)}/${(fileTimes[i]! / 1000).toFixed(1)}`).join(', ')} s) | http:// labforge | file:// same bare repo | ratio (file time / http time) |`,
    '|---|---|---|---|',
    `| git clone (full, with checkout) | ${ms(median(httpTimes))} | ${ms(median(fileTimes))} | ${(median(fileTimes) / median(httpTimes)).toFixed(2)} |`,
    '',
    '| endpoint (root token) | bytes | labforge req/s | p99 ms | bare req/s | ratio | errors | requests | git processes started |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [i, name] of names.entries()) {
    const before = spawned();
    const r = await autocannon({ url: urls[name]!, headers, duration, connections, pipelining: 1 });
    const gits = spawned() - before;
    const b = await load(`http://127.0.0.1:${barePort}/bare/${i}`, {});
    const rps = Math.round(r.requests.average);
    lines.push(
      `| ${name} | ${bodies[String(i)]!.body.length} | ${rps} | ${r.latency.p99} | ${b.rps} | ${(rps / b.rps).toFixed(2)} | ${r.errors + r.non2xx} | ${r.requests.total} | ${gits} |`,
    );
  }
  await stop(bareServer);
  await stop(server);
  if (!args.has('keep')) fs.rmSync(work, { recursive: true, force: true });
  console.log(lines.join('\n'));
}

if (args.has('bare')) await serveBare(Number(args.get('bare')), args.get('bodies')!);
else await main();
