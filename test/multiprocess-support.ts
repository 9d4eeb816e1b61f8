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
