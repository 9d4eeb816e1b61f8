import type { Db } from '../../db/connection.js';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import type { Issue } from '../../permissions/issues.js';
import type { Label } from '../labels/entity.js';
import { subscribedIds } from '../labels/subscriptions.js';
import { milestoneOwnerPaths } from '../milestones/finder.js';
import { type IssuePresenter, type IssueRelations, toIssue, toIssueBasic } from './entity.js';

const group = <K, V>(pairs: Array<[K, V]>) => {
  const m = new Map<K, V[]>();
  for (const [k, v] of pairs) m.set(k, [...(m.get(k) ?? []), v]);
  return m;
};

/** One query per relation for a whole page of issues (no N+1). */
export async function loadIssueRelations(
  db: Db,
  viewer: User | null,
  issues: readonly Issue[],
  opts: { subscribed?: boolean } = {},
): Promise<IssueRelations> {
  const ids = issues.map((i) => i.id);
  const some = ids.length ? ids : [-1];
  const [labelRows, assigneeRows, milestones, projects, notes, votes, subscribed] = await Promise.all([
    db
      .selectFrom('label_links')
      .innerJoin('labels', 'labels.id', 'label_links.label_id')
      .selectAll('labels')
      .select('label_links.target_id')
      .where('label_links.target_type', '=', 'Issue')
      .where('label_links.target_id', 'in', some)
      .orderBy('labels.title')
      .execute(),
    db
      .selectFrom('issue_assignees')
      .innerJoin('users', 'users.id', 'issue_assignees.user_id')
      .selectAll('users')
      .select('issue_assignees.issue_id')
      .where('issue_assignees.issue_id', 'in', some)
      .orderBy('users.id')
      .execute(),
    db
      .selectFrom('milestones')
      .selectAll()
      .where(
        'id',
        'in',
        [...new Set(issues.flatMap((i) => (i.milestone_id === null ? [] : [i.milestone_id])))].concat(-1),
      )
      .execute(),
    db
      .selectFrom('projects')
      .select(['id', 'path_with_namespace'])
      .where('id', 'in', [...new Set(issues.map((i) => i.project_id))].concat(-1))
      .execute(),
    db
      .selectFrom('notes')
      .select(['noteable_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('noteable_type', '=', 'Issue')
      .where('noteable_id', 'in', some)
      .where('system', '=', false)
      .groupBy('noteable_id')
      .execute(),
    db
      .selectFrom('award_emoji')
      .select(['awardable_id', 'name', (eb) => eb.fn.countAll<number>().as('n')])
      .where('awardable_type', '=', 'Issue')
      .where('awardable_id', 'in', some)
      .where('name', 'in', ['thumbsup', 'thumbsdown'])
      .groupBy(['awardable_id', 'name'])
      .execute(),
    opts.subscribed ? subscribedIds(db, viewer?.id ?? null, 'Issue', ids) : Promise.resolve(undefined),
  ]);
  const userIds = [
    ...new Set(issues.flatMap((i) => [i.author_id, i.closed_by_id]).filter((x): x is number => x !== null)),
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
    assignees: group(assigneeRows.map(({ issue_id, ...u }) => [issue_id, u as User])),
    users: new Map(users.map((u) => [u.id, u])),
    milestones: new Map(milestones.map((m) => [m.id, m])),
    milestonePaths: await milestoneOwnerPaths(db, milestones),
    projectPaths: new Map(projects.map((p) => [p.id, p.path_with_namespace])),
    notesCount: new Map(notes.map((n) => [n.noteable_id, Number(n.n)])),
    votes: voteMap,
    subscribed,
  };
}

const today = (deps: Deps) => deps.clock.now().toISOString().slice(0, 10);

/** A page of issues as IssueBasic. */
export async function presentIssueList(
  deps: Deps,
  viewer: User | null,
  issues: readonly Issue[],
  opts: { withLabelsDetails?: boolean; contextProjectId?: number } = {},
) {
  const relations = await loadIssueRelations(deps.db, viewer, issues);
  const p: IssuePresenter = { config: deps.config, today: today(deps), relations, ...opts };
  return issues.map((i) => toIssueBasic(p, i));
}

/** One issue as the full Issue entity (with the viewer's subscription). */
export async function presentIssue(deps: Deps, viewer: User | null, issue: Issue) {
  const relations = await loadIssueRelations(deps.db, viewer, [issue], { subscribed: true });
  return toIssue(
    { config: deps.config, today: today(deps), relations, contextProjectId: issue.project_id },
    issue,
  );
}
