/**
 * Diffs as GitLab's diff entries, merge-base and compare. Two `diff-tree` runs over the same pair
 * (raw metadata, then the patch) give the same file order, so patches pair with entries by index.
 */
import { gitText, runGit, userArg, userPath } from './command.js';
import { InvalidArgumentError, NotFoundError } from './errors.js';
import { listCommits } from './log.js';
import { type Commit, EMPTY_TREE_OID, OID_PATTERN } from './objects.js';
import { resolveCommit } from './refs.js';

/** GitLab's diff entity fields (lib/api/entities/diff.rb). */
export interface DiffEntry {
  diff: string;
  collapsed: boolean;
  too_large: boolean;
  new_path: string;
  old_path: string;
  a_mode: string;
  b_mode: string;
  new_file: boolean;
  renamed_file: boolean;
  deleted_file: boolean;
  generated_file: boolean;
}

export interface DiffOptions {
  paths?: readonly string[];
  renames?: boolean;
  /** Stop after this many files (GitLab's safe limits). */
  maxFiles?: number;
  /** A single file's patch larger than this is dropped and the entry marked too_large. */
  maxPatchBytes?: number;
  /** Ignore whitespace changes. */
  ignoreWhitespace?: boolean;
}

function checkOid(oid: string): string {
  if (!OID_PATTERN.test(oid)) throw new InvalidArgumentError(oid, 'object id');
  return oid;
}

interface RawEntry {
  a_mode: string;
  b_mode: string;
  status: string;
  old_path: string;
  new_path: string;
}

function parseRaw(out: string): RawEntry[] {
  // -z raw: ":<a_mode> <b_mode> <a_oid> <b_oid> <status>\0<path>\0[<path2>\0]"
  const tokens = out.split('\0');
  const entries: RawEntry[] = [];
  for (let i = 0; i < tokens.length; ) {
    const meta = tokens[i++]!;
    if (!meta.startsWith(':')) continue;
    const [aMode, bMode, , , status] = meta.slice(1).split(' ');
    const first = tokens[i++] ?? '';
    const code = (status ?? '')[0] ?? 'M';
    const second = code === 'R' || code === 'C' ? (tokens[i++] ?? '') : first;
    entries.push({ a_mode: aMode!, b_mode: bMode!, status: code, old_path: first, new_path: second });
  }
  return entries;
}

/** Splits `diff-tree -p` output into per-file patches, keeping only the hunks (from the first `@@`). */
function splitPatches(out: string): string[] {
  const patches: string[] = [];
  const sections = out.split(/^diff --git /m).slice(1);
  for (const section of sections) {
    const hunk = section.search(/^@@ /m);
    if (hunk !== -1) {
      patches.push(section.slice(hunk));
      continue;
    }
    const binary = /^Binary files .* differ$/m.exec(section);
    patches.push(binary ? `${binary[0]}\n` : '');
  }
  return patches;
}

const FILE_MODE = (mode: string) => (mode === '000000' ? '0' : mode);

/** The changes from `from` (null = empty tree) to `to`, both tree-ish object ids. */
export async function diffTrees(
  repo: string,
  from: string | null,
  to: string,
  opts: DiffOptions = {},
): Promise<DiffEntry[]> {
  const a = from ? checkOid(from) : EMPTY_TREE_OID;
  const b = checkOid(to);
  const common = ['-r', '--no-color', '--no-ext-diff', '--no-textconv', '--full-index'];
  if (opts.renames !== false) common.push('-M');
  else common.push('--no-renames');
  if (opts.ignoreWhitespace) common.push('-w');
  const tail = ['--', ...(opts.paths ?? []).map(userPath)];
  const raw = parseRaw(await gitText(['diff-tree', '-z', ...common, a, b, ...tail], { repo }));
  const limited = opts.maxFiles !== undefined ? raw.slice(0, opts.maxFiles) : raw;
  if (limited.length === 0) return [];
  const patchOut = await gitText(['diff-tree', '-p', ...common, a, b, ...tail], { repo });
  const patches = splitPatches(patchOut);
  const maxPatch = opts.maxPatchBytes ?? 200 * 1024;
  return limited.map((r, i) => {
    let diff = patches[i] ?? '';
    const tooLarge = Buffer.byteLength(diff) > maxPatch;
    if (tooLarge) diff = '';
    return {
      diff,
      collapsed: false,
      too_large: tooLarge,
      new_path: r.new_path,
      old_path: r.old_path,
      a_mode: FILE_MODE(r.a_mode),
      b_mode: FILE_MODE(r.b_mode),
      new_file: r.status === 'A',
      renamed_file: r.status === 'R',
      deleted_file: r.status === 'D',
      generated_file: false,
    };
  });
}

