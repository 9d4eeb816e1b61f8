import type { Db } from '../../db/connection.js';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import type { MergeRequest } from '../../permissions/merge_requests.js';
import type { Label } from '../labels/entity.js';
import { subscribedIds } from '../labels/subscriptions.js';
import { milestoneOwnerPaths } from '../milestones/finder.js';
import { blockedByDiscussions } from './discussion_state.js';
import {
  type MergeRequestPresenter,
  type MergeRequestRelations,
  toMergeRequest,
  toMergeRequestBasic,
  toMergeRequestSimple,
} from './entity.js';
import { type MergeRequestGitState, mergeRequestGitStates } from './git_state.js';

const group = <K, V>(pairs: Array<[K, V]>) => {
  const m = new Map<K, V[]>();
  for (const [k, v] of pairs) m.set(k, [...(m.get(k) ?? []), v]);
  return m;
};

const usersOf = (db: Db, table: 'merge_request_assignees' | 'merge_request_reviewers', ids: number[]) =>
  db
    .selectFrom(table)
    .innerJoin('users', 'users.id', `${table}.user_id`)
    .selectAll('users')
    .select(`${table}.merge_request_id`)
    .where(`${table}.merge_request_id`, 'in', ids)
    .orderBy('users.id')
    .execute();

/** One query per relation for a whole page (no N+1); git state for every MR of the page, in parallel. */
export async function loadMergeRequestRelations(
  deps: Deps,
  mrs: readonly MergeRequest[],
  opts: { withChanges?: boolean } = {},
): Promise<MergeRequestRelations> {
  const db = deps.db;
  const some = mrs.length ? mrs.map((m) => m.id) : [-1];
  const [labelRows, assigneeRows, reviewerRows, milestones, projects, notes, votes, gitStates, blocked] =
    await Promise.all([
      db
        .selectFrom('label_links')
        .innerJoin('labels', 'labels.id', 'label_links.label_id')
        .selectAll('labels')
        .select('label_links.target_id')
        .where('label_links.target_type', '=', 'MergeRequest')
        .where('label_links.target_id', 'in', some)
        .orderBy('labels.title')
        .execute(),
      usersOf(db, 'merge_request_assignees', some),
      usersOf(db, 'merge_request_reviewers', some),
      db
        .selectFrom('milestones')
        .selectAll()
        .where(
          'id',
          'in',
          [...new Set(mrs.flatMap((m) => (m.milestone_id === null ? [] : [m.milestone_id])))].concat(-1),
        )
        .execute(),
      db
        .selectFrom('projects')
        .select(['id', 'path_with_namespace', 'merge_method'])
        .where('id', 'in', [...new Set(mrs.map((m) => m.project_id))].concat(-1))
        .execute(),
      db
        .selectFrom('notes')
        .select(['noteable_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('noteable_type', '=', 'MergeRequest')
        .where('noteable_id', 'in', some)
        .where('system', '=', false)
        .groupBy('noteable_id')
        .execute(),
      db
        .selectFrom('award_emoji')
        .select(['awardable_id', 'name', (eb) => eb.fn.countAll<number>().as('n')])
        .where('awardable_type', '=', 'MergeRequest')
        .where('awardable_id', 'in', some)
        .where('name', 'in', ['thumbsup', 'thumbsdown'])
        .groupBy(['awardable_id', 'name'])
        .execute(),
      mergeRequestGitStates(deps, mrs, opts),
      blockedByDiscussions(db, mrs),
    ]);
  const userIds = [
    ...new Set(
      mrs
        .flatMap((m) => [m.author_id, m.closed_by_id, m.merge_user_id])
        .filter((x): x is number => x !== null),
    ),
  ];
  const users = userIds.length
    ? await db.selectFrom('users').selectAll().where('id', 'in', userIds).execute()
    : [];
  const voteMap = new Map<number, { up: number; down: number }>();
  for (const v of votes) {
    const e = voteMap.get(v.awardable_id) ?? { up: 0, down: 0 };
    if (v.name === 'thumbsup') e.up = Number(v.n);
    else e.down = Number(v.n);
    voteMap.set(v.awardable_id, e);
  }
  return {
    labels: group(labelRows.map(({ target_id, ...l }) => [target_id, l as Label])),
    assignees: group(assigneeRows.map(({ merge_request_id, ...u }) => [merge_request_id, u as User])),
    reviewers: group(reviewerRows.map(({ merge_request_id, ...u }) => [merge_request_id, u as User])),
    users: new Map(users.map((u) => [u.id, u])),
    milestones: new Map(milestones.map((m) => [m.id, m])),
    milestonePaths: await milestoneOwnerPaths(db, milestones),
    projectPaths: new Map(projects.map((p) => [p.id, p.path_with_namespace])),
    mergeMethods: new Map(projects.map((p) => [p.id, p.merge_method])),
    notesCount: new Map(notes.map((n) => [n.noteable_id, Number(n.n)])),
    votes: voteMap,
    git: gitStates,
    blockedByDiscussions: blocked,
  };
}

const today = (deps: Deps) => deps.clock.now().toISOString().slice(0, 10);

/** A page of merge requests as MergeRequestBasic (or MergeRequestSimple for view=simple). */
export async function presentMergeRequestList(
  deps: Deps,
  mrs: readonly MergeRequest[],
  opts: { simple?: boolean; withLabelsDetails?: boolean; contextProjectId?: number } = {},
) {
  if (opts.simple) {
    const projects = await deps.db
      .selectFrom('projects')
      .select(['id', 'path_with_namespace'])
      .where('id', 'in', [...new Set(mrs.map((m) => m.project_id))].concat(-1))
      .execute();
    const paths = new Map(projects.map((p) => [p.id, p.path_with_namespace]));
    return mrs.map((m) => toMergeRequestSimple(deps.config, paths.get(m.project_id) ?? '', m));
  }
  const relations = await loadMergeRequestRelations(deps, mrs);
  const p: MergeRequestPresenter = { config: deps.config, today: today(deps), relations, ...opts };
  return mrs.map((m) => toMergeRequestBasic(p, m));
}

/** One merge request as the full MergeRequest entity. */
export async function presentMergeRequest(
  deps: Deps,
  viewer: User | null,
  mr: MergeRequest,
  canMerge: (git: MergeRequestGitState | undefined) => Promise<boolean>,
) {
  const relations = await loadMergeRequestRelations(deps, [mr], { withChanges: true });
  const subscribed = await subscribedIds(deps.db, viewer?.id ?? null, 'MergeRequest', [mr.id]);
  return toMergeRequest(
    { config: deps.config, today: today(deps), relations, contextProjectId: mr.project_id },
    mr,
    {
      subscribed: subscribed.has(mr.id),
      canMerge: await canMerge(relations.git.get(mr.id)),
    },
  );
}
