import { type SelectQueryBuilder, sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { inOneSnapshot, preparedRows } from '../../db/prepared.js';
import type { Database } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import type { Issue } from '../../permissions/issues.js';
import type { Label } from '../labels/entity.js';
import { subscribedIds } from '../labels/subscriptions.js';
import { USER_BASIC_COLUMNS } from '../users/entity.js';
import { type IssuePresenter, type IssueRelations, toIssue, toIssueBasic } from './entity.js';

const unique = (xs: Iterable<number | null>) => [...new Set(xs)].filter((x): x is number => x !== null);

/** Rows grouped by one of their columns, in row order (the column stays on the row: nothing is copied). */
function groupBy<R, K extends keyof R>(rows: readonly R[], key: K): Map<R[K], R[]> {
  const m = new Map<R[K], R[]>();
  for (const r of rows) {
    const list = m.get(r[key]);
    if (list) list.push(r);
    else m.set(r[key], [r]);
  }
  return m;
}

/** Id lists are padded (with -1) to one of these lengths, so a relation query compiles once per length. */
const ID_LIST_LENGTHS = [1, 4, 20, 100];

/**
 * A relation query over a list of ids, compiled once per padded list length and run by
 * preparedRows (on SQLite through the direct reader: no query building per request, and the page's
 * relation reads share one snapshot, see loadIssueRelations). Longer lists run as built.
 */
function byIds<Row>(
  // biome-ignore lint/suspicious/noExplicitAny: any tables, as long as the rows are Row
  build: (db: Db, ids: readonly number[]) => SelectQueryBuilder<Database, any, Row>,
) {
  const prepared = new Map<number, (db: Db, ...ids: number[]) => Promise<Row[]>>();
  return (db: Db, ids: readonly number[]): Promise<Row[]> => {
    const length = ID_LIST_LENGTHS.find((n) => n >= ids.length);
    if (length === undefined) return build(db, ids).execute();
    let run = prepared.get(length);
    if (!run) {
      const sample = Array.from({ length }, (_, i) => -1_000_001 - i);
      run = preparedRows((d: Db, ...xs: number[]) => build(d, xs), sample);
      prepared.set(length, run);
    }
    return run(db, ...ids, ...Array<number>(length - ids.length).fill(-1));
  };
}

const labelsOf = byIds((db, ids) =>
  db
    .selectFrom('label_links')
    .innerJoin('labels', 'labels.id', 'label_links.label_id')
    .selectAll('labels')
    .select('label_links.target_id')
    .where('label_links.target_type', '=', 'Issue')
    .where('label_links.target_id', 'in', ids)
    .orderBy('labels.title'),
);

const assigneesOf = byIds((db, ids) =>
  db
    .selectFrom('issue_assignees')
    .innerJoin('users', 'users.id', 'issue_assignees.user_id')
    .select(USER_BASIC_COLUMNS.map((c) => `users.${c}` as const))
    .select('issue_assignees.issue_id')
    .where('issue_assignees.issue_id', 'in', ids)
    .orderBy('users.id'),
);

const usersOf = byIds((db, ids) => db.selectFrom('users').select(USER_BASIC_COLUMNS).where('id', 'in', ids));

const projectPathsOf = byIds((db, ids) =>
  db.selectFrom('projects').select(['id', 'path_with_namespace']).where('id', 'in', ids),
);

/** Milestones with the path of their project or group (for their web_url), in one query. */
const milestonesWithPaths = byIds((db, ids) =>
  db
    .selectFrom('milestones')
    .leftJoin('projects', 'projects.id', 'milestones.project_id')
    .leftJoin('namespaces', 'namespaces.id', 'milestones.group_id')
    .selectAll('milestones')
    .select(sql<string | null>`coalesce(projects.path_with_namespace, namespaces.full_path)`.as('owner_path'))
    .where('milestones.id', 'in', ids),
);

/** User notes and thumbs up/down per issue, in one query: kind is 'note', 'thumbsup' or 'thumbsdown'. */
const noteAndVoteCounts = byIds((db, ids) =>
  db
    .selectFrom('notes')
    .select([sql<string>`'note'`.as('kind'), 'noteable_id as id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('noteable_type', '=', 'Issue')
    .where('noteable_id', 'in', ids)
    .where('system', '=', false)
    .groupBy('noteable_id')
    .unionAll(
      db
        .selectFrom('award_emoji')
        .select(['name as kind', 'awardable_id as id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('awardable_type', '=', 'Issue')
        .where('awardable_id', 'in', ids)
        .where('name', 'in', ['thumbsup', 'thumbsdown'])
        .groupBy(['awardable_id', 'name']),
    ),
);

/**
 * One query per relation for a whole page of issues (no N+1): labels, assignees, milestones,
 * with their owners' paths, authors and closers, project paths, note and vote counts (and, for one issue, the
 * viewer's subscription). Users are read with the columns their entity shows only.
 */
export async function loadIssueRelations(
  db: Db,
  viewer: User | null,
  issues: readonly Issue[],
  opts: { subscribed?: boolean } = {},
): Promise<IssueRelations> {
  const ids = issues.map((i) => i.id);
  const milestoneIds = unique(issues.map((i) => i.milestone_id));
  const userIds = unique(issues.flatMap((i) => [i.author_id, i.closed_by_id]));
  const projectIds = unique(issues.map((i) => i.project_id));
  const [labelRows, assigneeRows, milestones, users, projects, counts] = await Promise.all(
    inOneSnapshot(
      db,
      () =>
        [
          labelsOf(db, ids),
          assigneesOf(db, ids),
          milestonesWithPaths(db, milestoneIds),
          usersOf(db, userIds),
          projectPathsOf(db, projectIds),
          noteAndVoteCounts(db, ids),
        ] as const,
    ),
  );
  const subscribed = opts.subscribed ? await subscribedIds(db, viewer?.id ?? null, 'Issue', ids) : undefined;
  const notesCount = new Map<number, number>();
  const votes = new Map<number, { up: number; down: number }>();
  for (const c of counts) {
    if (c.kind === 'note') {
      notesCount.set(c.id, Number(c.n));
      continue;
    }
    const v = votes.get(c.id) ?? { up: 0, down: 0 };
    votes.set(c.id, v);
    if (c.kind === 'thumbsup') v.up = Number(c.n);
    else v.down = Number(c.n);
  }
  const milestonePaths = new Map(milestones.map((m) => [m.id, m.owner_path ?? '']));
  return {
    labels: groupBy<Label & { target_id: number }, 'target_id'>(labelRows, 'target_id'),
    assignees: groupBy(assigneeRows, 'issue_id'),
    users: new Map(users.map((u) => [u.id, u])),
    milestones: new Map(milestones.map((m) => [m.id, m])),
    milestonePaths: (m) => milestonePaths.get(m.id) ?? '',
    projectPaths: new Map(projects.map((p) => [p.id, p.path_with_namespace])),
    notesCount,
    votes,
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
