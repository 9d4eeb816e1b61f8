/** Repository archives (GitLab's GET repository/archive), streamed from `git archive`. */
import type { Writable } from 'node:stream';
import { spawnGit, userPath } from './command.js';
import { GitCommandError, InvalidArgumentError } from './errors.js';
import { OID_PATTERN } from './objects.js';

// gitlab-compat: tar.bz2/tbz/tbz2/tb2/bz2 need an external bzip2 and are not offered yet.
export const ARCHIVE_FORMATS = {
  'tar.gz': 'tar.gz',
  tgz: 'tar.gz',
  gz: 'tar.gz',
  tar: 'tar',
  zip: 'zip',
} as const;

export type ArchiveFormat = keyof typeof ARCHIVE_FORMATS;

export function isArchiveFormat(f: string): f is ArchiveFormat {
  return Object.hasOwn(ARCHIVE_FORMATS, f);
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
    const child = spawnGit(args, { repo, timeoutMs: opts.timeoutMs ?? 10 * 60_000 });
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
