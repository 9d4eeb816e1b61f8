/**
 * Cherry-pick and revert without a work tree. git 2.39's `merge-tree --write-tree` has no
 * `--merge-base`, so the three-way merge gets its base through two throwaway commits sharing one
 * parent whose tree is the base tree: git then finds exactly that base. The result is one commit on
 * the branch head, which moves by compare-and-swap.
 */
import { gitText } from './command.js';
import type { CommitIdentity } from './commit.js';
import { InvalidArgumentError, NotFoundError } from './errors.js';
import { mergeTrees } from './merge.js';
import { EMPTY_TREE_OID, OID_PATTERN } from './objects.js';
import { assertValidRefName, readRef, updateRef } from './refs.js';

export interface PickParams {
  branch: string;
  /** The commit to cherry-pick or revert (a full object id). */
  commit: string;
  message: string;
  /** The new commit's author (a cherry-pick keeps the original author) and committer. */
  author: CommitIdentity;
  committer: CommitIdentity;
  dryRun?: boolean;
}

export type PickOutcome =
  | { status: 'done'; oid: string | null }
  | { status: 'conflict'; conflicts: string[] }
  | { status: 'empty' };

const date = (d?: Date) => (d ? `@${Math.floor(d.getTime() / 1000)} +0000` : undefined);

function env(author: CommitIdentity, committer: CommitIdentity): Record<string, string> {
  const a = date(author.date);
  const c = date(committer.date);
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
    ...(a ? { GIT_AUTHOR_DATE: a } : {}),
    ...(c ? { GIT_COMMITTER_DATE: c } : {}),
  };
}

const treeOf = async (repo: string, oid: string) =>
  (await gitText(['rev-parse', `${oid}^{tree}`], { repo })).trim();

async function firstParentTree(repo: string, oid: string): Promise<string> {
  const parents = (await gitText(['rev-list', '--parents', '-n', '1', oid], { repo }))
    .trim()
    .split(' ')
    .slice(1);
  return parents[0] ? treeOf(repo, parents[0]) : EMPTY_TREE_OID;
}

const FIXED = { GIT_AUTHOR_DATE: '@0 +0000', GIT_COMMITTER_DATE: '@0 +0000' };
const SYNTH = { GIT_AUTHOR_NAME: 'labforge', GIT_AUTHOR_EMAIL: 'labforge@localhost', ...FIXED };

/** Merges the change base→theirs into ours (three trees), answering the merged tree or its conflicts. */
async function threeWay(repo: string, base: string, ours: string, theirs: string) {
  const e = { ...SYNTH, GIT_COMMITTER_NAME: 'labforge', GIT_COMMITTER_EMAIL: 'labforge@localhost' };
  const root = (await gitText(['commit-tree', base], { repo, env: e, input: 'base\n' })).trim();
  const o = (await gitText(['commit-tree', ours, '-p', root], { repo, env: e, input: 'ours\n' })).trim();
  const t = (await gitText(['commit-tree', theirs, '-p', root], { repo, env: e, input: 'theirs\n' })).trim();
  return mergeTrees(repo, o, t);
}

async function apply(repo: string, p: PickParams, revert: boolean): Promise<PickOutcome> {
  if (!OID_PATTERN.test(p.commit)) throw new InvalidArgumentError(p.commit, 'object id');
  const ref = `refs/heads/${p.branch}`;
  assertValidRefName(ref);
  const head = await readRef(repo, ref);
  if (!head) throw new NotFoundError('branch');
  const [picked, parent, headTree] = await Promise.all([
    treeOf(repo, p.commit),
    firstParentTree(repo, p.commit),
    treeOf(repo, head),
  ]);
  const merged = revert
    ? await threeWay(repo, picked, headTree, parent)
    : await threeWay(repo, parent, headTree, picked);
  if (!merged.clean) return { status: 'conflict', conflicts: merged.conflicts };
  if (merged.tree === headTree) return { status: 'empty' };
  if (p.dryRun) return { status: 'done', oid: null };
  const oid = (
    await gitText(['commit-tree', merged.tree, '-p', head], {
      repo,
      env: env(p.author, p.committer),
      input: p.message,
    })
  ).trim();
  await updateRef(repo, ref, oid, head);
  return { status: 'done', oid };
}

/** Applies `commit`'s change (against its first parent) on top of `branch`. */
export const cherryPick = (repo: string, p: PickParams) => apply(repo, p, false);

/** Applies the inverse of `commit`'s change on top of `branch`. */
export const revertCommit = (repo: string, p: PickParams) => apply(repo, p, true);
