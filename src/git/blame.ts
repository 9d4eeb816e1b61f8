/**
 * `git blame --porcelain` of one file at one commit, grouped into runs of consecutive lines from
 * the same commit (GitLab's Gitlab::Blame#groups). The path always follows `--`.
 */
import { runGit, userPath } from './command.js';
import { InvalidArgumentError } from './errors.js';
import { OID_PATTERN } from './objects.js';

export interface BlameGroup {
  commit: string;
  lines: string[];
}

const HEADER = /^([0-9a-f]{40,64}) \d+ \d+(?: \d+)?$/;

/** Blames `path` at commit `oid` (a full object id), optionally only lines start..end (1-based, inclusive). */
export async function blame(
  repo: string,
  oid: string,
  path: string,
  range?: { start: number; end: number },
): Promise<BlameGroup[]> {
  if (!OID_PATTERN.test(oid)) throw new InvalidArgumentError(oid, 'object id');
  const args = ['blame', '--porcelain', '--no-progress'];
  if (range) {
    if (
      !Number.isInteger(range.start) ||
      !Number.isInteger(range.end) ||
      range.start < 1 ||
      range.end < range.start
    )
      throw new InvalidArgumentError(`${range.start},${range.end}`, 'line range');
    args.push('-L', `${range.start},${range.end}`);
  }
  args.push(oid, '--', userPath(path));
  const out = (await runGit(args, { repo })).stdout.toString('utf8');
  const groups: BlameGroup[] = [];
  let current: string | null = null;
  // Lines come in file order: a line joins the previous group when it is from the same commit.
  for (const line of out.split('\n')) {
    if (line.startsWith('\t')) {
      if (current === null) continue;
      const prev = groups[groups.length - 1];
      if (prev?.commit === current) prev.lines.push(line.slice(1));
      else groups.push({ commit: current, lines: [line.slice(1)] });
      continue;
    }
    const m = HEADER.exec(line);
    if (m) current = m[1]!;
  }
  return groups;
}
