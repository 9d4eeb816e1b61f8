/**
 * Rebase without a work tree (GitLab's MR rebase): every commit of base..head (merges dropped, as
 * `git rebase` does) is replayed on `onto` keeping its author and message; the caller moves the
 * branch by compare-and-swap. git 2.39's merge-tree has no --merge-base, so each three-way merge
 * gets its base from two throwaway commits sharing one parent whose tree is the base tree.
 */
import { gitText } from './command.js';
import type { CommitIdentity } from './commit.js';
import { InvalidArgumentError } from './errors.js';
import { listCommits } from './log.js';
import { mergeTrees } from './merge.js';
import { EMPTY_TREE_OID, OID_PATTERN } from './objects.js';

export type RebaseOutcome =
  | { status: 'rebased'; oid: string }
  | { status: 'conflict'; conflicts: string[]; commit: string };

const SYNTH = {
  GIT_AUTHOR_NAME: 'labforge',
  GIT_AUTHOR_EMAIL: 'labforge@localhost',
  GIT_COMMITTER_NAME: 'labforge',
  GIT_COMMITTER_EMAIL: 'labforge@localhost',
  GIT_AUTHOR_DATE: '@0 +0000',
  GIT_COMMITTER_DATE: '@0 +0000',
};

function checkOid(oid: string): string {
  if (!OID_PATTERN.test(oid)) throw new InvalidArgumentError(oid, 'object id');
  return oid;
}

const treeOf = async (repo: string, rev: string) =>
  (await gitText(['rev-parse', `${rev}^{tree}`], { repo })).trim();

async function threeWayTrees(repo: string, base: string, ours: string, theirs: string) {
  const commit = async (tree: string, parent?: string) =>
    (
      await gitText(['commit-tree', tree, ...(parent ? ['-p', parent] : [])], {
        repo,
        env: SYNTH,
        input: 'x\n',
      })
    ).trim();
  const root = await commit(base);
  return mergeTrees(repo, await commit(ours, root), await commit(theirs, root));
}

/** Replays base..head onto `onto`; answers the new head (nothing is written to refs). */
export async function rebaseCommits(
  repo: string,
  p: { onto: string; base: string; head: string; committer: CommitIdentity },
): Promise<RebaseOutcome> {
  const commits = (
    await listCommits(repo, { ref: `${checkOid(p.base)}..${checkOid(p.head)}`, limit: 100_000 })
  ).reverse();
  let current = checkOid(p.onto);
  for (const c of commits) {
    if (c.parent_ids.length > 1) continue;
    const [parentTree, ours] = await Promise.all([
      c.parent_ids[0] ? treeOf(repo, c.parent_ids[0]) : Promise.resolve(EMPTY_TREE_OID),
      treeOf(repo, current),
    ]);
    const merged = await threeWayTrees(repo, parentTree, ours, c.tree_id);
    if (!merged.clean) return { status: 'conflict', conflicts: merged.conflicts, commit: c.id };
    // A change already in `onto` leaves nothing to replay.
    if (merged.tree === ours) continue;
    const date = p.committer.date ? `@${Math.floor(p.committer.date.getTime() / 1000)} +0000` : undefined;
    current = (
      await gitText(['commit-tree', merged.tree, '-p', current], {
        repo,
        env: {
          GIT_AUTHOR_NAME: c.author_name,
          GIT_AUTHOR_EMAIL: c.author_email,
          GIT_AUTHOR_DATE: c.authored_date,
          GIT_COMMITTER_NAME: p.committer.name,
          GIT_COMMITTER_EMAIL: p.committer.email,
          ...(date ? { GIT_COMMITTER_DATE: date } : {}),
        },
        input: c.message,
      })
    ).trim();
  }
  return { status: 'rebased', oid: current };
}
