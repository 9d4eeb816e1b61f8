/**
 * The title and description GitLab's MergeRequests::BuildService gives a merge request nobody
 * named (a `git push -o merge_request.create` without `merge_request.title`): from the only commit,
 * else from the oldest commit with a body, else the branch name humanized; "Draft: " when the branch
 * has no commits of its own.
 */
import type { Commit } from '../../git/index.js';
import { DRAFT } from './entity.js';

/** Commit#description: the message after the title line (the whole message when the title was cut). */
export function commitDescription(message: string): string {
  const full = message.split(/[\r\n]/, 1)[0] ?? '';
  if ([...full].length >= 100) return message;
  const nl = message.indexOf('\n');
  return nl === -1 ? '' : message.slice(nl + 1).replace(/\r?\n$/, '');
}

/** ActiveSupport's underscore: CamelCase split with `_`, dashes to `_`, lower case. */
function underscore(word: string): string {
  if (!/[A-Z-]|::/.test(word)) return word;
  return word
    .replaceAll('::', '/')
    .replace(/(?<=[A-Z])(?=[A-Z][a-z])|(?<=[a-z\d])(?=[A-Z])/g, '_')
    .replaceAll('-', '_')
    .toLowerCase();
}

/** ActiveSupport's humanize: no `_id` suffix, `_` to spaces, words lower case, the first letter capital. */
function humanize(word: string): string {
  let r = word.endsWith('_id') ? word.slice(0, -3) : word;
  r = r.replaceAll('_', ' ').trimStart();
  r = r.replace(/[a-z\d]+/gi, (m) => m.toLowerCase());
  return r.replace(/^[A-Za-z0-9_]/, (c) => c.toUpperCase());
}

/** ActiveSupport's titleize: humanized, then every word capitalized. */
function titleize(word: string): string {
  return humanize(underscore(word)).replace(/\b(?<![A-Za-z0-9_]['’`()])[a-z]/g, (c) => c.toUpperCase());
}

/** `source_branch.titleize.humanize`: `feature-x_y` → "Feature x y", `fixLogin` → "Fix login". */
export function humanizeBranch(branch: string): string {
  return humanize(titleize(branch));
}

/**
 * BuildService#assign_title_and_description for the commits the branch adds to the target (newest
 * first, as `git log` lists them). A given title or description wins over the derived ones.
 */
export function defaultTitleAndDescription(
  branch: string,
  commits: readonly Commit[],
  given: { title?: string; description?: string },
): { title: string; description: string | undefined } {
  const nonMerge = commits.filter((c) => c.parent_ids.length < 2);
  const from =
    commits.length === 1
      ? commits[0]
      : [...nonMerge].reverse().find((c) => commitDescription(c.message).trim() !== '');
  let title = given.title ?? from?.title ?? humanizeBranch(branch);
  let description = given.description;
  if (description === undefined && from) description = commitDescription(from.message).trim() || undefined;
  // MergeRequest#wip_title: a branch with nothing to merge opens as a draft.
  if (commits.length === 0 && !DRAFT.test(title)) title = `Draft: ${title}`;
  return { title, description };
}
