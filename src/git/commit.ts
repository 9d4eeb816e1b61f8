/**
 * Commits without a work tree: a temporary index (GIT_INDEX_FILE) seeded from the base commit,
 * blobs written with `hash-object -w --stdin`, the changes applied with `update-index --index-info`,
 * then `write-tree`, `commit-tree`, and a compare-and-swap `update-ref` of the branch last, so a
 * failure anywhere leaves the branch as it was.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gitText, runGit } from './command.js';
import { CommitActionError, InvalidArgumentError, NotFoundError, RefConflictError } from './errors.js';
import { EMPTY_TREE_OID, OID_PATTERN } from './objects.js';
import {
  assertValidRefName,
  isEmptyRepository,
  readRef,
  resolveCommit,
  resolveRevision,
  updateRef,
} from './refs.js';

export interface CommitIdentity {
  name: string;
  email: string;
  /** Defaults to now. */
  date?: Date;
}

export type CommitActionKind = 'create' | 'update' | 'delete' | 'move' | 'chmod';

/** One file change, with GitLab's commit-actions field names (doc/api/commits.md). */
export interface CommitAction {
  action: CommitActionKind;
  file_path: string;
  previous_path?: string | null;
  content?: string | null;
  encoding?: 'text' | 'base64' | null;
  execute_filemode?: boolean | null;
  /** When given, the file must not have changed since this commit. */
  last_commit_id?: string | null;
}

export interface CommitFilesParams {
  branch: string;
  start_branch?: string | null;
  start_sha?: string | null;
  message: string;
  author: CommitIdentity;
  committer?: CommitIdentity;
  actions: readonly CommitAction[];
  /** Replace the branch with start_branch/start_sha + actions even when it exists. */
  force?: boolean;
  /**
   * The branch head a caller already checked something against (an optimistic lock): the commit
   * builds on it and the compare-and-swap expects it, so a branch that moved since is refused.
   */
  expectedHead?: string | null;
}

export interface CommitFilesResult {
  oid: string;
  parent: string | null;
  branchCreated: boolean;
}

const MAX_PATH_LENGTH = 4096;

/** A repository path as GitLab accepts it: relative, no `..`/`.`/empty segments, never inside `.git`. */
export function normalizeFilePath(p: string): string {
  if (typeof p !== 'string' || p.length === 0 || p.length > MAX_PATH_LENGTH) {
    throw new InvalidArgumentError(String(p), 'file path');
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(p)) throw new InvalidArgumentError(p, 'file path has control characters');
  const trimmed = p.replace(/^\/+/, '');
  const parts = trimmed.split('/');
  for (const part of parts) {
    if (part === '..') throw new InvalidArgumentError(p, 'file path traversal');
    if (part === '' || part === '.') throw new InvalidArgumentError(p, 'file path segment');
    if (part.toLowerCase() === '.git') throw new InvalidArgumentError(p, 'file path inside .git');
  }
  return trimmed;
}

function checkIdentity(id: CommitIdentity, what: string): void {
  for (const v of [id.name, id.email]) {
    // git would strip or refuse these; refuse them before it can misparse the identity
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    if (typeof v !== 'string' || /[<>\u0000-\u001f]/.test(v)) throw new InvalidArgumentError(String(v), what);
  }
  if (id.email.trim() === '' && id.name.trim() === '') throw new InvalidArgumentError('', what);
}

function identityEnv(id: CommitIdentity, kind: 'AUTHOR' | 'COMMITTER'): Record<string, string> {
  const date = id.date ?? new Date();
  return {
    [`GIT_${kind}_NAME`]: id.name,
    [`GIT_${kind}_EMAIL`]: id.email,
    [`GIT_${kind}_DATE`]: `@${Math.floor(date.getTime() / 1000)} +0000`,
  };
}

interface IndexEntry {
  mode: string;
  oid: string;
}

async function readIndex(repo: string, env: Record<string, string>): Promise<Map<string, IndexEntry>> {
  const out = await gitText(['ls-files', '--stage', '-z'], { repo, env });
  const map = new Map<string, IndexEntry>();
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    // "<mode> <oid> <stage>\t<path>"
    const tab = rec.indexOf('\t');
    const [mode, oid] = rec.slice(0, tab).split(' ');
    map.set(rec.slice(tab + 1), { mode: mode!, oid: oid! });
  }
  return map;
}

function decodeContent(a: CommitAction): Buffer {
  const content = a.content ?? '';
  if (a.encoding === 'base64') {
    if (!/^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/.test(content)) {
      throw new CommitActionError(a.action, a.file_path, 'invalid', 'content is not valid base64');
    }
    return Buffer.from(content, 'base64');
  }
  return Buffer.from(content, 'utf8');
}

async function hashBlob(repo: string, content: Buffer): Promise<string> {
  const oid = (await gitText(['hash-object', '-w', '--stdin'], { repo, input: content })).trim();
  if (!OID_PATTERN.test(oid)) throw new InvalidArgumentError(oid, 'hash-object output');
  return oid;
}

