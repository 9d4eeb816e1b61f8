// Issues at scale (issue 6): 200,000 issues and 2,000 labels in one project, seeded straight into
// the database, then the issue lists and statistics as a signed-in Developer of the project (not an
// admin, so the visibility rules run) — each compared in the same run with a bare Fastify handler
// answering the same bytes. Latency: sequential requests after a warm-up (median, p95). Throughput:
// autocannon.
//   npx tsx bench/issues.ts [--issues 200000] [--labels 2000] [--requests 200] [--duration 3]
//                           [--connections 10] [--database sqlite|postgres] [--only <name part>]
//                           [--keep <dir>]   (SQLite: seed once into <dir>, reuse it on later runs)
//                           [--in-process no] [--explain yes]   (SQLite: then the SQL per request,
//                           timed in process; its statements and plans on stderr)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import type { Insertable } from 'kysely';
import { openDatabase } from '../src/db/connection.js';
import type { IssuesTable } from '../src/db/schema.js';
import { tokenDigest } from '../src/security/tokens.js';
import {
  freePort,
  serverCommand,
  startPostgres,
  stop,
  type TimedStatement,
  timeStatements,
  waitFor200,
} from './support.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const ISSUES = Number(args.get('issues') ?? 200_000);
const LABELS = Number(args.get('labels') ?? 2000);
const USERS = 50;
const MILESTONES = 20;
const REQUESTS = Number(args.get('requests') ?? 200);
const duration = Number(args.get('duration') ?? 3);
const connections = Number(args.get('connections') ?? 10);
const database = args.get('database') ?? 'sqlite';
const only = args.get('only');
const keep = args.get('keep');
const ROOT_TOKEN = 'glpat-benchmarkbenchmark00';
const MEMBER_TOKEN = 'glpat-benchmarkmember00000';
const BATCH = 500;

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

/** A deterministic pseudo-random sequence, so every run seeds the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'crash login timeout cache render upload export import search filter token session memory ' +
  'leak webhook pipeline runner deploy rollback migration index query slow error warning button ' +
  'layout mobile dark theme font avatar email notify badge chart graph report billing invoice ' +
  'refund quota limit retry queue worker cron backup restore archive mirror fork merge branch tag'
).split(' ');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Sequential requests after a warm-up: median and p95 in ms. */
async function latency(url: string, headers: Record<string, string>) {
  for (let i = 0; i < 20; i++) await (await fetch(url, { headers })).arrayBuffer();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = process.hrtime.bigint();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p95: percentile(times, 95) };
}

async function load(url: string, headers: Record<string, string>) {
  const r = await autocannon({ url, headers, duration, connections, pipelining: 1 });
  return { rps: Math.round(r.requests.average), errors: r.errors + r.non2xx };
}

// ---- seeding straight into the database ----------------------------------------------------------

