/** Object reads through the cat-file pool: commits, trees, blobs and tags, by revision and path. */
import type { CatFilePool } from './catfile.js';
import { gitText, userArg, userPath } from './command.js';
import { GitOutputTooLargeError } from './errors.js';
import { type Commit, parseCommit, parseTag, parseTree, type Tag, type TreeEntry } from './objects.js';

/** `rev:path` for cat-file; a path is relative to the root, without leading or trailing slashes. */
function pathSpec(rev: string, path: string): string {
  const clean = userPath(path).replace(/^\/+|\/+$/g, '');
  return clean === '' ? `${userArg(rev, 'revision')}^{tree}` : `${userArg(rev, 'revision')}:${clean}`;
}

/** One commit by any revision (sha, branch, tag, `HEAD~2`), or null. */
export async function readCommit(pool: CatFilePool, repo: string, rev: string): Promise<Commit | null> {
  const obj = await pool.read(repo, `${userArg(rev, 'revision')}^{commit}`);
  return obj?.type === 'commit' && obj.data ? parseCommit(obj.oid, obj.data) : null;
}

/** Many commits in one pipelined round trip (batch-load for lists). Missing ones are null. */
export async function readCommits(
  pool: CatFilePool,
  repo: string,
  revs: readonly string[],
): Promise<(Commit | null)[]> {
  const objs = await pool.readMany(
    repo,
    revs.map((r) => `${userArg(r, 'revision')}^{commit}`),
  );
  return objs.map((o) => (o?.type === 'commit' && o.data ? parseCommit(o.oid, o.data) : null));
}

/** The entries of the tree at `path` in `rev` (one level), or null when it is not a tree. */
export async function readTree(
  pool: CatFilePool,
  repo: string,
  rev: string,
  path = '',
): Promise<TreeEntry[] | null> {
  const obj = await pool.read(repo, pathSpec(rev, path));
  if (obj?.type !== 'tree' || !obj.data) return null;
  return parseTree(obj.data, path.replace(/^\/+|\/+$/g, ''));
}

/** Every entry below `path` (trees included), via `ls-tree -r -t` on the resolved tree. */
export async function readTreeRecursive(
  pool: CatFilePool,
  repo: string,
  rev: string,
  path = '',
): Promise<TreeEntry[] | null> {
  const base = path.replace(/^\/+|\/+$/g, '');
  const tree = await pool.info(repo, pathSpec(rev, base));
  if (tree?.type !== 'tree') return null;
  const out = await gitText(['ls-tree', '-r', '-t', '-z', '--full-tree', tree.oid], { repo });
  const entries: TreeEntry[] = [];
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [mode, type, id] = rec.slice(0, tab).split(' ');
    const rel = rec.slice(tab + 1);
    const full = base ? `${base}/${rel}` : rel;
    entries.push({
      id: id!,
      name: rel.slice(rel.lastIndexOf('/') + 1),
      type: type as TreeEntry['type'],
      mode: mode!.padStart(6, '0'),
      path: full,
    });
  }
  return entries;
}

export interface Blob {
  oid: string;
  size: number;
  content: Buffer;
}

/** The blob at `path` in `rev`, or null. Refuses blobs over `maxBytes` (checked before reading). */
export async function readBlob(
  pool: CatFilePool,
  repo: string,
  rev: string,
  path: string,
  maxBytes = 100 * 1024 * 1024,
): Promise<Blob | null> {
  const spec = pathSpec(rev, path);
  const info = await pool.info(repo, spec);
  if (info?.type !== 'blob') return null;
  if (info.size > maxBytes) throw new GitOutputTooLargeError('cat-file', maxBytes);
  const obj = await pool.read(repo, info.oid);
  if (obj?.type !== 'blob' || !obj.data) return null;
  return { oid: obj.oid, size: obj.size, content: obj.data };
}

/** An annotated tag object by id or `refs/tags/<name>`, or null (lightweight tags have none). */
export async function readTag(pool: CatFilePool, repo: string, rev: string): Promise<Tag | null> {
  const obj = await pool.read(repo, rev);
  return obj?.type === 'tag' && obj.data ? parseTag(obj.oid, obj.data) : null;
}

/**
 * A revision resolved to its commit id through the cat-file pool (no process per call; ref updates
 * are seen at once), or null. Same lookup rules as `rev-parse --verify <rev>^{commit}`.
 */
export async function peelCommit(pool: CatFilePool, repo: string, rev: string): Promise<string | null> {
  const obj = await pool.info(repo, `${userArg(rev, 'revision')}^{commit}`);
  return obj?.type === 'commit' ? obj.oid : null;
}
