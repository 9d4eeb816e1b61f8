/**
 * What merge requests between two repositories need (a fork and its upstream): copying the
 * source commits into the target repository, and a patch id for a range.
 */
import { runGit } from './command.js';
import { InvalidArgumentError } from './errors.js';
import { EMPTY_TREE_OID, OID_PATTERN } from './objects.js';

function checkOid(oid: string): string {
  if (!OID_PATTERN.test(oid)) throw new InvalidArgumentError(oid, 'object id');
  return oid;
}

/** Whether the repository holds the commit (and so, in a healthy repository, its history). */
export async function hasCommit(repo: string, oid: string): Promise<boolean> {
  const r = await runGit(['cat-file', '-e', `${checkOid(oid)}^{commit}`], { repo, okExitCodes: [1, 128] });
  return r.exitCode === 0;
}

/**
 * Copies `oid` and the history it needs from `sourceRepo` into `targetRepo` (both bare
 * repositories in our storage, never a user path), without touching any ref of the target:
 * the caller points a ref at it afterwards by compare-and-swap. Only the local `file`
 * transport is allowed, for this one command, and the wanted object is an id, not a ref name.
 */
export async function fetchCommit(targetRepo: string, sourceRepo: string, oid: string): Promise<void> {
  if (await hasCommit(targetRepo, oid)) return;
  if (!sourceRepo.startsWith('/')) throw new InvalidArgumentError(sourceRepo, 'repository path');
  await runGit(
    ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-auto-gc', sourceRepo, checkOid(oid)],
    {
      repo: targetRepo,
      env: { GIT_ALLOW_PROTOCOL: 'file' },
      config: [
        'protocol.file.allow=always',
        'uploadpack.allowAnySHA1InWant=true',
        'fetch.recurseSubmodules=false',
      ],
      timeoutMs: 300_000,
    },
  );
}

/** `git patch-id --stable` of the diff between two commits (GitLab's patch_id_sha); null when empty. */
export async function rangePatchId(repo: string, base: string, head: string): Promise<string | null> {
  const diff = await runGit(
    ['diff', '--no-color', '--no-ext-diff', '--full-index', checkOid(base), checkOid(head)],
    {
      repo,
    },
  );
  if (diff.stdout.length === 0) return null;
  const r = await runGit(['patch-id', '--stable'], { repo, input: diff.stdout });
  const id = r.stdout.toString('utf8').split(' ')[0] ?? '';
  return OID_PATTERN.test(id) ? id : null;
}

/** How many files differ between two commits (renames detected, as the MR diff shows them). */
export async function countChangedFiles(repo: string, base: string | null, head: string): Promise<number> {
  const from = base ? checkOid(base) : EMPTY_TREE_OID;
  const out = await runGit(['diff-tree', '-r', '-M', '-z', '--name-status', from, checkOid(head)], { repo });
  const tokens = out.stdout.toString('utf8').split('\0');
  let n = 0;
  for (let i = 0; i < tokens.length; ) {
    const status = tokens[i++] ?? '';
    if (!status) continue;
    i += status[0] === 'R' || status[0] === 'C' ? 2 : 1;
    n++;
  }
  return n;
}
