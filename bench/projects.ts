// Projects at scale: 100,000 projects in 1,000 groups, seeded straight into the database, then
// GET /projects (offset page 1 and page 400, keyset at the start and at the end) and
// GET /projects/:id of a private project, as a signed-in member — each compared in the same run
// with a bare Fastify handler answering the same bytes.
//   npx tsx bench/projects.ts [--duration 5] [--connections 20] [--database sqlite|postgres]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { openDatabase } from '../src/db/connection.js';
import { tokenDigest } from '../src/security/tokens.js';
import { freePort, stop, waitFor200 } from './support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const duration = Number(args.get('duration') ?? 5);
const connections = Number(args.get('connections') ?? 20);
const database = args.get('database') ?? 'sqlite';
const GROUPS = Number(args.get('groups') ?? 1000);
const PER_GROUP = Number(args.get('per-group') ?? 100);
const ROOT_TOKEN = 'glpat-benchmarkbenchmark00';
const MEMBER_TOKEN = 'glpat-benchmarkmember00000';
const BATCH = 1000;

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
}

async function load(url: string, headers: Record<string, string>): Promise<Result> {
  const r = await autocannon({ url, headers, duration, connections, pipelining: 1 });
  return { rps: Math.round(r.requests.average), p99: r.latency.p99, errors: r.errors + r.non2xx };
}

function serverCommand(): string[] {
  const built = path.join(root, 'dist/src/main.js');
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'ignore' });
  } catch {
    // Type errors elsewhere in the tree still emit JavaScript; run what was built.
  }
  if (fs.existsSync(built)) return [built, 'serve'];
  return ['--import', 'tsx', path.join(root, 'src/main.ts'), 'serve'];
}

// ---- seeding straight into the database ----------------------------------------------------------

async function seed(databaseUrl: string | null, dataDir: string) {
  const { db, close } = openDatabase({ databaseUrl, dataDir });
  const now = new Date().toISOString();
  const started = Date.now();
  try {
    const member = await db
      .insertInto('users')
      .values({
        username: 'benchmember',
        name: 'Bench Member',
        email: 'benchmember@example.com',
        confirmed_at: now,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('personal_access_tokens')
      .values({
        user_id: member.id,
        name: 'bench',
        token_digest: tokenDigest(MEMBER_TOKEN),
        scopes: JSON.stringify(['api']),
        created_at: now,
        updated_at: now,
      })
      .execute();

    const groupIds: number[] = [];
    await db.transaction().execute(async (trx) => {
      for (let start = 0; start < GROUPS; start += BATCH) {
        const rows = [];
        for (let g = start; g < Math.min(GROUPS, start + BATCH); g++)
          rows.push({
            type: 'Group',
            name: `Bench Group ${g}`,
            path: `bench-group-${g}`,
            full_path: `bench-group-${g}`,
            full_name: `Bench Group ${g}`,
            visibility_level: 20,
            created_at: now,
            updated_at: now,
          });
        const ids = await trx.insertInto('namespaces').values(rows).returning('id').execute();
        groupIds.push(...ids.map((r) => r.id));
      }
      for (let start = 0; start < groupIds.length; start += BATCH)
        await trx
          .insertInto('namespace_hierarchy')
          .values(
            groupIds
              .slice(start, start + BATCH)
              .map((id) => ({ ancestor_id: id, descendant_id: id, depth: 0 })),
          )
          .execute();
    });

    // 100 projects per group: a third each private, internal and public.
    let privateProject = 0;
    const levels = [0, 10, 20];
    const all: Array<{ g: number; i: number }> = [];
    for (let g = 0; g < GROUPS; g++) for (let i = 0; i < PER_GROUP; i++) all.push({ g, i });
    for (let start = 0; start < all.length; start += BATCH * 10) {
      await db.transaction().execute(async (trx) => {
        for (let b = start; b < Math.min(all.length, start + BATCH * 10); b += BATCH) {
          const rows = all.slice(b, b + BATCH).map(({ g, i }) => ({
            namespace_id: groupIds[g]!,
            name: `Project ${g}-${i}`,
            path: `project-${i}`,
            path_with_namespace: `bench-group-${g}/project-${i}`,
            description: `Benchmark project ${i} of group ${g}`,
            visibility_level: levels[(g * PER_GROUP + i) % 3]!,
            creator_id: member.id,
            last_activity_at: now,
            created_at: now,
            updated_at: now,
          }));
          const ids = await trx.insertInto('projects').values(rows).returning('id').execute();
          if (!privateProject) privateProject = ids[0]!.id;
        }
      });
    }
    // The member: Developer of the first group and of one private project in another.
    const target = await db
      .selectFrom('projects')
      .select('id')
      .where('visibility_level', '=', 0)
      .where('namespace_id', '=', groupIds[GROUPS - 1]!)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('members')
      .values([
        {
          source_type: 'Namespace',
          source_id: groupIds[0]!,
          user_id: member.id,
          access_level: 30,
          created_at: now,
          updated_at: now,
        },
        {
          source_type: 'Project',
          source_id: target.id,
          user_id: member.id,
          access_level: 30,
          created_at: now,
          updated_at: now,
        },
      ])
      .execute();
    const ids = await db
      .selectFrom('projects')
      .select((eb) => [eb.fn.min('id').as('min'), eb.fn.max('id').as('max')])
      .executeTakeFirstOrThrow();
    return {
      privateProjectId: target.id,
      minId: Number(ids.min),
      maxId: Number(ids.max),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await close();
  }
}

// ---- the run -------------------------------------------------------------------------------------

async function main() {
  let databaseUrl: string | null = null;
  let pgStop: (() => Promise<void>) | null = null;
  if (database === 'postgres') {
    const { startTestPostgres } = (await import(path.join(root, 'scripts/postgres.mjs'))) as {
      startTestPostgres(): Promise<{ url: string; stop(): Promise<void> } | null>;
    };
    const pg = await startTestPostgres();
    if (!pg) throw new Error('no PostgreSQL found');
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
  const seeded = await seed(databaseUrl, dataDir);
  const server = spawn(process.execPath, command, { env, stdio: ['ignore', 'ignore', 'inherit'] });
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
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ${database}; ${duration}s per endpoint, ${connections} connections`,
    `seed: ${GROUPS} groups, ${GROUPS * PER_GROUP} projects (ids ${seeded.minId}–${seeded.maxId}) in ${seeded.seconds.toFixed(1)} s straight into the database; GET /projects as admin: x-total ${total === null ? 'absent (over 10,000, C42)' : total}`,
    '',
    '| endpoint (as a signed-in member) | rows | bytes | labforge req/s | p99 ms | bare req/s | ratio | errors |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const [i, name] of names.entries()) {
    const r = await load(urls[name]!, headers);
    const b = await load(`http://127.0.0.1:${barePort}/bare/${i}`, {});
    const n = name.includes(':id') ? 1 : rows(i);
    lines.push(
      `| ${name} | ${n} | ${bodies[String(i)]!.length} | ${r.rps} | ${r.p99} | ${b.rps} | ${(r.rps / b.rps).toFixed(2)} | ${r.errors} |`,
    );
  }
  await stop(bare);
  await stop(server);
  await pgStop?.();
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(lines.join('\n'));
}

if (args.has('bare')) await serveBare(Number(args.get('bare')), args.get('bodies')!);
else await main();