async function seed(databaseUrl: string | null, dataDir: string) {
  const { db, close } = openDatabase({ databaseUrl, dataDir });
  const random = rng(6);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const started = Date.now();
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString();
  const now = iso(Date.now());
  try {
    // 50 users; the first is the signed-in member (a Developer of the project).
    const users = await db
      .insertInto('users')
      .values(
        Array.from({ length: USERS }, (_, u) => ({
          username: `benchuser${u}`,
          name: `Bench User ${u}`,
          email: `benchuser${u}@example.com`,
          confirmed_at: now,
          created_at: now,
          updated_at: now,
        })),
      )
      .returning('id')
      .execute();
    const userIds = users.map((u) => u.id);
    const member = userIds[0]!;
    await db
      .insertInto('personal_access_tokens')
      .values({
        user_id: member,
        name: 'bench',
        token_digest: tokenDigest(MEMBER_TOKEN),
        scopes: JSON.stringify(['api']),
        created_at: now,
        updated_at: now,
      })
      .execute();
    const group = await db
      .insertInto('namespaces')
      .values({
        type: 'Group',
        name: 'Bench',
        path: 'bench',
        full_path: 'bench',
        full_name: 'Bench',
        visibility_level: 20,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('namespace_hierarchy')
      .values({ ancestor_id: group.id, descendant_id: group.id, depth: 0 })
      .execute();
    const project = await db
      .insertInto('projects')
      .values({
        namespace_id: group.id,
        name: 'Issues',
        path: 'issues',
        path_with_namespace: 'bench/issues',
        description: 'Benchmark project',
        visibility_level: 20,
        creator_id: member,
        last_activity_at: now,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('members')
      .values({
        source_type: 'Project',
        source_id: project.id,
        user_id: member,
        access_level: 30,
        created_at: now,
        updated_at: now,
      })
      .execute();

    const labelIds: number[] = [];
    await db.transaction().execute(async (trx) => {
      for (let start = 0; start < LABELS; start += BATCH) {
        const rows = [];
        for (let l = start; l < Math.min(LABELS, start + BATCH); l++)
          rows.push({
            title: `label-${String(l).padStart(4, '0')}`,
            color: `#${(l * 2654435761).toString(16).slice(-6).padStart(6, '0')}`,
            description: null,
            project_id: project.id,
            group_id: null,
            type: 'ProjectLabel',
            created_at: now,
            updated_at: now,
          });
        const ids = await trx.insertInto('labels').values(rows).returning('id').execute();
        labelIds.push(...ids.map((r) => r.id));
      }
    });
    const milestoneIds = (
      await db
        .insertInto('milestones')
        .values(
          Array.from({ length: MILESTONES }, (_, m) => ({
            iid: m + 1,
            project_id: project.id,
            group_id: null,
            title: `v${m + 1}.0`,
            description: null,
            state: m < 15 ? 'closed' : 'active',
            due_date: iso(t0 + (m + 1) * 30 * 864e5).slice(0, 10),
            start_date: iso(t0 + m * 30 * 864e5).slice(0, 10),
            created_at: now,
            updated_at: now,
          })),
        )
        .returning('id')
        .execute()
    ).map((m) => m.id);

    // Label popularity follows Zipf's law: label k is picked with weight 1/(k+1), so label-0000
    // is on ~12% of picks and most labels are rare.
    const cumulative: number[] = [];
    let sum = 0;
    for (let k = 0; k < LABELS; k++) {
      sum += 1 / (k + 1);
      cumulative.push(sum);
    }
    const zipf = () => {
      const x = random() * sum;
      let lo = 0;
      let hi = LABELS - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };

    let links = 0;
    let assignments = 0;
    for (let start = 0; start < ISSUES; start += BATCH * 20) {
      await db.transaction().execute(async (trx) => {
        for (let b = start; b < Math.min(ISSUES, start + BATCH * 20); b += BATCH) {
          const rows: Insertable<IssuesTable>[] = [];
          const labelSets: number[][] = [];
          const assignees: number[][] = [];
          for (let i = b; i < Math.min(ISSUES, b + BATCH); i++) {
            // Created one every ~2 minutes from 2024-01-01; a third closed; 5% confidential.
            const created = t0 + i * 120_000 + Math.floor(random() * 60_000);
            const updated = created + Math.floor(random() * 90 * 864e5);
            const closed = random() < 0.35;
            const words = Array.from({ length: 4 }, () => pick(WORDS));
            rows.push({
              iid: i + 1,
              project_id: project.id,
              author_id: pick(userIds),
              title: `${words[0]} ${words[1]} when ${words[2]} ${i}`,
              description: `Steps: open the ${words[3]} page, click ${pick(WORDS)}; expected ${pick(WORDS)}, got ${pick(WORDS)}.`,
              state: closed ? 'closed' : 'opened',
              confidential: random() < 0.05,
              milestone_id: random() < 0.6 ? pick(milestoneIds) : null,
              due_date: random() < 0.2 ? iso(created + 30 * 864e5).slice(0, 10) : null,
              weight: random() < 0.3 ? Math.floor(random() * 10) : null,
              relative_position: (i + 1) * 513,
              upvotes_count: random() < 0.1 ? Math.floor(random() * 20) : 0,
              closed_at: closed ? iso(updated) : null,
              closed_by_id: closed ? pick(userIds) : null,
              created_at: iso(created),
              updated_at: iso(updated),
            });
            const n = Math.floor(random() * 5); // 0–4 labels
            const set = new Set<number>();
            while (set.size < n) set.add(labelIds[zipf()]!);
            labelSets.push([...set]);
            const a = random() < 0.7 ? 1 + (random() < 0.1 ? 1 : 0) : 0;
            const who = new Set<number>();
            while (who.size < a) who.add(pick(userIds));
            assignees.push([...who]);
          }
          const ids = (await trx.insertInto('issues').values(rows).returning('id').execute()).map(
            (r) => r.id,
          );
          const linkRows = ids.flatMap((id, k) =>
            labelSets[k]!.map((label_id) => ({
              label_id,
              target_type: 'Issue',
              target_id: id,
              created_at: rows[k]!.created_at,
            })),
          );
          for (let s = 0; s < linkRows.length; s += BATCH)
            await trx
              .insertInto('label_links')
              .values(linkRows.slice(s, s + BATCH))
              .execute();
          links += linkRows.length;
          const assigneeRows = ids.flatMap((issue_id, k) =>
            assignees[k]!.map((user_id) => ({ issue_id, user_id })),
          );
          if (assigneeRows.length) await trx.insertInto('issue_assignees').values(assigneeRows).execute();
          assignments += assigneeRows.length;
        }
      });
    }
    await db
      .insertInto('internal_ids')
      .values({ usage: 'issues', scope_type: 'Project', scope_id: project.id, last_value: ISSUES })
      .execute();
    return {
      projectId: project.id,
      memberId: member,
      assigneeId: userIds[7]!,
      milestoneTitle: 'v18.0',
      links,
      assignments,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await close();
  }
}

/** The requests measured, by name. */
function cases(base: string, seeded: { projectId: number; assigneeId: number; milestoneTitle: string }) {
  const issues = `${base}/projects/${seeded.projectId}/issues`;
  return {
    'project issues, default order (page 1)': `${issues}`,
    'labels=label-0001,label-0003&state=opened': `${issues}?labels=label-0001,label-0003&state=opened`,
    'labels=label-0000,label-1500 (a common and a rare label)': `${issues}?labels=label-0000,label-1500`,
    'labels=label-0002&state=closed&order_by=updated_at': `${issues}?labels=label-0002&state=closed&order_by=updated_at`,
    'search=webhook': `${issues}?search=webhook`,
    'search=webhook&state=opened&in=title': `${issues}?search=webhook&state=opened&in=title`,
    [`assignee_id (one of ${USERS} users)`]: `${issues}?assignee_id=${seeded.assigneeId}`,
    'milestone=v18.0&state=opened': `${issues}?milestone=${seeded.milestoneTitle}&state=opened`,
    'order_by=updated_at&sort=asc': `${issues}?order_by=updated_at&sort=asc`,
    'order_by=due_date': `${issues}?order_by=due_date`,
    'page=400 (offset 7,980)': `${issues}?page=400`,
    'not[labels]=label-0000&state=opened': `${issues}?not[labels]=label-0000&state=opened`,
    'GET /projects/:id/issues_statistics': `${base}/projects/${seeded.projectId}/issues_statistics`,
    'GET /projects/:id/issues_statistics?labels=label-0001': `${base}/projects/${seeded.projectId}/issues_statistics?labels=label-0001`,
    'GET /issues_statistics (scope created_by_me)': `${base}/issues_statistics`,
    'GET /issues_statistics?scope=all': `${base}/issues_statistics?scope=all`,
    'GET /issues?scope=all&labels=label-0001&state=opened': `${base}/issues?scope=all&labels=label-0001&state=opened`,
  } as Record<string, string>;
}

// ---- in-process: the SQL each request runs, timed statement by statement ------------------------

type Timed = TimedStatement;

/**
 * Starts the server inside this process on the seeded SQLite folder with every better-sqlite3
 * statement timed, and runs each request `REQUESTS` times: the median SQL time per request (less
 * sensitive to a loaded machine than HTTP latency), and per statement its median and, with
 * `--explain yes`, SQLite's query plan. SQLite only.
 */
async function profileQueries(dataDir: string, urls: Record<string, string>, names: string[]) {
  const SQLite = (await import('better-sqlite3')).default;
  const timer = timeStatements();
  const { startServer } = await import('../src/server.js');
  const { loadConfig } = await import('../src/config.js');
  const server = await startServer({
    ...loadConfig([], {}),
    host: '127.0.0.1',
    port: 0,
    dataDir,
    databaseUrl: null,
    rootToken: ROOT_TOKEN,
    logLevel: 'silent',
  });
  const explain = args.get('explain') === 'yes';
  const raw = new SQLite(path.join(dataDir, 'labforge.sqlite3'), { readonly: true });
  const lines = [
    '',
    `in process (same data, server in the bench process, ${REQUESTS} requests each after 20 warm-up ones): SQL time per request, median`,
    '',
    '| request | statements | SQL ms (median) | request ms in process (median) | slowest statement ms (median) |',
    '|---|---|---|---|---|',
  ];
  const details: string[] = [];
  try {
    for (const name of names) {
      const url = urls[name]!.replace(/^http:\/\/127\.0\.0\.1:\d+/, server.url);
      const runs: Timed[][] = [];
      const wall: number[] = [];
      for (let i = 0; i < 20 + REQUESTS; i++) {
        timer.start();
        const t = process.hrtime.bigint();
        const res = await fetch(url, { headers: { 'private-token': MEMBER_TOKEN } });
        await res.arrayBuffer();
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        const statements = timer.stop()!;
        if (i >= 20) {
          runs.push(statements);
          wall.push(ms);
        }
      }
      const median = (xs: number[]) =>
        percentile(
          [...xs].sort((a, b) => a - b),
          50,
        );
      const perStatement = runs[0]!.map((s, k) => ({ ...s, ms: median(runs.map((r) => r[k]?.ms ?? 0)) }));
      const slowest = perStatement.reduce((a, b) => (b.ms > a.ms ? b : a));
      lines.push(
        `| ${name} | ${perStatement.length} | ${median(runs.map((r) => r.reduce((n, s) => n + s.ms, 0))).toFixed(2)} | ${median(wall).toFixed(2)} | ${slowest.ms.toFixed(2)} |`,
      );
      details.push(`### ${name}`);
      for (const s of perStatement) {
        details.push(`- ${s.ms.toFixed(3)} ms: ${s.sql.replace(/\s+/g, ' ')}  ${JSON.stringify(s.params)}`);
        if (explain) {
          const plan = raw.prepare(`explain query plan ${s.sql}`).all(s.params) as { detail: string }[];
          for (const p of plan) details.push(`    ${p.detail}`);
        }
      }
    }
  } finally {
    raw.close();
    await server.close();
  }
  console.error(details.join('\n'));
  return lines;
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
  if (keep) fs.mkdirSync(keep, { recursive: true });
  const dataDir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'labforge-bench-issues-'));
  const seededFile = path.join(dataDir, 'bench-seeded.json');
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
  const reuse = keep !== undefined && databaseUrl === null && fs.existsSync(seededFile);
  const seeded = reuse
    ? (JSON.parse(fs.readFileSync(seededFile, 'utf8')) as Awaited<ReturnType<typeof seed>>)
    : await seed(databaseUrl, dataDir);
  if (keep) fs.writeFileSync(seededFile, JSON.stringify(seeded));
  const server = spawn(process.execPath, command, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitFor200(`${base}/user`, headers);

  const urls = cases(base, seeded);
  const names = Object.keys(urls).filter((n) => !only || n.includes(only));
  const bodies: Record<string, string> = {};
  const info: Record<string, string> = {};
  for (const [i, name] of names.entries()) {
    const res = await fetch(urls[name]!, { headers });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${text.slice(0, 200)}`);
    bodies[String(i)] = text;
    const parsed = JSON.parse(text) as unknown;
    info[String(i)] = Array.isArray(parsed)
      ? `${parsed.length} rows, x-total ${res.headers.get('x-total') ?? '—'}`
      : JSON.stringify((parsed as { statistics: { counts: unknown } }).statistics.counts);
  }

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
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ${database}; load average before the run ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `seed: 1 project, ${ISSUES} issues, ${LABELS} labels, ${seeded.links} label links, ${seeded.assignments} assignees, ${MILESTONES} milestones, ${USERS} users, in ${seeded.seconds.toFixed(1)} s straight into the database`,
    `latency: ${REQUESTS} sequential requests after 20 warm-up ones; throughput: autocannon ${duration} s, ${connections} connections`,
    '',
    '| request (as a Developer of the project; /api/v4/projects/:id/issues unless named) | answer | bytes | median ms | p95 ms | bare median ms | req/s | bare req/s | ratio | errors |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [i, name] of names.entries()) {
    const bareUrl = `http://127.0.0.1:${barePort}/bare/${i}`;
    const l = await latency(urls[name]!, headers);
    const bl = await latency(bareUrl, {});
    const r = await load(urls[name]!, headers);
    const b = await load(bareUrl, {});
    const line = `| ${name} | ${info[String(i)]} | ${bodies[String(i)]!.length} | ${l.median.toFixed(2)} | ${l.p95.toFixed(2)} | ${bl.median.toFixed(2)} | ${r.rps} | ${b.rps} | ${(r.rps / b.rps).toFixed(2)} | ${r.errors} |`;
    console.error(line);
    lines.push(line);
  }
  await stop(bare);
  await stop(server);
  if (databaseUrl === null && args.get('in-process') !== 'no')
    lines.push(...(await profileQueries(dataDir, urls, names)));
  await pgStop?.();
  if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(lines.join('\n'));
}

if (args.has('bare')) await serveBare(Number(args.get('bare')), args.get('bodies')!);
else await main();