/** A commit's changes against its first parent (GitLab's GET commits/:sha/diff). */
export async function commitDiff(
  repo: string,
  commit: Pick<Commit, 'id' | 'parent_ids'>,
  opts: DiffOptions = {},
) {
  return diffTrees(repo, commit.parent_ids[0] ?? null, commit.id, opts);
}

/** The best common ancestor of two revisions, or null when they share no history. */
export async function mergeBase(repo: string, a: string, b: string): Promise<string | null> {
  const r = await runGit(['merge-base', '--end-of-options', userArg(a, 'revision'), userArg(b, 'revision')], {
    repo,
    okExitCodes: [1],
  });
  const oid = r.stdout.toString('utf8').trim();
  return r.exitCode === 0 && OID_PATTERN.test(oid) ? oid : null;
}

/** Whether `ancestor` is reachable from `descendant` (fast-forward check for protected branches). */
export async function isAncestor(repo: string, ancestor: string, descendant: string): Promise<boolean> {
  const r = await runGit(
    [
      'merge-base',
      '--is-ancestor',
      '--end-of-options',
      userArg(ancestor, 'revision'),
      userArg(descendant, 'revision'),
    ],
    { repo, okExitCodes: [1] },
  );
  return r.exitCode === 0;
}

export interface CompareResult {
  /** The head commit (`to`), or null when there is nothing between. */
  commit: Commit | null;
  /** Commits in `to` and not in `from`, oldest first. */
  commits: Commit[];
  diffs: DiffEntry[];
  compare_timeout: boolean;
  compare_same_ref: boolean;
  /** The base the diff was taken from (merge-base unless straight). */
  base: string | null;
  from: string;
  to: string;
}

export interface CompareOptions extends DiffOptions {
  /** Diff from `from` directly instead of from the merge base (GitLab's `straight=true`). */
  straight?: boolean;
  maxCommits?: number;
}

/** GitLab's repository compare: from...to (merge base) or from..to when straight. */
export async function compare(repo: string, fromRev: string, toRev: string, opts: CompareOptions = {}) {
  const from = await resolveCommit(repo, fromRev);
  if (!from) throw new NotFoundError('from');
  const to = await resolveCommit(repo, toRev);
  if (!to) throw new NotFoundError('to');
  const base = opts.straight ? from : await mergeBase(repo, from, to);
  const commits = (
    await listCommits(repo, { ref: `${from}..${to}`, limit: opts.maxCommits ?? 10_000 })
  ).reverse();
  const diffs = await diffTrees(repo, base, to, opts);
  const result: CompareResult = {
    commit: commits.length > 0 ? commits[commits.length - 1]! : null,
    commits,
    diffs,
    compare_timeout: false,
    compare_same_ref: fromRev === toRev,
    base,
    from,
    to,
  };
  return result;
}

/** The plain `git diff` text between two commits (GitLab's raw_diffs). */
export async function rawDiff(repo: string, from: string, to: string): Promise<string> {
  return gitText(
    [
      'diff',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      '--full-index',
      '-M',
      checkOid(from),
      checkOid(to),
    ],
    {
      repo,
    },
  );
}
