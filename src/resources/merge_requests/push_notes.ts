/**
 * The system note a push to a merge request's source branch leaves (MergeRequests::RefreshService
 * #notify_about_push, SystemNotes::CommitService#add_commits): "added N commits", the list of the
 * pushed commits and a link comparing the new version with the previous one.
 */

import { type Deps, nowIso } from '../../deps.js';
import { type Commit, listCommits, mergeBase } from '../../git/index.js';
import type { User } from '../../http/auth.js';
import { escapeHtml } from '../../http/html.js';
import { webUrl } from '../../http/urls.js';
import type { MergeRequest } from '../../permissions/merge_requests.js';
import { systemNotes } from '../notes/service.js';

/** CommitService::NEW_COMMIT_DISPLAY_LIMIT: older commits beyond it are summarized on one line. */
const NEW_COMMIT_DISPLAY_LIMIT = 10;
const ZERO_OID = /^0+$/;
const MAX_COMMITS = 10_000;

/** Commit#short_id and Commit.truncate_sha: 8 characters. */
const short = (sha: string) => sha.slice(0, 8);
const pluralize = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** ActionView's content_tag escapes its text. */
const li = (text: string) => `<li>${escapeHtml(text)}</li>`;

/** A range summary: one sha, `old...last` from a known start, else `first..last`. */
function rangeIds(commits: readonly Commit[], start: string | null): string {
  if (commits.length === 1) return short(commits[0]!.id);
  const last = short(commits[commits.length - 1]!.id);
  return start ? `${short(start)}...${last}` : `${short(commits[0]!.id)}..${last}`;
}

/**
 * The note body. `added` are the pushed commits that belong to the merge request, `fromTarget` the
 * ones it already had from its target branch (a merge of the target into the source); both oldest
 * first. `oldrev` is the branch's previous head, null when the push created the branch.
 */
export function addCommitsNoteBody(opts: {
  added: readonly Commit[];
  fromTarget: readonly Commit[];
  oldrev: string | null;
  targetBranch: string;
  targetNamespace: string | null;
  comparePath: string;
}): string {
  const { added, fromTarget, oldrev } = opts;
  const total = added.length + fromTarget.length;
  let existing = '';
  if (fromTarget.length) {
    const branch = opts.targetNamespace ? `${opts.targetNamespace}:${opts.targetBranch}` : opts.targetBranch;
    existing = `<li>${escapeHtml(`${rangeIds(fromTarget, oldrev)} - ${pluralize(fromTarget.length, 'commit')} from branch `)}<code>${escapeHtml(branch)}</code></li>`;
  }
  const start = fromTarget.length ? fromTarget[fromTarget.length - 1]!.id : oldrev;
  let lines: string[];
  if (added.length > NEW_COMMIT_DISPLAY_LIMIT) {
    const cut = added.length - NEW_COMMIT_DISPLAY_LIMIT;
    const truncated = added.slice(0, cut);
    lines = [
      li(`${rangeIds(truncated, start)} - ${pluralize(cut, 'earlier commit')}`),
      ...added.slice(cut).map((c) => li(`${short(c.id)} - ${c.title}`)),
    ];
  } else lines = added.map((c) => li(`${short(c.id)} - ${c.title}`));
  return [
    `added ${pluralize(total, 'commit')}`,
    `<ul>${existing}${lines.join('')}</ul>`,
    `[Compare with previous version](${opts.comparePath})`,
  ].join('\n\n');
}

/**
 * After a push moved `mr`'s source branch from `oldrev` to `newrev` (and the merge request's git
 * state, head ref and version were refreshed): writes the note as the pusher. `previousHead` is
 * the head of the merge request's version before the push (used when the push re-created the branch).
 */
export async function noteAddedCommits(
  deps: Deps,
  mr: MergeRequest,
  pusher: User,
  push: { oldrev: string; newrev: string; previousHead: string | null; targetSha: string | null },
): Promise<void> {
  const repo = deps.git.projectRepo(mr.project_id);
  // RefreshService#find_new_commits: a re-created branch counts from where it meets the old head.
  const from = ZERO_OID.test(push.oldrev)
    ? push.previousHead && (await mergeBase(repo, push.previousHead, push.newrev))
    : push.oldrev;
  if (!from) return;
  const pushed = (await listCommits(repo, { ref: `${from}..${push.newrev}`, limit: MAX_COMMITS })).reverse();
  if (pushed.length === 0) return;
  const inMr = new Set(
    (
      await listCommits(repo, {
        ref: push.targetSha ? `${push.targetSha}..${push.newrev}` : push.newrev,
        limit: MAX_COMMITS,
      })
    ).map((c) => c.id),
  );
  const added = pushed.filter((c) => inMr.has(c.id));
  const fromTarget = pushed.filter((c) => !inMr.has(c.id));
  const [target, version] = await Promise.all([
    deps.db
      .selectFrom('projects')
      .select(['path_with_namespace'])
      .where('id', '=', mr.project_id)
      .executeTakeFirst(),
    deps.db
      .selectFrom('merge_request_diffs')
      .select('id')
      .where('merge_request_id', '=', mr.id)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  if (!target) return;
  const query = new URLSearchParams();
  if (version) query.set('diff_id', String(version.id));
  if (!ZERO_OID.test(push.oldrev)) query.set('start_sha', push.oldrev);
  const url = new URL(webUrl(deps.config, `${target.path_with_namespace}/-/merge_requests/${mr.iid}/diffs`));
  const qs = query.toString();
  const body = addCommitsNoteBody({
    added,
    fromTarget,
    oldrev: ZERO_OID.test(push.oldrev) ? null : push.oldrev,
    targetBranch: mr.target_branch,
    targetNamespace:
      mr.source_project_id === mr.project_id
        ? null
        : target.path_with_namespace.split('/').slice(0, -1).join('/'),
    comparePath: `${url.pathname}${qs ? `?${qs}` : ''}`,
  });
  await systemNotes(
    deps.db,
    nowIso(deps),
    { type: 'MergeRequest', id: mr.id, projectId: mr.project_id },
    pusher.id,
    [body],
  );
}
