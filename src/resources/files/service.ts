/** Repository files: one blob at a ref with its metadata, and the create/update/delete commits. */
import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.js';
import {
  type Blob,
  blame,
  type Commit,
  InvalidArgumentError,
  listCommits,
  normalizeFilePath,
  peelCommit,
  readBlob,
  readCommits,
  readTree,
  resolveCommit,
} from '../../git/index.js';
import { apiMessage, invalidParams, notFound } from '../../http/errors.js';
import { isSafeRevision, type RepoContext } from '../repositories/context.js';

export interface FileAtRef {
  path: string;
  ref: string;
  commitId: string;
  lastCommitId: string;
  blob: Blob;
  mode: string;
}

/** A path as given, checked: 400 for one git could misread (`..`, NUL), as GitLab refuses them. */
export function filePath(raw: string): string {
  // An absolute path is refused as Grape's FilePath validator refuses it (no allowlist here).
  if (raw.startsWith('/')) throw invalidParams(['file_path should be a valid file path']);
  try {
    return normalizeFilePath(raw);
  } catch (err) {
    // Grape's FilePath validator: a parameter error, {"error":"file_path should be a valid file path"}.
    if (err instanceof InvalidArgumentError) throw invalidParams(['file_path should be a valid file path']);
    throw err;
  }
}

/** Answers of lastCommitFor: a commit id fixes its history, so an answer never goes stale. */
const lastCommits = new Map<string, string | null>();
const LAST_COMMITS_MAX = 10_000;

/** The last commit that touched `path` up to `commit` (Repository#last_commit_id_for_path), cached. */
export async function lastCommitFor(repo: string, commit: string, path: string): Promise<string | null> {
  const key = `${repo}\0${commit}\0${path}`;
  const known = lastCommits.get(key);
  if (known !== undefined) return known;
  const [c] = await listCommits(repo, { ref: commit, path, limit: 1 });
  if (lastCommits.size >= LAST_COMMITS_MAX) lastCommits.delete(lastCommits.keys().next().value!);
  lastCommits.set(key, c?.id ?? null);
  return c?.id ?? null;
}

export async function readFileAt(
  deps: Deps,
  ctx: RepoContext,
  rawPath: string,
  ref: string,
): Promise<FileAtRef> {
  const path = filePath(rawPath);
  const commitId = isSafeRevision(ref) ? await peelCommit(deps.git.pool, ctx.repo, ref) : null;
  if (!commitId) throw notFound('Commit');
  const blob = await readBlob(deps.git.pool, ctx.repo, commitId, path);
  if (!blob) throw notFound('File');
  const slash = path.lastIndexOf('/');
  const siblings = await readTree(
    deps.git.pool,
    ctx.repo,
    commitId,
    slash === -1 ? '' : path.slice(0, slash),
  );
  const mode = siblings?.find((e) => e.path === path)?.mode ?? '100644';
  const lastCommitId = (await lastCommitFor(ctx.repo, commitId, path)) ?? commitId;
  return { path, ref, commitId, lastCommitId, blob, mode };
}

/**
 * gitlab-compat: GitLab sends a non-ASCII path or ref in these headers as raw UTF-8; Node cannot
 * put characters past U+00FF in a header (and encodes the rest differently by code path), so
 * non-ASCII characters travel percent-encoded as UTF-8 (`%C3%BC`). ASCII values are unchanged.
 */
const headerValue = (v: string) =>
  /^[\x20-\x7e]*$/.test(v) ? v : v.replace(/[^\x20-\x7e]+/g, (m) => encodeURIComponent(m));

/** The X-Gitlab-* headers of GET, HEAD and raw. */
export function fileHeaders(f: FileAtRef): Record<string, string> {
  const headers = {
    'x-gitlab-blob-id': f.blob.oid,
    'x-gitlab-commit-id': f.commitId,
    'x-gitlab-content-sha256': createHash('sha256').update(f.blob.content).digest('hex'),
    'x-gitlab-encoding': 'base64',
    'x-gitlab-file-name': f.path.slice(f.path.lastIndexOf('/') + 1),
    'x-gitlab-file-path': f.path,
    'x-gitlab-last-commit-id': f.lastCommitId,
    'x-gitlab-ref': f.ref,
    'x-gitlab-size': String(f.blob.size),
    'x-gitlab-execute-filemode': String(f.mode === '100755'),
  };
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, headerValue(v)]));
}

/**
 * Files::UpdateService's optimistic lock: the file's last commit on the branch must be the one
 * given. Answers the branch head the check was made against (undefined without a lock), for the
 * commit to build on and compare-and-swap against, so a push landing in between is not overwritten.
 */
export async function checkLastCommit(
  ctx: RepoContext,
  branch: string,
  path: string,
  lastCommitId?: string,
): Promise<string | null | undefined> {
  if (!lastCommitId) return undefined;
  const head = await resolveCommit(ctx.repo, `refs/heads/${branch}`);
  const last = head ? await lastCommitFor(ctx.repo, head, path) : null;
  if (last !== lastCommitId)
    throw apiMessage(
      400,
      'You are attempting to update a file that has changed since you started editing it.',
    );
  return head;
}

/** `range[start]` and `range[end]` as Grape checks them (both required, positive integers, start ≤ end). */
export function blameRange(
  range: Record<string, unknown> | undefined,
): { start: number; end: number } | undefined {
  if (range === undefined) return undefined;
  const problems: string[] = [];
  const read = (key: 'start' | 'end') => {
    const raw = range[key];
    if (raw === undefined || raw === null || raw === '') {
      problems.push(`range[${key}] is missing`);
      return 0;
    }
    const n = Number(raw);
    if (!Number.isInteger(n)) problems.push(`range[${key}] is invalid`);
    else if (n <= 0) problems.push(`range[${key}] does not have a valid value`);
    return n;
  };
  const start = read('start');
  const end = read('end');
  if (problems.length > 0) throw invalidParams(problems);
  if (start > end) throw apiMessage(400, 'range[start] must be less than or equal to range[end]');
  return { start, end };
}

/** Blame groups of a file at a ref with their commits batch-loaded (Gitlab::Blame#groups). */
export async function blameFile(
  deps: Deps,
  ctx: RepoContext,
  file: FileAtRef,
  range?: { start: number; end: number },
): Promise<Array<{ commit: Commit; lines: string[] }>> {
  const total =
    file.blob.content.length === 0
      ? 0
      : file.blob.content.toString('utf8').replace(/\n$/, '').split('\n').length;
  // gitlab-compat: a range past the end of the file is cut to the file (git refuses it outright).
  const r = range ? { start: range.start, end: Math.min(range.end, total) } : undefined;
  if (r && r.start > r.end) return [];
  const groups = await blame(ctx.repo, file.commitId, file.path, r);
  const oids = [...new Set(groups.map((g) => g.commit))];
  const commits = new Map<string, Commit>();
  (await readCommits(deps.git.pool, ctx.repo, oids)).forEach((c, i) => {
    if (c) commits.set(oids[i]!, c);
  });
  return groups.map((g) => ({ commit: commits.get(g.commit)!, lines: g.lines }));
}
