// CPU time (user + system) this process spends per request, in-process (Fastify inject), for
// GET /api/v4/user with root's token and GET /api/v4/projects/:id of a private project as a member
// (the projects benchmark's seed: 100,000 projects in 1,000 groups), each next to a bare Fastify
// handler answering the same body. Less sensitive to other load on the machine than wall-clock
// throughput, so it is the figure to compare before and after a change to the request path.
//   npx tsx bench/cpu-per-request.ts [--requests 5000] [--rounds 3] [--groups 1000] [--profile file.cpuprofile]
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { MEMBER_TOKEN, seedProjects } from './seed_projects.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const requests = Number(args.get('requests') ?? 5000);
const rounds = Number(args.get('rounds') ?? 3);
const groups = Number(args.get('groups') ?? 1000);
const profileFile = args.get('profile');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labforge-cpu-'));
const token = 'glpat-cpucpucpucpucpucpucpu0';
const server = await startServer(
  { ...loadConfig([], {}), dataDir: dir, logLevel: 'silent', port: 0, rootToken: token },
  { listen: false },
);
const seeded = await seedProjects(null, dir, { groups, perGroup: 100 });
const cases = [
  { name: 'GET /user', url: '/api/v4/user', headers: { 'private-token': token } },
  {
    name: 'GET /projects/:id (private, as a member)',
    url: `/api/v4/projects/${seeded.privateProjectId}`,
    headers: { 'private-token': MEMBER_TOKEN },
  },
];
const bare = Fastify();
for (const c of cases) {
  const res = await server.app.inject({ method: 'GET', url: c.url, headers: c.headers });
  if (res.statusCode !== 200) throw new Error(`${c.name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  const body = res.body;
  bare.get(c.url, async (_request, reply) => reply.type('application/json').send(body));
}
await bare.ready();

type Injector = Pick<typeof bare, 'inject'>;
async function cpuPerRequest(app: Injector, c: (typeof cases)[number], n: number): Promise<number> {
  for (let i = 0; i < 1000; i++) await app.inject({ method: 'GET', url: c.url, headers: c.headers });
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await app.inject({ method: 'GET', url: c.url, headers: c.headers });
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

const session = new inspector.Session();
if (profileFile) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
for (let round = 1; round <= rounds; round++) {
  for (const c of cases) {
    const b = await cpuPerRequest(bare, c, requests);
    const l = await cpuPerRequest(server.app, c, requests);
    console.log(
      `round ${round}: ${c.name}: bare ${b.toFixed(1)} µs, labforge ${l.toFixed(1)} µs CPU per request (inject); bare/labforge ${(b / l).toFixed(2)}`,
    );
  }
}
if (profileFile) {
  const { profile } = await session.post('Profiler.stop');
  fs.writeFileSync(profileFile, JSON.stringify(profile));
}
await server.close();
fs.rmSync(dir, { recursive: true, force: true });
