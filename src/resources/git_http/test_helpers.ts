/** Helpers for tests that drive the real `git` CLI against the running test server. */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestServer } from '../../../test/server.js';

export interface GitRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean folder to run git in (also its HOME, so no user config is read). */
export const gitTemp = () => fs.mkdtemp(path.join(os.tmpdir(), 'labforge-git-cli-'));

/** Runs the git CLI with a clean environment: no prompts, no credential helper, no system or global config. */
export function git(args: string[], cwd: string, env: Record<string, string> = {}): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'credential.helper=', '-c', 'protocol.version=2', ...args], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: cwd,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_TERMINAL_PROMPT: '0',
        GIT_ASKPASS: '',
        GIT_AUTHOR_NAME: 'Cli User',
        GIT_AUTHOR_EMAIL: 'cli@example.com',
        GIT_COMMITTER_NAME: 'Cli User',
        GIT_COMMITTER_EMAIL: 'cli@example.com',
        LC_ALL: 'C',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function gitOk(args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  const r = await git(args, cwd, env);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** `http://oauth2:<token>@127.0.0.1:port/<path>.git`, or anonymous when token is null. */
export function cloneUrl(s: TestServer, fullPath: string, token: string | null, user = 'oauth2'): string {
  const u = new URL(`${s.url}/${fullPath}.git`);
  if (token) {
    u.username = user;
    u.password = token;
  }
  return u.toString();
}

/** Creates a project through the API and answers its JSON. */
export async function createProject(
  s: TestServer,
  attrs: Record<string, unknown>,
  token?: string,
): Promise<{ id: number; path_with_namespace: string; default_branch: string; empty_repo: boolean }> {
  const res = await s.request('/projects', { method: 'POST', body: attrs, token });
  if (res.status !== 201) throw new Error(`POST /projects: ${res.status} ${res.text}`);
  return res.body as { id: number; path_with_namespace: string; default_branch: string; empty_repo: boolean };
}

/** Adds a member to a project (as root). */
export async function addMember(s: TestServer, projectId: number, userId: number, level: number) {
  const res = await s.request(`/projects/${projectId}/members`, {
    method: 'POST',
    body: { user_id: userId, access_level: level },
  });
  if (res.status !== 201) throw new Error(`POST members: ${res.status} ${res.text}`);
}

/** Waits for a condition the background queue makes true. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}