/** The base commit the new one builds on, and the branch's current value for the CAS. */
async function resolveBase(
  repo: string,
  p: CommitFilesParams,
): Promise<{ base: string | null; current: string | null }> {
  const ref = `refs/heads/${p.branch}`;
  assertValidRefName(ref);
  const current = await readRef(repo, ref);
  let start: string | null = null;
  if (p.start_sha) {
    if (!OID_PATTERN.test(p.start_sha)) throw new NotFoundError('start_sha');
    start = await resolveCommit(repo, p.start_sha);
    if (!start) throw new NotFoundError('start_sha');
  } else if (p.start_branch) {
    assertValidRefName(`refs/heads/${p.start_branch}`);
    start = await readRef(repo, `refs/heads/${p.start_branch}`);
    if (!start) throw new NotFoundError('start_branch');
  }
  if (current && !(start && p.force)) return { base: current, current };
  if (start) return { base: start, current };
  if (!(await isEmptyRepository(repo))) throw new NotFoundError('branch');
  return { base: null, current };
}

/** Applies `actions` on top of the branch (or its start) and moves the branch to the new commit. */
export async function commitFiles(repo: string, p: CommitFilesParams): Promise<CommitFilesResult> {
  checkIdentity(p.author, 'author');
  if (p.committer) checkIdentity(p.committer, 'committer');
  if (p.message.includes('\0')) throw new InvalidArgumentError('message', 'NUL in message');
  const { base, current } = await resolveBase(repo, p);
  if (p.expectedHead !== undefined && current !== p.expectedHead)
    throw new RefConflictError(`refs/heads/${p.branch}`);

  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'labforge-index-'));
  const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
  try {
    await runGit(['read-tree', base ? `${base}^{tree}` : EMPTY_TREE_OID], { repo, env });
    const files = await readIndex(repo, env);
    const isDir = (f: string) => {
      const prefix = `${f}/`;
      for (const k of files.keys()) if (k.startsWith(prefix)) return true;
      return false;
    };
    const underFile = (f: string) => {
      const parts = f.split('/');
      for (let i = 1; i < parts.length; i++) if (files.has(parts.slice(0, i).join('/'))) return true;
      return false;
    };
    const changes = new Map<string, IndexEntry | null>();
    const put = (f: string, e: IndexEntry | null) => {
      changes.set(f, e);
      if (e) files.set(f, e);
      else files.delete(f);
    };
    const modeFor = (a: CommitAction, previous?: IndexEntry) => {
      if (a.execute_filemode === true) return '100755';
      if (a.execute_filemode === false) return '100644';
      return previous?.mode ?? '100644';
    };

    for (const a of p.actions) {
      const file = normalizeFilePath(a.file_path);
      const existing = files.get(file);
      if (a.last_commit_id && existing && a.action !== 'create') {
        const then = await resolveRevision(repo, `${a.last_commit_id}:${file}`);
        if (then !== existing.oid) {
          throw new CommitActionError(
            a.action,
            file,
            'exists',
            `The file has changed since you started editing it: ${file}`,
          );
        }
      }
      switch (a.action) {
        case 'create': {
          if (existing || isDir(file) || underFile(file)) {
            throw new CommitActionError(a.action, file, 'exists', 'A file with this name already exists');
          }
          put(file, { mode: modeFor(a), oid: await hashBlob(repo, decodeContent(a)) });
          break;
        }
        case 'update': {
          if (!existing)
            throw new CommitActionError(a.action, file, 'missing', "A file with this name doesn't exist");
          put(file, { mode: modeFor(a, existing), oid: await hashBlob(repo, decodeContent(a)) });
          break;
        }
        case 'delete': {
          if (!existing)
            throw new CommitActionError(a.action, file, 'missing', "A file with this name doesn't exist");
          put(file, null);
          break;
        }
        case 'chmod': {
          if (!existing)
            throw new CommitActionError(a.action, file, 'missing', "A file with this name doesn't exist");
          put(file, { mode: modeFor(a, existing), oid: existing.oid });
          break;
        }
        case 'move': {
          const from = normalizeFilePath(a.previous_path ?? '');
          const source = files.get(from);
          if (!source)
            throw new CommitActionError(a.action, from, 'missing', "A file with this name doesn't exist");
          if (from !== file && (existing || isDir(file))) {
            throw new CommitActionError(a.action, file, 'exists', 'A file with this name already exists');
          }
          const oid = a.content == null ? source.oid : await hashBlob(repo, decodeContent(a));
          put(from, null);
          if (underFile(file))
            throw new CommitActionError(a.action, file, 'exists', 'A file with this name already exists');
          put(file, { mode: modeFor(a, source), oid });
          break;
        }
        default:
          throw new CommitActionError(String(a.action), file, 'invalid', 'Unknown action');
      }
    }

    // Removals first, so a path can become a directory (or back) within one commit.
    let info = '';
    for (const [f, e] of changes) if (!e) info += `0 ${'0'.repeat(40)}\t${f}\0`;
    for (const [f, e] of changes) if (e) info += `${e.mode} ${e.oid}\t${f}\0`;
    if (info) await runGit(['update-index', '-z', '--index-info'], { repo, env, input: info });
    const tree = (await gitText(['write-tree'], { repo, env })).trim();

    const commitArgs = ['commit-tree', tree];
    if (base) commitArgs.push('-p', base);
    const commitEnv = {
      ...identityEnv(p.author, 'AUTHOR'),
      ...identityEnv(p.committer ?? p.author, 'COMMITTER'),
    };
    // Stored verbatim, as GitLab's API commits are (no trailing newline added).
    const oid = (await gitText(commitArgs, { repo, env: commitEnv, input: p.message })).trim();
    await updateRef(repo, `refs/heads/${p.branch}`, oid, current);
    return { oid, parent: base, branchCreated: current === null };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
