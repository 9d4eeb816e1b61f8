/** History: `git log` with GitLab's list-commits filters, commit counts and per-commit stats. */
import { gitText, userArg, userPath } from './command.js';
import { InvalidArgumentError } from './errors.js';
import { type Commit, commitTitle, EMPTY_TREE_OID, formatGitDate, OID_PATTERN } from './objects.js';

export interface LogOptions {
  /** Branch, tag or sha; defaults to HEAD. Ignored when `all`. */
  ref?: string | null;
  path?: string | null;
  since?: Date | null;
  until?: Date | null;
  firstParent?: boolean;
  all?: boolean;
  /** Substring of the author name or email (GitLab's `author`). */
  author?: string | null;
  order?: 'default' | 'topo';
  skip?: number;
  limit?: number;
}

const LOG_FIELDS = ['%H', '%T', '%P', '%an', '%ae', '%ad', '%cn', '%ce', '%cd', '%B'];

function checkCount(n: number | undefined, what: string): number | undefined {
  if (n === undefined) return undefined;
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(String(n), what);
  return n;
}

/** An unambiguous absolute date for git's date parser (never its approximate forms). */
function gitDate(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError(String(d), 'date');
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} +0000`;
}

function revArgs(opts: LogOptions): string[] {
  const args: string[] = [];
  if (opts.firstParent) args.push('--first-parent');
  if (opts.since) args.push(`--since=${gitDate(opts.since)}`);
  if (opts.until) args.push(`--until=${gitDate(opts.until)}`);
  if (opts.author) args.push('--fixed-strings', `--author=${userArg(opts.author, 'author')}`);
  if (opts.order === 'topo') args.push('--topo-order');
  const skip = checkCount(opts.skip, 'skip');
  const limit = checkCount(opts.limit, 'limit');
  if (skip) args.push(`--skip=${skip}`);
  if (limit !== undefined) args.push(`--max-count=${limit}`);
  if (opts.all) args.push('--all');
  else args.push('--end-of-options', userArg(opts.ref ?? 'HEAD', 'ref'));
  args.push('--');
  if (opts.path) args.push(userPath(opts.path));
  return args;
}

function parseLog(out: string): Commit[] {
  const tokens = out.split('\0');
  const commits: Commit[] = [];
  const n = LOG_FIELDS.length;
  for (let i = 0; i + n <= tokens.length; i += n) {
    const f = tokens.slice(i, i + n);
    const id = f[0]!.replace(/^\n/, '');
    if (!OID_PATTERN.test(id)) continue;
    const date = (raw: string) => {
      const [s, tz] = raw.split(' ');
      return formatGitDate(Number(s), tz ?? '+0000');
    };
    const message = f[9]!;
    commits.push({
      id,
      short_id: id.slice(0, 11),
      title: commitTitle(message),
      message,
      author_name: f[3]!,
      author_email: f[4]!,
      authored_date: date(f[5]!),
      committer_name: f[6]!,
      committer_email: f[7]!,
      committed_date: date(f[8]!),
      parent_ids: f[2]!.split(' ').filter(Boolean),
      tree_id: f[1]!,
    });
  }
  return commits;
}

/** Commits newest first (GitLab's list order). An unknown ref gives an empty list. */
export async function listCommits(repo: string, opts: LogOptions = {}): Promise<Commit[]> {
  const format = `--format=${LOG_FIELDS.join('%x00')}%x00`;
  try {
    const out = await gitText(
      ['log', '--no-color', '--date=raw', '--no-show-signature', format, ...revArgs(opts)],
      {
        repo,
      },
    );
    return parseLog(out);
  } catch (err) {
    if (isUnknownRevision(err)) return [];
    throw err;
  }
}

/** How many commits the same filters select (for X-Total), without skip/limit. */
export async function countCommits(repo: string, opts: LogOptions = {}): Promise<number> {
  try {
    const out = await gitText(
      ['rev-list', '--count', ...revArgs({ ...opts, skip: undefined, limit: undefined })],
      {
        repo,
      },
    );
    return Number(out.trim()) || 0;
  } catch (err) {
    if (isUnknownRevision(err)) return 0;
    throw err;
  }
}

function isUnknownRevision(err: unknown): boolean {
  return (
    err instanceof Error &&
    'stderr' in err &&
    /unknown revision|bad revision|ambiguous argument|does not have any commits/i.test(String(err.stderr))
  );
}

export interface CommitStats {
  additions: number;
  deletions: number;
  total: number;
}

/** Lines added/removed against the first parent (the empty tree for a root commit). */
export async function commitStats(repo: string, oid: string, parent?: string | null): Promise<CommitStats> {
  if (!OID_PATTERN.test(oid)) throw new InvalidArgumentError(oid, 'commit id');
  const from = parent ?? EMPTY_TREE_OID;
  if (!OID_PATTERN.test(from)) throw new InvalidArgumentError(from, 'commit id');
  const out = await gitText(['diff-tree', '-r', '--numstat', '-z', '--no-renames', from, oid], { repo });
  let additions = 0;
  let deletions = 0;
  for (const rec of out.split('\0')) {
    const m = /^(\d+|-)\t(\d+|-)\t/.exec(rec);
    if (!m) continue;
    additions += m[1] === '-' ? 0 : Number(m[1]);
    deletions += m[2] === '-' ? 0 : Number(m[2]);
  }
  return { additions, deletions, total: additions + deletions };
}
