/**
 * Answers about merge requests that depend only on commit ids, remembered per git layer (bounded,
 * oldest dropped first). A commit id names immutable content, so a remembered answer can never be
 * stale and every process may keep its own: what can change — where the branches point — is read
 * from git on every request, and a moved branch is a new key.
 * - mergeability: (target, source) → merge base and whether the in-memory merge is clean;
 * - changed files: (base, head) → the number of files the diff touches (changes_count, a version's
 *   real_size), a `diff-tree -M` over the whole change that cost as much as the rest of GET one MR.
 */
import type { Deps } from '../../deps.js';
import { countChangedFiles, mergeBase, mergeTrees } from '../../git/index.js';

const CACHE_SIZE = 10_000;
const caches = new WeakMap<object, Map<string, unknown>>();

async function remembered<T>(deps: Deps, key: string, compute: () => Promise<T>): Promise<T> {
  let cache = caches.get(deps.git);
  if (!cache) {
    cache = new Map();
    caches.set(deps.git, cache);
  }
  if (cache.has(key)) return cache.get(key) as T;
  const value = await compute();
  cache.set(key, value);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return value;
}

export interface Mergeability {
  baseSha: string | null;
  clean: boolean;
}

export function mergeability(
  deps: Deps,
  repo: string,
  target: string,
  source: string,
): Promise<Mergeability> {
  return remembered(deps, `mergeability\0${repo}\0${target}\0${source}`, async () => {
    const [baseSha, merged] = await Promise.all([
      mergeBase(repo, target, source),
      mergeTrees(repo, target, source),
    ]);
    return { baseSha, clean: merged.clean };
  });
}

export function changedFilesCount(
  deps: Deps,
  repo: string,
  base: string | null,
  head: string,
): Promise<number> {
  return remembered(deps, `changes\0${repo}\0${base ?? ''}\0${head}`, () =>
    countChangedFiles(repo, base, head),
  );
}
