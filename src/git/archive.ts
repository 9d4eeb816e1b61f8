/** Repository archives (GitLab's GET repository/archive), streamed from `git archive`. */
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { spawnGit, userPath } from './command.js';
import { GitCommandError, InvalidArgumentError } from './errors.js';
import { OID_PATTERN } from './objects.js';

export const ARCHIVE_FORMATS = {
  'tar.gz': 'tar.gz',
  tgz: 'tar.gz',
  gz: 'tar.gz',
  'tar.bz2': 'tar.bz2',
  tbz: 'tar.bz2',
  tbz2: 'tar.bz2',
  tb2: 'tar.bz2',
  bz2: 'tar.bz2',
  tar: 'tar',
  zip: 'zip',
} as const;

let bzip2: boolean | null = null;

/** Whether a `bzip2` executable is on PATH (git compresses tar.bz2 through it). */
function hasBzip2(): boolean {
  if (bzip2 === null) {
    bzip2 = (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
      try {
        fs.accessSync(path.join(dir, 'bzip2'), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  }
  return bzip2;
}

export type ArchiveFormat = keyof typeof ARCHIVE_FORMATS;

/**
 * Whether `f` can be produced here. gitlab-compat: the bzip2 formats need a `bzip2` executable on
 * the server (Debian images carry one; slim images may not) and are refused like an unknown
 * format without it.
 */
export function isArchiveFormat(f: string): f is ArchiveFormat {
  if (!Object.hasOwn(ARCHIVE_FORMATS, f)) return false;
  return ARCHIVE_FORMATS[f as ArchiveFormat] !== 'tar.bz2' || hasBzip2();
}

export interface ArchiveOptions {
  format: ArchiveFormat;
  /** Folder name inside the archive (GitLab: `<project>-<ref>`); no slashes. */
  prefix: string;
  /** Only this subfolder (GitLab's `path`). */
  path?: string | null;
  timeoutMs?: number;
}

/** Streams an archive of commit `oid` to `out`, which is ended. */
export function archive(repo: string, oid: string, opts: ArchiveOptions, out: Writable): Promise<void> {
  if (!OID_PATTERN.test(oid)) throw new InvalidArgumentError(oid, 'commit id');
  if (!isArchiveFormat(opts.format)) throw new InvalidArgumentError(String(opts.format), 'archive format');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[/\\\u0000-\u001f]/.test(opts.prefix) || opts.prefix === '' || opts.prefix.startsWith('.')) {
    throw new InvalidArgumentError(opts.prefix, 'archive prefix');
  }
  const args = ['archive', `--format=${ARCHIVE_FORMATS[opts.format]}`, `--prefix=${opts.prefix}/`, oid, '--'];
  if (opts.path) args.push(userPath(opts.path.replace(/^\/+/, '')));
  return new Promise((resolve, reject) => {
    // git knows tar.bz2 only as a filter command set in its config (a fixed string, no user input).
    const config = ARCHIVE_FORMATS[opts.format] === 'tar.bz2' ? ['tar.tar.bz2.command=bzip2 -c'] : [];
    const child = spawnGit(args, { repo, config, timeoutMs: opts.timeoutMs ?? 10 * 60_000 });
    const stderr: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 16) stderr.push(c);
    });
    child.stdin.end();
    child.stdout.pipe(out, { end: false });
    const abort = () => child.kill('SIGKILL');
    out.once('close', abort);
    child.on('error', reject);
    child.on('close', (code) => {
      out.off('close', abort);
      out.end();
      if (code === 0) resolve();
      else reject(new GitCommandError('archive', code, Buffer.concat(stderr).toString('utf8')));
    });
  });
}
