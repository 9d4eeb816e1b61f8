/** Helpers for the git layer's own tests: temp folders and the plain `git` CLI, as a user would run it. */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRepository } from './storage.js';

export const AUTHOR = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  date: new Date('2024-01-02T03:04:05Z'),
};

export async function tempDir(prefix = 'labforge-git-test-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function tempRepo(dir: string, name = 'repo.git', readme = true): Promise<string> {
  const repo = path.join(dir, name);
  await createRepository(
    repo,
    readme ? { initializeWithReadme: { author: AUTHOR, projectName: 'Demo' } } : {},
  );
  return repo;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the git CLI like a user in a shell-less child: isolated HOME, no system config, no prompts. */
export function cli(args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: opts.cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: opts.cwd,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_TERMINAL_PROMPT: '0',
        GIT_AUTHOR_NAME: 'Cli User',
        GIT_AUTHOR_EMAIL: 'cli@example.com',
        GIT_COMMITTER_NAME: 'Cli User',
        GIT_COMMITTER_EMAIL: 'cli@example.com',
        LC_ALL: 'C',
        ...opts.env,
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

/** Like `cli`, but rejects unless git exits 0. */
export async function cliOk(
  args: string[],
  opts: { cwd: string; env?: Record<string, string> },
): Promise<string> {
  const r = await cli(args, opts);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
