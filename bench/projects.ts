// Projects at scale: 100,000 projects in 1,000 groups, seeded straight into the database, then
// GET /projects (offset page 1 and page 400, keyset at the start and at the end) and
// GET /projects/:id of a private project, as a signed-in member — each compared in the same run
// with a bare Fastify handler answering the same bytes.
// Besides req/s it reports the CPU time (user + system, from /proc) each server process spent per
// request during the load: far less sensitive to other load on the machine than throughput.
//   npx tsx bench/projects.ts [--duration 5] [--connections 20] [--database sqlite|postgres] [--only :id]
//     [--cpu-prof DIR]  (writes a CPU profile of the labforge server to DIR)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { MEMBER_TOKEN, seedProjects } from './seed_projects.js';
import { freePort, serverCommand, startPostgres, stop, waitFor200 } from './support.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const duration = Number(args.get('duration') ?? 5);
const connections = Number(args.get('connections') ?? 20);
const database = args.get('database') ?? 'sqlite';
/** Load only the endpoints whose name contains this, e.g. `--only :id`. */
const only = args.get('only');
const GROUPS = Number(args.get('groups') ?? 1000);
const PER_GROUP = Number(args.get('per-group') ?? 100);
const ROOT_TOKEN = 'glpat-benchmarkbenchmark00';
const cpuProfDir = args.get('cpu-prof');

// ---- the bare yardstick (this file, run with --bare) ---------------------------------------------

async function serveBare(port: number, bodiesFile: string): Promise<void> {
  const bodies = JSON.parse(fs.readFileSync(bodiesFile, 'utf8')) as Record<string, string>;
  const app = Fastify();
  app.get('/bare/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    reply.type('application/json').send(bodies[name]);
  });
  await app.listen({ host: '127.0.0.1', port });
}

// ---- helpers -------------------------------------------------------------------------------------

interface Result {
  rps: number;
  p99: number;
  errors: number;
  /** CPU µs the server process spent per request answered. */
  cpuUs: number;
}

const TICK_US = 1e6 / 100; // USER_HZ

/** A process's CPU time so far (user + system), in µs, from /proc/<pid>/stat. */
function cpuTimeUs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

async function load(url: string, headers: Record<string, string>, pid: number): Promise<Result> {
  const before = cpuTimeUs(pid);
  const r = await autocannon({ url, headers, duration, connections, pipelining: 1 });
  const used = cpuTimeUs(pid) - before;
  return {
    rps: Math.round(r.requests.average),
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
    cpuUs: used / Math.max(1, r.requests.total),
  };
}

// ---- the run -------------------------------------------------------------------------------------

async function main() {
  let databaseUrl: string | null = null;
  let pgStop: (() => Promise<void>) | null = null;
  if (database === 'postgres') {
    const pg = await startPostgres();
    databaseUrl = pg.url;
    pgStop = pg.stop;
  }
  const command = serverCommand();
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'labforge-bench-projects-'));
  const env = {
    ...process.env,
    LABFORGE_PORT: String(port),
    LABFORGE_DATA_DIR: dataDir,
    LABFORGE_ROOT_TOKEN: ROOT_TOKEN,
    LABFORGE_LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl ?? '',
  };
  const base = `http://127.0.0.1:${port}/api/v4`;
  const rootHeaders = { 'private-token': ROOT_TOKEN };
  const headers = { 'private-token': MEMBER_TOKEN };

  // First start creates the schema; seed with the server stopped; then start again.
  const first = spawn(process.execPath, command, { env, stdio: 'ignore' });
  await waitFor200(`${base}/user`, rootHeaders);
  await stop(first);
  const seeded = await seedProjects(databaseUrl, dataDir, { groups: GROUPS, perGroup: PER_GROUP });
  const profile = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [];
  const server = spawn(process.execPath, [...profile, ...command], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor200(`${base}/user`, headers);

  // Check the seed through HTTP, as a client would see it.
  const check = await fetch(`${base}/projects?per_page=1`, { headers: rootHeaders });
  const total = check.headers.get('x-total');
  const cursor = (id: number) => Buffer.from(JSON.stringify({ value: id, id })).toString('base64url');
  const urls: Record<string, string> = {
    'GET /projects?per_page=100 (offset, page 1)': `${base}/projects?per_page=100`,
    'GET /projects?per_page=100&page=400 (offset)': `${base}/projects?per_page=100&page=400`,
    'GET /projects keyset order_by=id, first page': `${base}/projects?per_page=100&pagination=keyset&order_by=id&sort=asc`,
    'GET /projects keyset order_by=id, last page': `${base}/projects?per_page=100&pagination=keyset&order_by=id&sort=asc&cursor=${cursor(seeded.maxId - 150)}`,
    'GET /projects/:id (private, as a member)': `${base}/projects/${seeded.privateProjectId}`,
  };
  const bodies: Record<string, string> = {};
  const names = Object.keys(urls);
  for (const [i, name] of names.entries()) {
    const res = await fetch(urls[name]!, { headers });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${text.slice(0, 200)}`);
    bodies[String(i)] = text;
  }
  const rows = (i: number) => (JSON.parse(bodies[String(i)]!) as unknown[]).length;

  const barePort = await freePort();
  const bodiesFile = path.join(dataDir, 'bare-bodies.json');
  fs.writeFileSync(bodiesFile, JSON.stringify(bodies));
  const bare = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--bare', String(barePort), '--bodies', bodiesFile],
    { stdio: 'ignore' },
  );
  await waitFor200(`http://127.0.0.1:${barePort}/bare/0`, {});

  const lines = [
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ${database}; ${duration}s per endpoint, ${connections} connections; load average ${os.loadavg()[0]!.toFixed(2)} at the start`,
    `seed: ${GROUPS} groups, ${GROUPS * PER_GROUP} projects (ids ${seeded.minId}–${seeded.maxId}) in ${seeded.seconds.toFixed(1)} s straight into the database; GET /projects as admin: x-total ${total === null ? 'absent (over 10,000, C42)' : total}`,
    '',
    '| endpoint (as a signed-in member) | rows | bytes | labforge req/s | p99 ms | bare req/s | ratio | errors | CPU µs/req labforge | bare | bare/labforge |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [i, name] of names.entries()) {
    if (only && !name.includes(only)) continue;
    const r = await load(urls[name]!, headers, server.pid!);
    const b = await load(`http://127.0.0.1:${barePort}/bare/${i}`, {}, bare.pid!);
    const n = name.includes(':id') ? 1 : rows(i);
    lines.push(
      `| ${name} | ${n} | ${bodies[String(i)]!.length} | ${r.rps} | ${r.p99} | ${b.rps} | ${(r.rps / b.rps).toFixed(2)} | ${r.errors} | ${r.cpuUs.toFixed(0)} | ${b.cpuUs.toFixed(0)} | ${(b.cpuUs / r.cpuUs).toFixed(2)} |`,
    );
  }
  lines.push('', `load average ${os.loadavg()[0]!.toFixed(2)} at the end`);
  await stop(bare);
  await stop(server);
  await pgStop?.();
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(lines.join('\n'));
}

if (args.has('bare')) await serveBare(Number(args.get('bare')), args.get('bodies')!);
else await main();
