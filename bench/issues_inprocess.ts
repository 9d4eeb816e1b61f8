// Issue lists in process (issue 6), for A/B runs on a loaded machine: starts the server on a seeded
// SQLite folder (bench/issues.ts --keep <dir>) without a listener and sends app.inject requests as the
// bench's Developer: per URL the median and p10 in ms, CPU per request (process.cpuUsage), and with
// --statements yes each statement's median time. --src <dir> runs another checkout's src (e.g. a
// worktree of the commit before), so both sides run on the same data in the same minutes; --out
// <file> appends each URL's headers and body (compare two trees' answers byte for byte);
// --profile <file> writes a CPU profile of the timed loop only; --writes N times label and state
// changes first (see writes(); it changes the data folder: use a copy).
//   npx tsx bench/issues_inprocess.ts --data <dir> [--requests 100] [--statements yes]
//        [--src <checkout>/src] [--out <file>] [--profile <file>] [--writes N] [--urls '<url> <url> …']
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type TimedStatement, timeStatements } from './support.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.resolve(args.get('src') ?? path.join(here, '../src'));
const dataDir = args.get('data') ?? '/work/bench-issues';
const REQUESTS = Number(args.get('requests') ?? 100);
const urls = (
  args.get('urls') ??
  '/api/v4/projects/1/issues?labels=label-0001,label-0003&state=opened /api/v4/projects/1/issues?labels=label-0000,label-1500 /api/v4/projects/1/issues?not[labels]=label-0000&state=opened /api/v4/issues?scope=all&labels=label-0001&state=opened'
).split(' ');
const headers = { 'private-token': 'glpat-benchmarkmember00000' };

const timer = timeStatements();

const { startServer } = (await import(path.join(src, 'server.js'))) as typeof import('../src/server.js');
const { loadConfig } = (await import(path.join(src, 'config.js'))) as typeof import('../src/config.js');
const server = await startServer(
  {
    ...loadConfig([], {}),
    host: '127.0.0.1',
    port: 0,
    dataDir,
    databaseUrl: null,
    rootToken: 'glpat-benchmarkbenchmark00',
    logLevel: 'silent',
  },
  { listen: false },
);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/**
 * --writes N: what the label and state writes cost, N times each on issues of the seed's project
 * (iids 1001, 1002, …), each one undone by the next: labels added then removed, closed then
 * reopened. It changes the data folder (updated_at, notes, events), so run it on a copy.
 */
async function writes(n: number) {
  const put = async (iid: number, body: Record<string, unknown>) => {
    const t = process.hrtime.bigint();
    const res = await server.app.inject({
      method: 'PUT',
      url: `/api/v4/projects/1/issues/${iid}`,
      headers,
      payload: body,
    });
    if (res.statusCode !== 200) throw new Error(`PUT ${iid}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const kinds: [string, Record<string, unknown>][] = [
    ['add_labels', { add_labels: 'label-0001,label-0003' }],
    ['remove_labels', { remove_labels: 'label-0001,label-0003' }],
    ['close', { state_event: 'close' }],
    ['reopen', { state_event: 'reopen' }],
  ];
  const times = new Map(kinds.map(([k]) => [k, [] as number[]]));
  for (let i = 0; i < n; i++)
    for (const [kind, body] of kinds) times.get(kind)!.push(await put(1001 + i, body));
  for (const [kind, ts] of times)
    console.log(`PUT issue ${kind}  median ${median(ts.slice(5)).toFixed(2)} ms`);
}

try {
  if (args.has('writes')) await writes(Number(args.get('writes')));
  for (const url of urls) {
    const first = await server.app.inject({ method: 'GET', url, headers });
    if (args.has('out')) {
      const { 'x-request-id': _id, 'x-runtime': _runtime, date: _date, ...kept } = first.headers;
      fs.appendFileSync(args.get('out')!, `${url}\n${JSON.stringify(kept)}\n${first.body}\n`);
    }
    for (let i = 0; i < 30; i++) await server.app.inject({ method: 'GET', url, headers });
    const session = args.has('profile') ? new Session() : null;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 50 });
      await session.post('Profiler.start');
    }
    const times: number[] = [];
    const runs: TimedStatement[][] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < REQUESTS; i++) {
      if (args.get('statements') === 'yes') timer.start();
      const t = process.hrtime.bigint();
      const res = await server.app.inject({ method: 'GET', url, headers });
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      const statements = timer.stop();
      if (statements) runs.push(statements);
    }
    const cpu = process.cpuUsage(cpu0);
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(args.get('profile')!, JSON.stringify(profile));
      session.disconnect();
    }
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `${url}  bytes ${first.body.length}  median ${median(times).toFixed(2)} ms  p10 ${sorted[Math.floor(REQUESTS / 10)]!.toFixed(2)}  cpu/request ${((cpu.user + cpu.system) / REQUESTS / 1000).toFixed(2)} ms`,
    );
    if (!runs.length) continue;
    console.log(
      `  ${runs[0]!.length} statements, SQL ${median(runs.map((r) => r.reduce((n, s) => n + s.ms, 0))).toFixed(2)} ms`,
    );
    for (const [k, s] of runs[0]!.entries())
      console.log(
        `  ${median(runs.map((r) => r[k]?.ms ?? 0)).toFixed(3)} ms  ${s.sql.replace(/\s+/g, ' ').slice(0, 160)}`,
      );
  }
} finally {
  await server.close();
}
