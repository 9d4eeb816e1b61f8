// Spawns the real CLI (`labforge serve`, `labforge db …`) for the multi-process and scaling tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type OpenDatabase, openDatabase } from '../src/db/connection.js';
import { testDatabase } from './server.js';

export { testDatabase };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const main = path.join(root, 'src/main.ts');

/** A port nobody listens on right now (cluster workers cannot report one picked with --port 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address() as net.AddressInfo;
      srv.close(() => resolve(address.port));
    });
  });
}

/** A data folder and (on the PostgreSQL pass) a fresh database, shared by the instances of one test. */
export interface Site {
  dataDir: string;
  databaseUrl: string | null;
  rootToken: string;
  open(): OpenDatabase;
  dispose(): Promise<void>;
}

export async function createSite(): Promise<Site> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'labforge-mp-'));
  const base = process.env.LABFORGE_TEST_DATABASE_URL || null;
  let databaseUrl: string | null = null;
  const name = `labforge_mp_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (base) {
    await adminQuery(base, `CREATE DATABASE ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  }
  return {
    dataDir,
    databaseUrl,
    rootToken: `glpat-${randomBytes(15).toString('base64url')}`,
    open: () => openDatabase({ databaseUrl, dataDir, poolSize: 2 }),
    async dispose() {
      if (base) await adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

export interface Cli {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `labforge <args>` with the site's data folder, database and root token. */
export function runCli(site: Site, args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: root,
    env: {
      ...process.env,
      LABFORGE_DATA_DIR: site.dataDir,
      DATABASE_URL: site.databaseUrl ?? '',
      LABFORGE_ROOT_TOKEN: site.rootToken,
      LABFORGE_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

export interface Instance extends Cli {
  url: string;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `labforge serve --port P [--workers N]`, answered /-/health before it resolves. */
export async function serve(site: Site, opts: { workers?: number; port?: number } = {}): Promise<Instance> {
  const port = opts.port ?? (await freePort());
  const args = ['serve', '--host', '127.0.0.1', '--port', String(port)];
  if (opts.workers) args.push('--workers', String(opts.workers));
  const cli = runCli(site, args);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const state = await Promise.race([
      cli.exited.then(() => 'exited' as const),
      fetch(`${url}/-/health`).then(
        (r) => (r.ok ? ('up' as const) : ('down' as const)),
        () => 'down' as const,
      ),
    ]);
    if (state === 'up') break;
    if (state === 'exited' || Date.now() > deadline)
      throw new Error(`labforge serve did not come up:\n${cli.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    ...cli,
    url,
    async stop() {
      if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGTERM');
      return cli.exited;
    },
  };
}

/** The live pids of a primary's workers (its direct children). */
export function childPids(pid: number): number[] {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  return read(`/proc/${pid}/task/${pid}/children`)
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => /^\d+ \(.*\) [^Z]/.test(read(`/proc/${n}/stat`)));
}

export interface WriteResult {
  status: number;
  id: number | null;
  /** What identifies the record in the database (the username or token name). */
  key: string;
  body?: unknown;
  retryAfter?: string | null;
}

function result(res: Response, text: string, key: string): WriteResult {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  const id = res.status === 201 ? (body as { id: number }).id : null;
  return { status: res.status, id, key, body, retryAfter: res.headers.get('retry-after') };
}

/**
 * One write through the API as root. POST /users (C20) when the users API has it; until then
 * POST /users/1/personal_access_tokens — both create one row with a database-assigned id.
 */
export async function createRecord(url: string, token: string, key: string): Promise<WriteResult> {
  const headers = { 'private-token': token, 'content-type': 'application/json' };
  const res = await fetch(`${url}/api/v4/users`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      username: key,
      name: `Load ${key}`,
      email: `${key}@example.com`,
      password: 'Secret-pass-123',
      skip_confirmation: true,
    }),
  });
  const text = await res.text();
  if (res.status === 404 && text.includes('"404 Not Found"')) return createToken(url, token, key);
  return result(res, text, key);
}

async function createToken(url: string, token: string, key: string): Promise<WriteResult> {
  const res = await fetch(`${url}/api/v4/users/1/personal_access_tokens`, {
    method: 'POST',
    headers: { 'private-token': token, 'content-type': 'application/json' },
    body: JSON.stringify({ name: key, scopes: ['read_api'] }),
  });
  return result(res, await res.text(), key);
}

/** The ids the database holds for these keys (users by username, else tokens by name). */
export async function storedIds(site: Site, keys: string[]): Promise<Map<string, number>> {
  const database = site.open();
  try {
    const found = new Map<string, number>();
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      const users = await database.db
        .selectFrom('users')
        .select(['id', 'username as key'])
        .where('username', 'in', chunk)
        .execute();
      const tokens = await database.db
        .selectFrom('personal_access_tokens')
        .select(['id', 'name as key'])
        .where('name', 'in', chunk)
        .execute();
      for (const r of [...users, ...tokens]) found.set(r.key, r.id);
    }
    return found;
  } finally {
    await database.close();
  }
}

/** What one create through the API answered (status 0: the connection was cut before an answer). */
export interface Created {
  status: number;
  /** The project path or the issue title: how the row is found in the database. */
  key: string;
  id: number | null;
  projectId: number | null;
  iid: number | null;
}

async function post(url: string, token: string, apiPath: string, body: unknown) {
  try {
    const res = await fetch(`${url}/api/v4${apiPath}`, {
      method: 'POST',
      headers: { 'private-token': token, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      // A guard, not an expectation: a request never waits forever on a dead connection.
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {}
    return { status: res.status, json };
  } catch {
    return { status: 0, json: {} };
  }
}

/** POST /projects in the token owner's namespace (path = key). */
export async function createProjectVia(url: string, token: string, key: string): Promise<Created> {
  const { status, json } = await post(url, token, '/projects', { name: key, path: key });
  const id = status === 201 ? Number(json.id) : null;
  return { status, key, id, projectId: id, iid: null };
}

/** POST /projects/:id/issues (title = key). */
export async function createIssueVia(
  url: string,
  token: string,
  projectId: number,
  key: string,
): Promise<Created> {
  const { status, json } = await post(url, token, `/projects/${projectId}/issues`, { title: key });
  return {
    status,
    key,
    id: status === 201 ? Number(json.id) : null,
    projectId: status === 201 ? Number(json.project_id) : projectId,
    iid: status === 201 ? Number(json.iid) : null,
  };
}

/**
 * `clients` loops alternating over `urls`, each creating a project, then mostly issues in projects
 * any client made (so several processes allocate iids in one project at once), until `until()`.
 */
export async function projectIssueBurst(
  urls: string[],
  token: string,
  prefix: string,
  clients: number,
  until: () => boolean,
): Promise<{ projects: Created[]; issues: Created[] }> {
  const projects: Created[] = [];
  const issues: Created[] = [];
  const known: number[] = [];
  let n = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      let round = 0;
      while (!until()) {
        const url = urls[(c + round++) % urls.length]!;
        const key = `${prefix}-${n++}`;
        if (known.length === 0 || n % 8 === 0) {
          const p = await createProjectVia(url, token, key);
          projects.push(p);
          if (p.id !== null) known.push(p.id);
        } else {
          // Most issues go to the few newest projects: real contention on their iid counters.
          const pick = known[Math.max(0, known.length - 1 - (n % 3))]!;
          issues.push(await createIssueVia(url, token, pick, key));
        }
      }
    }),
  );
  return { projects, issues };
}

/** Projects (by path) and issues (by title) the database holds for these keys. */
export async function storedProjectsAndIssues(site: Site, projectKeys: string[], issueKeys: string[]) {
  const database = site.open();
  try {
    const projects = new Map<string, number>();
    const issues = new Map<string, { id: number; projectId: number; iid: number }>();
    for (let i = 0; i < projectKeys.length; i += 500) {
      const rows = await database.db
        .selectFrom('projects')
        .select(['id', 'path'])
        .where('path', 'in', projectKeys.slice(i, i + 500))
        .execute();
      for (const r of rows) projects.set(r.path, r.id);
    }
    for (let i = 0; i < issueKeys.length; i += 500) {
      const rows = await database.db
        .selectFrom('issues')
        .select(['id', 'title', 'project_id', 'iid'])
        .where('title', 'in', issueKeys.slice(i, i + 500))
        .execute();
      for (const r of rows) issues.set(r.title, { id: r.id, projectId: r.project_id, iid: r.iid });
    }
    // Every issue row in these projects, to check iids are unique and gap-free per project.
    const ids = [...projects.values()];
    const iidsByProject = new Map<number, number[]>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await database.db
        .selectFrom('issues')
        .select(['project_id', 'iid'])
        .where('project_id', 'in', ids.slice(i, i + 500))
        .orderBy('iid')
        .execute();
      for (const r of rows)
        iidsByProject.set(r.project_id, [...(iidsByProject.get(r.project_id) ?? []), r.iid]);
    }
    return { projects, issues, iidsByProject };
  } finally {
    await database.close();
  }
}

/** Asserts each project's iids are exactly 1..n (unique, no gaps); answers the failures. */
export function iidGaps(iidsByProject: Map<number, number[]>): string[] {
  const bad: string[] = [];
  for (const [project, iids] of iidsByProject) {
    const sorted = [...iids].sort((a, b) => a - b);
    if (!sorted.every((iid, i) => iid === i + 1)) bad.push(`project ${project}: ${sorted.join(',')}`);
  }
  return bad;
}
