/**
 * The only place labforge starts a git process. Every call goes through `runGit` (collects the
 * output) or `spawnGit` (streams it), which:
 * - spawn `git` with an argument array, never a shell;
 * - pass the repository as `--git-dir=<abs path>` (one token) and never inherit GIT_DIR & co.;
 * - build the environment from scratch: no system or global config, an empty HOME, no prompts;
 * - disable hooks (`core.hooksPath=/dev/null`) so nothing in a repository's contents ever runs,
 *   and every transport protocol (`protocol.allow=never`) since the server never fetches;
 * - kill the process after a timeout and when its output passes a cap.
 * User values go through `userArg` (refuses a leading `-`) or after a `--`.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitCommandError, GitOutputTooLargeError, GitTimeoutError, InvalidArgumentError } from './errors.js';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface GitOptions {
  /** Absolute path of the (bare) repository; omitted for commands that need none. */
  repo?: string | null;
  /** Written to stdin, which is then closed. */
  input?: Buffer | string;
  /** Extra environment: only GIT_* variables set by this layer (index file, author, protocol). */
  env?: Readonly<Record<string, string>>;
  timeoutMs?: number;
  maxOutputBytes?: number;
  /** Exit codes that are answers, not failures (e.g. 1 for `merge-base --is-ancestor`). */
  okExitCodes?: readonly number[];
  /** Extra `-c key=value` settings, fixed by this layer (never user input). */
  config?: readonly string[];
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

let emptyHome: string | null = null;

/** An empty folder owned by this process, used as HOME and XDG_CONFIG_HOME. */
function homeDir(): string {
  if (emptyHome === null || !fs.existsSync(emptyHome)) {
    emptyHome = fs.mkdtempSync(path.join(os.tmpdir(), 'labforge-git-home-'));
  }
  return emptyHome;
}

const HARDENING_CONFIG = [
  'core.hooksPath=/dev/null',
  'protocol.allow=never',
  'core.fsmonitor=false',
  'core.quotePath=false',
  'gc.auto=0',
  'maintenance.auto=false',
] as const;

/** The environment every git process gets: built from scratch, nothing inherited but PATH. */
export function gitEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  for (const key of Object.keys(extra)) {
    if (!/^GIT_[A-Z_]+$/.test(key)) throw new InvalidArgumentError(key, 'environment key');
  }
  const home = homeDir();
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: home,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_PROTOCOL_FROM_USER: '0',
    GIT_ALLOW_PROTOCOL: '',
    ...extra,
  };
}

/** A user-supplied value placed among options: refused when git could take it for one. */
export function userArg(value: string, what = 'argument'): string {
  if (value.length === 0) throw new InvalidArgumentError(value, `empty ${what}`);
  if (value.startsWith('-')) throw new InvalidArgumentError(value, `${what} starts with "-"`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new InvalidArgumentError(value, `${what} has control characters`);
  return value;
}

/** A user-supplied path (always placed after `--`): only NUL and newlines are impossible to pass. */
export function userPath(value: string): string {
  if (value.includes('\0') || value.includes('\n')) throw new InvalidArgumentError(value, 'path');
  return value;
}

function fullArgs(args: readonly string[], opts: GitOptions): string[] {
  const out: string[] = [];
  for (const c of [...HARDENING_CONFIG, ...(opts.config ?? [])]) out.push('-c', c);
  if (opts.repo != null) {
    if (!path.isAbsolute(opts.repo)) throw new InvalidArgumentError(opts.repo, 'repository path');
    out.push(`--git-dir=${opts.repo}`);
  }
  for (const a of args) {
    if (a.includes('\0')) throw new InvalidArgumentError(a, 'NUL byte');
    out.push(a);
  }
  return out;
}

/** Starts git with streams attached; the caller owns stdin/stdout. Killed after `timeoutMs` if given. */
export function spawnGit(args: readonly string[], opts: GitOptions = {}): ChildProcessWithoutNullStreams {
  const child = spawn('git', fullArgs(args, opts), {
    env: gitEnv(opts.env),
    cwd: homeDir(), // never the repository: git finds it through --git-dir only
    stdio: ['pipe', 'pipe', 'pipe'],
    shell: false,
    windowsHide: true,
  });
  if (opts.timeoutMs) {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    timer.unref();
    child.once('exit', () => clearTimeout(timer));
  }
  return child;
}

/** Runs git to completion and collects its output (capped). Rejects with a typed GitError. */
export function runGit(args: readonly string[], opts: GitOptions = {}): Promise<GitResult> {
  const subcommand = args[0] ?? '';
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cap = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawnGit(args, { ...opts, timeoutMs: undefined });
    } catch (err) {
      reject(err);
      return;
    }
    const chunks: Buffer[] = [];
    const errChunks: Buffer[] = [];
    let size = 0;
    let errSize = 0;
    let settled = false;
    // On timeout or overflow, answer at once: a grandchild (an alias, pack-objects) may hold
    // the pipes open after git itself is killed.
    const abort = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      reject(err);
    };
    const timer = setTimeout(() => abort(new GitTimeoutError(subcommand, timeoutMs)), timeoutMs);
    timer.unref();
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) abort(new GitOutputTooLargeError(subcommand, cap));
      else chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errSize += chunk.length;
      if (errSize <= 64 * 1024) errChunks.push(chunk);
    });
    child.stdin.on('error', () => {}); // EPIPE when git exits before reading all input
    child.on('error', (err) => abort(err));
    child.on('close', (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const stderr = Buffer.concat(errChunks).toString('utf8');
      const exitCode = code ?? -1;
      if (exitCode !== 0 && !(opts.okExitCodes ?? []).includes(exitCode)) {
        return reject(new GitCommandError(subcommand, code, stderr));
      }
      resolve({ stdout: Buffer.concat(chunks), stderr, exitCode });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** runGit, returning stdout as text. */
export async function gitText(args: readonly string[], opts: GitOptions = {}): Promise<string> {
  return (await runGit(args, opts)).stdout.toString('utf8');
}
