// CPU time (user + system) this process spends per request, in-process (Fastify inject), for
// GET /api/v4/user with a token. Less sensitive to other load on the machine than wall-clock
// throughput, so it is the figure to compare before and after a change to the request path.
//   npx tsx bench/cpu-per-request.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labforge-cpu-'));
const token = 'glpat-cpucpucpucpucpucpucpu0';
const server = await startServer(
  { ...loadConfig([], {}), dataDir: dir, logLevel: 'silent', port: 0, rootToken: token },
  { listen: false },
);
const headers = { 'private-token': token };
const body = (await server.app.inject({ method: 'GET', url: '/api/v4/user', headers })).json();
const bare = Fastify();
bare.get('/api/v4/user', async () => body);
await bare.ready();

async function cpuPerRequest(app: Pick<typeof bare, 'inject'>, n: number): Promise<number> {
  for (let i = 0; i < 1000; i++) await app.inject({ method: 'GET', url: '/api/v4/user', headers });
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await app.inject({ method: 'GET', url: '/api/v4/user', headers });
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

for (let round = 1; round <= 3; round++) {
  const b = await cpuPerRequest(bare, 5000);
  const l = await cpuPerRequest(server.app, 5000);
  console.log(
    `round ${round}: bare ${b.toFixed(1)} µs, labforge ${l.toFixed(1)} µs CPU per request (inject)`,
  );
}
await server.close();
fs.rmSync(dir, { recursive: true, force: true });
