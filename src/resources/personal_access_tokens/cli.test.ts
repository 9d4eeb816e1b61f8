import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { dayOffset, insertUser, type TokenBody } from './test_helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `labforge …` as an operator would, against the running test server's data (and database). */
function labforge(s: TestServer, args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LABFORGE_DATA_DIR: s.dataDir,
    LABFORGE_LOG_LEVEL: 'silent',
  };
  delete env.DATABASE_URL;
  if (s.server.deps.config.databaseUrl) env.DATABASE_URL = s.server.deps.config.databaseUrl;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('labforge token create', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('prints only a glpat- token that works against the running server, with the asked scopes', async () => {
    const user = await insertUser(s);
    const run = await labforge(s, [
      'token',
      'create',
      '--user',
      user.username.toUpperCase(),
      '--scopes',
      'read_api, read_user',
      '--name',
      'from the cli',
      `--expires-at=${dayOffset(3)}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^glpat-[A-Za-z0-9_-]{20}\n$/);
    const token = run.stdout.trim();
    const me = await s.request('/user', { token });
    assert.equal(me.status, 200);
    assert.equal((me.body as { id: number }).id, user.id);
    const self = await s.request('/personal_access_tokens/self', { token });
    const body = self.body as TokenBody;
    assert.equal(body.name, 'from the cli');
    assert.deepEqual(body.scopes, ['read_api', 'read_user']);
    assert.equal(body.expires_at, dayOffset(3));
    // C19: the scopes hold; read_api cannot write.
    const write = await s.request(`/personal_access_tokens/${body.id}`, { method: 'DELETE', token });
    assert.equal(write.status, 403);
  });

  test('without --expires-at the token does not expire', async () => {
    const run = await labforge(s, ['token', 'create', '--user', 'root', '--scopes', 'api']);
    assert.equal(run.code, 0, run.stderr);
    const self = await s.request('/personal_access_tokens/self', { token: run.stdout.trim() });
    assert.equal((self.body as TokenBody).expires_at, null);
    assert.equal((self.body as TokenBody).name, 'labforge cli token');
  });

  test('an unknown user exits non-zero with a clear message and prints no token', async () => {
    const run = await labforge(s, ['token', 'create', '--user', 'nobody-here', '--scopes', 'api']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /no user named nobody-here/);
  });

  test('bad scopes, dates and missing options are refused (exit 2)', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--user', 'root', '--scopes', 'api,write_everything'], /unknown scope write_everything/],
      [['--user', 'root', '--scopes', ','], /at least one scope/],
      [['--user', 'root', '--scopes', 'api', '--expires-at', '2025-02-30'], /--expires-at must be a date/],
      [['--user', 'root'], /needs --user and --scopes/],
    ];
    for (const [args, message] of cases) {
      const run = await labforge(s, ['token', 'create', ...args]);
      assert.equal(run.code, 2, args.join(' '));
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
    }
  });

  test('sudo is only for administrators', async () => {
    const user = await insertUser(s);
    const run = await labforge(s, ['token', 'create', '--user', user.username, '--scopes', 'api,sudo']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /sudo can only be given to administrators/);
  });
});
