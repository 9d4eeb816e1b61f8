/**
 * Merges without a work tree: `git merge-tree --write-tree` computes the merged tree (or the
 * conflicting paths), `commit-tree` records it with both parents, and the target branch moves by
 * compare-and-swap, so a branch that moved meanwhile is never overwritten.
 */
import { gitText, runGit } from './command.js';
import type { CommitIdentity } from './commit.js';
import { isAncestor } from './diff.js';
import { InvalidArgumentError, NotFoundError } from './errors.js';
import { OID_PATTERN } from './objects.js';
import { assertValidRefName, readRef, resolveCommit, updateRef } from './refs.js';

export interface MergeTreeResult {
  /** The merged tree (with conflict markers when not clean). */
  tree: string;
  clean: boolean;
  /** Paths with conflicts, sorted and unique. */
  conflicts: string[];
}

function checkOid(oid: string): string {
  if (!OID_PATTERN.test(oid)) throw new InvalidArgumentError(oid, 'object id');
  return oid;
}

/** Merges two commits' trees (their merge base is found by git). */
export async function mergeTrees(repo: string, ours: string, theirs: string): Promise<MergeTreeResult> {
  const r = await runGit(
    ['merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', checkOid(ours), checkOid(theirs)],
    {
      repo,
      okExitCodes: [1],
    },
  );
  const tokens = r.stdout.toString('utf8').split('\0');
  const tree = tokens[0] ?? '';
  if (!OID_PATTERN.test(tree)) throw new InvalidArgumentError(tree, 'merge-tree output');
  const conflicts = r.exitCode === 1 ? [...new Set(tokens.slice(1).filter(Boolean))].sort() : [];
  return { tree, clean: r.exitCode === 0, conflicts };
}

export interface MergeParams {
  /** The branch that receives the merge. */
  targetBranch: string;
  /** The commit to merge in (an MR's source head). */
  source: string;
  /** The target head the caller decided on; the merge is refused if the branch moved since. */
  expectedTarget?: string | null;
  message: string;
  author: CommitIdentity;
  /** Only move the target when it is an ancestor of the source (GitLab's fast-forward merge method). */
  fastForwardOnly?: boolean;
}

export type MergeOutcome =
  | { status: 'merged'; oid: string; fastForward: boolean }
  | { status: 'conflict'; conflicts: string[] }
  | { status: 'not_fast_forward' };

/** Merges `source` into `targetBranch`: fast-forward when possible and asked, a merge commit otherwise. */
export async function mergeBranch(repo: string, p: MergeParams): Promise<MergeOutcome> {
  const ref = `refs/heads/${p.targetBranch}`;
  assertValidRefName(ref);
  const target = await readRef(repo, ref);
  if (!target) throw new NotFoundError('target branch');
  const source = await resolveCommit(repo, checkOid(p.source));
  if (!source) throw new NotFoundError('source');
  const expected = p.expectedTarget ?? target;
  const ff = await isAncestor(repo, target, source);
  if (p.fastForwardOnly) {
    if (!ff) return { status: 'not_fast_forward' };
    await updateRef(repo, ref, source, expected);
    return { status: 'merged', oid: source, fastForward: true };
  }
  const merged = await mergeTrees(repo, target, source);
  if (!merged.clean) return { status: 'conflict', conflicts: merged.conflicts };
  const env = {
    GIT_AUTHOR_NAME: p.author.name,
    GIT_AUTHOR_EMAIL: p.author.email,
    GIT_COMMITTER_NAME: p.author.name,
    GIT_COMMITTER_EMAIL: p.author.email,
    ...(p.author.date
      ? {
          GIT_AUTHOR_DATE: `@${Math.floor(p.author.date.getTime() / 1000)} +0000`,
          GIT_COMMITTER_DATE: `@${Math.floor(p.author.date.getTime() / 1000)} +0000`,
        }
      : {}),
  };
  const oid = (
    await gitText(['commit-tree', merged.tree, '-p', target, '-p', source], { repo, env, input: p.message })
  ).trim();
  await updateRef(repo, ref, oid, expected);
  return { status: 'merged', oid, fastForward: false };
}

function identityEnv(author: CommitIdentity): Record<string, string> {
  const date = author.date ? `@${Math.floor(author.date.getTime() / 1000)} +0000` : undefined;
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
    ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
  };
}

/**
 * One commit with `head`'s tree on top of `base` (GitLab's squash: the diff base..head as a
 * single commit). Writes no ref; the caller merges or fast-forwards it.
 */
export async function squashCommits(
  repo: string,
  p: { base: string; head: string; message: string; author: CommitIdentity },
): Promise<string> {
  const tree = (await gitText(['rev-parse', `${checkOid(p.head)}^{tree}`], { repo })).trim();
  return (
    await gitText(['commit-tree', tree, '-p', checkOid(p.base)], {
      repo,
      env: identityEnv(p.author),
      input: p.message,
    })
  ).trim();
}

/**
 * GitLab's merge ref (MergeRequests::MergeToRefService): a merge commit of `source` into `target`
 * (parents in that order) written to `ref` without touching any branch. A ref whose commit already
 * has exactly those parents is kept, so asking twice answers the same commit. Null on conflicts.
 */
export async function writeMergeRef(
  repo: string,
  p: { ref: string; target: string; source: string; message: string; author: CommitIdentity },
): Promise<string | null> {
  assertValidRefName(p.ref);
  const target = checkOid(p.target);
  const source = checkOid(p.source);
  const current = await readRef(repo, p.ref);
  if (current) {
    const parents = (await gitText(['show', '-s', '--format=%P', checkOid(current)], { repo })).trim();
    if (parents === `${target} ${source}`) return current;
  }
  const merged = await mergeTrees(repo, target, source);
  if (!merged.clean) return null;
  const oid = (
    await gitText(['commit-tree', merged.tree, '-p', target, '-p', source], {
      repo,
      env: identityEnv(p.author),
      input: p.message,
    })
  ).trim();
  await updateRef(repo, p.ref, oid, current);
  return oid;
}
