import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Gitlab } from '@gitbeaker/rest';
import pg from 'pg';
import { type Config, loadConfig } from '../src/config.js';
import { type Server, startServer } from '../src/server.js';

export interface TestServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** root's token: scopes api and sudo. */
  rootToken: string;
  server: Server;
  dataDir: string;
  /** A real GitLab client (gitbeaker) signed in with `token` (root's by default). */
  gitlab(token?: string): InstanceType<typeof Gitlab>;
  /** Raw HTTP against /api/v4, for exact headers and bodies. */
  request(pathAndQuery: string, init?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  method?: string;
  /** A personal access token sent as PRIVATE-TOKEN; null sends none. Defaults to root's. */
  token?: string | null;
  /** An object is sent as JSON; a string or URLSearchParams as is. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
  text: string;
}

/** Which database the suite runs on: the runner sets LABFORGE_TEST_DATABASE_URL for the PostgreSQL pass. */
export const testDatabase = process.env.LABFORGE_TEST_DATABASE_URL ? 'postgres' : 'sqlite';

/** Starts the real server on an ephemeral port with a temporary data folder (and a fresh PostgreSQL database). */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'labforge-test-'));
  const rootToken = `glpat-${randomBytes(15).toString('base64url')}`;
  const database = await createTestDatabase();
  const config: Config = {
    ...loadConfig([], {}),
    host: '127.0.0.1',
    port: 0,
    dataDir,
    databaseUrl: database?.url ?? null,
    rootToken,
    rootPassword: 'labforge-root-password',
    logLevel: 'silent',
    ...overrides,
  };
  const server = await startServer(config);
  const url = server.url;
  server.deps.config.externalUrl = overrides.externalUrl ?? url;
  return {
    url,
    rootToken,
    server,
    dataDir,
    gitlab: (token = rootToken) => new Gitlab({ host: url, token }),
    request: (pathAndQuery, init = {}) => request(url, rootToken, pathAndQuery, init),
    async close() {
      await server.close();
      await database?.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function request(
  url: string,
  rootToken: string,
  pathAndQuery: string,
  init: RequestOptions,
): Promise<TestResponse> {
  const headers: Record<string, string> = { ...init.headers };
  const token = init.token === undefined ? rootToken : init.token;
  if (token) headers['private-token'] = token;
  let body: string | URLSearchParams | undefined;
  if (typeof init.body === 'string' || init.body instanceof URLSearchParams) body = init.body;
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const target =
    pathAndQuery.startsWith('/api/') || pathAndQuery.startsWith('/-/')
      ? pathAndQuery
      : `/api/v4${pathAndQuery}`;
  const res = await fetch(`${url}${target}`, { method: init.method ?? 'GET', headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').startsWith('application/json') && text)
    parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** A database of its own on the test PostgreSQL server, so test files can run in parallel. */
async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const base = process.env.LABFORGE_TEST_DATABASE_URL;
  if (!base) return null;
  const name = `labforge_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
