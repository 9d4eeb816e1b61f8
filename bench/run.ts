// Benchmarks labforge against a bare Fastify handler on the same machine, in the same run.
//   npm run bench -- [--duration 10] [--connections 20] [--scenarios sqlite-1,sqlite-2,postgres-2] [--load-workers 0]
// --load-workers N runs autocannon in N worker threads (0, the default: in this process's main thread);
// the load generator shares the machine's cores with the server, which caps what 2 workers can show.
// Prints a Markdown table: requests/s, p99 latency, the ratio to the bare handler, memory, and
// time from process start to the first 200 answer. Ratios are the figures: machines here are noisy.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, stop, waitFor200 } from './support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const duration = Number(args.get('duration') ?? 10);
const connections = Number(args.get('connections') ?? 20);
const scenarios = (args.get('scenarios') ?? 'sqlite-1').split(',');
const loadWorkers = Number(args.get('load-workers') ?? 0);
const TOKEN = 'glpat-benchmarkbenchmark00';

interface Result {
  name: string;
  rps: number;
  p99: number;
  errors: number;
}

/** Resident memory of a process and its children (cluster workers), in MB. */
function rssMb(pid: number): number {
  const kb = (p: number) => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  };
  let total = kb(pid);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) total += kb(Number(entry));
    } catch {}
  }
  return Math.round(total / 1024);
}

async function load(name: string, url: string, headers: Record<string, string>): Promise<Result> {
  const r = await autocannon({
    url,
    headers,
    duration,
    connections,
    pipelining: 1,
    ...(loadWorkers > 0 ? { workers: loadWorkers } : {}),
  });
  return { name, rps: Math.round(r.requests.average), p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function bare(workers: number): Promise<Result[]> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/bare.ts')], {
    env: { ...process.env, PORT: String(port), WORKERS: String(workers) },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor200(`${base}/api/v4/user`, {});
  const results = [
    await load(`bare fastify (${workers}w) GET /user`, `${base}/api/v4/user`, {}),
    await load(`bare fastify (${workers}w) GET /users?per_page=100`, `${base}/api/v4/users`, {}),
  ];
  await stop(child);
  return results;
}

interface LabforgeRun {
  results: Result[];
  startupMs: number;
  idleMb: number;
  afterMb: number;
}

async function labforge(workers: number, databaseUrl: string | null, label: string): Promise<LabforgeRun> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'labforge-bench-'));
  const headers = { 'private-token': TOKEN };
  const env = {
    ...process.env,
    LABFORGE_PORT: String(port),
    LABFORGE_DATA_DIR: dataDir,
    LABFORGE_ROOT_TOKEN: TOKEN,
    LABFORGE_LOG_LEVEL: 'warn',
    LABFORGE_WORKERS: String(workers),
    DATABASE_URL: databaseUrl ?? '',
  };
  // First start creates the database; time a second, warm start, as a restart would be.
  const base = `http://127.0.0.1:${port}`;
  const first = spawn(process.execPath, [path.join(root, 'dist/src/main.js'), 'serve'], {
    env,
    stdio: 'ignore',
  });
  await waitFor200(`${base}/api/v4/user`, headers);
  // Seed: 150 users through the admin API.
  for (let i = 0; i < 150; i++) {
    await fetch(`${base}/api/v4/users`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        username: `bench${i}`,
        email: `bench${i}@example.com`,
        name: `Bench User ${i}`,
        password: 'Bench-pass-12345',
        skip_confirmation: true,
      }),
    });
  }
  await stop(first);
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [path.join(root, 'dist/src/main.js'), 'serve'], {
    env,
    stdio: 'ignore',
  });
  await waitFor200(`${base}/api/v4/user`, headers);
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  await new Promise((r) => setTimeout(r, 1000));
  const idleMb = rssMb(child.pid!);
  const results = [
    await load(`labforge ${label} GET /user`, `${base}/api/v4/user`, headers),
    await load(`labforge ${label} GET /users?per_page=100`, `${base}/api/v4/users?per_page=100`, headers),
  ];
  const afterMb = rssMb(child.pid!);
  await stop(child);
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { results, startupMs, idleMb, afterMb };
}

async function main() {
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  } catch (e) {
    // Type errors still emit JavaScript; only a missing build is fatal.
    if (!fs.existsSync(path.join(root, 'dist/src/main.js'))) throw e;
    console.error('bench: tsc reported errors; benchmarking the JavaScript it emitted');
  }
  const lines: string[] = [];
  const row = (r: Result, base?: Result) =>
    `| ${r.name} | ${r.rps} | ${r.p99} | ${base ? (r.rps / base.rps).toFixed(2) : '1.00'} | ${r.errors} |`;
  lines.push(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ${duration}s per endpoint, ${connections} connections; autocannon ${loadWorkers > 0 ? `in ${loadWorkers} worker thread${loadWorkers === 1 ? '' : 's'}` : 'in the main thread'}`,
  );
  lines.push('', '| endpoint | req/s | p99 ms | ratio to bare | errors |', '|---|---|---|---|---|');
  const bareBy = new Map<number, Result[]>();
  const extra: string[] = [];
  const byScenario = new Map<string, Result[]>();
  for (const scenario of scenarios) {
    const [db, w] = scenario.split('-');
    const workers = Number(w ?? 1);
    if (!bareBy.has(workers)) {
      const b = await bare(workers);
      bareBy.set(workers, b);
      for (const r of b) lines.push(row(r));
    }
    let databaseUrl: string | null = null;
    let pgStop: (() => Promise<void>) | null = null;
    if (db === 'postgres') {
      const { startTestPostgres } = (await import(path.join(root, 'scripts/postgres.mjs'))) as {
        startTestPostgres(): Promise<{ url: string; stop(): Promise<void> } | null>;
      };
      const pg = await startTestPostgres();
      if (!pg) {
        extra.push(`${scenario}: skipped, no PostgreSQL found`);
        continue;
      }
      databaseUrl = pg.url;
      pgStop = pg.stop;
    }
    const run = await labforge(workers, databaseUrl, `${db} ${workers}w`);
    const b = bareBy.get(workers)!;
    for (const [i, r] of run.results.entries()) lines.push(row(r, b[i]));
    byScenario.set(scenario, run.results);
    extra.push(
      `${scenario}: first 200 after ${run.startupMs.toFixed(0)} ms from spawn; resident memory ${run.idleMb} MB idle, ${run.afterMb} MB after the run`,
    );
    if (pgStop) await pgStop();
  }
  // Ratios between scenarios, per endpoint: what a second worker buys, and what PostgreSQL costs.
  const ratio = (a: string, b: string) => {
    const x = byScenario.get(a);
    const y = byScenario.get(b);
    if (!x || !y) return;
    const parts = x.map(
      (r, i) => `${r.name.replace(/^labforge \S+ \S+ /, '')} ${(r.rps / y[i]!.rps).toFixed(2)}×`,
    );
    extra.push(`${a} / ${b}: ${parts.join(', ')}`);
  };
  ratio('sqlite-2', 'sqlite-1');
  ratio('postgres-2', 'sqlite-1');
  ratio('postgres-2', 'sqlite-2');
  const bare1 = bareBy.get(1);
  const bare2 = bareBy.get(2);
  if (bare1 && bare2)
    extra.push(
      `bare 2w / bare 1w: ${bare2.map((r, i) => `${r.name.replace(/^bare fastify \(2w\) /, '')} ${(r.rps / bare1[i]!.rps).toFixed(2)}×`).join(', ')}`,
    );
  lines.push('', ...extra.map((e) => `- ${e}`));
  console.log(lines.join('\n'));
}

await main();
