import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { isPostgres } from '../../db/columns.js';
import type { Db } from '../../db/connection.js';
import type { Database } from '../../db/schema.js';
import { equalsIgnoringCase, fuzzySearch, trigramCandidates } from '../../db/text.js';
import type { User } from '../../http/auth.js';
import { COUNT_LIMIT } from '../../http/pagination.js';
import type { Issue } from '../../permissions/issues.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { labelBitmaps, matching } from './label_bitmaps.js';
import { issueVisibility, projectIssueVisibilityOf } from './visibility.js';

type IssueQuery = SelectQueryBuilder<Database, 'issues', Issue>;

/** GitLab's IssuesFinder params, as the API passes them. */
export interface IssueFilters {
  project_id?: number;
  /** The project of project_id as the viewer sees it (findProject), when the caller has it: visibility is then decided without a query. */
  project?: ProjectSubject;
  /** Issues in every project below this group (subgroups included). */
  group_id?: number;
  state?: string;
  labels?: string[];
  milestone?: string;
  scope?: string;
  author_id?: number;
  author_username?: string;
  assignee_id?: string;
  assignee_username?: string[];
  iids?: number[];
  search?: string;
  in?: string;
  created_after?: string;
  created_before?: string;
  updated_after?: string;
  updated_before?: string;
  confidential?: boolean;
  issue_type?: string[];
  my_reaction_emoji?: string;
  due_date?: string;
  not?: NotFilters;
  order_by?: string;
  sort?: string;
}

export interface NotFilters {
  labels?: string[];
  milestone?: string;
  author_id?: number;
  author_username?: string;
  assignee_id?: string;
  assignee_username?: string[];
  iids?: number[];
  my_reaction_emoji?: string;
}

const none = sql<SqlBool>`1 = 0`;
const lower = (s: string) => s.toLowerCase();

/** Label titles → ids, looked up once per request, so the label filters compare ids. */
type LabelIds = ReadonlyMap<string, readonly number[]>;

const isNoneOrAny = (labels: string[]) => labels.length === 1 && ['none', 'any'].includes(lower(labels[0]!));

async function resolveLabels(db: Db, f: IssueFilters): Promise<LabelIds> {
  const titles = [f.labels, f.not?.labels].flatMap((l) => (l?.length && !isNoneOrAny(l) ? l : []));
  const out = new Map<string, number[]>();
  if (!titles.length) return out;
  const rows = await db
    .selectFrom('labels')
    .select(['id', 'title'])
    .where('title', 'in', [...new Set(titles)])
    .execute();
  for (const r of rows) out.set(r.title, [...(out.get(r.title) ?? []), r.id]);
  return out;
}

/** Where the label links of a labels=a,b filter may narrow, from the issue columns they copy. */
interface LinkScope {
  projectId?: number;
  state?: string;
}

/**
 * The issues carrying every label of labels=a,b (None/Any and unknown titles aside): the
 * intersection of each label's links, read in target order off a label index, so the cost follows
 * the labels' sizes, not the project's. Inside one project, only that project's links, and with a
 * state only those in that state (label_links.issue_project_id and issue_state, copied from the issue by
 * triggers: index_label_links_on_label_id_issue_project_state). Distinct target ids (an issue may
 * carry two labels of one title: a project's and its group's), with the state when `withState`.
 */
function labelMatches(sets: readonly (readonly number[])[], scope: LinkScope, withState = false) {
  const narrow = sql.join(
    [
      sql`target_type = 'Issue'`,
      ...(scope.projectId !== undefined ? [sql`issue_project_id = ${scope.projectId}`] : []),
      ...(scope.state ? [sql`issue_state = ${scope.state}`] : []),
    ],
    sql` and `,
  );
  const columns = sql.raw(withState ? 'target_id, issue_state' : 'target_id');
  const distinct = sql.raw(sets.length === 1 && sets[0]!.length > 1 ? 'distinct ' : '');
  const arms = sets.map(
    (ids) =>
      sql`select ${distinct}${columns} from label_links where label_id in (${sql.join(ids)}) and ${narrow}`,
  );
  return sql<{ target_id: number; issue_state: string }>`${sql.join(arms, sql` intersect `)}`;
}

/** The label titles' id sets, or null when the filter is None/Any or names nothing. */
function labelSets(labels: string[], labelIds: LabelIds): number[][] | null {
  if (isNoneOrAny(labels) || !labels.length) return null;
  return labels.map((title) => [...(labelIds.get(title) ?? [])]);
}

/** labels=a,b → every label; None → no label; Any → some label. */
function labelCondition(labels: string[], labelIds: LabelIds, scope: LinkScope = {}): Expression<SqlBool> {
  const issueId = sql.ref('issues.id');
  if (isNoneOrAny(labels)) {
    const linked = sql<SqlBool>`exists (select 1 from label_links where label_links.target_type = 'Issue' and label_links.target_id = ${issueId})`;
    return lower(labels[0]!) === 'none' ? sql<SqlBool>`not ${linked}` : linked;
  }
  const sets = labelSets(labels, labelIds);
  if (!sets) return sql<SqlBool>`1 = 1`;
  if (sets.some((ids) => !ids.length)) return none;
  return sql<SqlBool>`${issueId} in (${labelMatches(sets, scope)})`;
}

function milestoneCondition(db: Db, milestone: string, today: string): Expression<SqlBool> {
  const col = sql.ref('issues.milestone_id');
  switch (lower(milestone)) {
    case 'none':
      return sql<SqlBool>`${col} is null`;
    case 'any':
      return sql<SqlBool>`${col} is not null`;
    case 'upcoming': {
      // The soonest active milestone due after today, per project (and group), as GitLab picks it.
      const soonest = db
        .selectFrom('milestones as m')
        .select('m.id')
        .where('m.state', '=', 'active')
        .where('m.due_date', '>', today)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('milestones as o')
                .select('o.id')
                .where('o.state', '=', 'active')
                .where('o.due_date', '>', today)
                .whereRef('o.due_date', '<', 'm.due_date')
                .where(
                  sql<SqlBool>`coalesce(o.project_id, -1) = coalesce(m.project_id, -1) and coalesce(o.group_id, -1) = coalesce(m.group_id, -1)`,
                ),
            ),
          ),
        );
      return sql<SqlBool>`${col} in (${soonest})`;
    }
    case 'started': {
      const started = db
        .selectFrom('milestones')
        .select('id')
        .where('state', '=', 'active')
        .where('start_date', '<=', today);
      return sql<SqlBool>`${col} in (${started})`;
    }
    default:
      return sql<SqlBool>`${col} in (${db.selectFrom('milestones').select('id').where('title', '=', milestone)})`;
  }
}

const userIdByName = (db: Db, username: string) =>
  db.selectFrom('users').select('id').where(equalsIgnoringCase('username', username));

function assigneeCondition(
  db: Db,
  assigneeId: string | undefined,
  usernames: string[] | undefined,
): Expression<SqlBool> {
  const issueId = sql.ref('issues.id');
  const assigned = db.selectFrom('issue_assignees').select('issue_id');
  const anyAssignee = sql<SqlBool>`exists (select 1 from issue_assignees where issue_assignees.issue_id = ${issueId})`;
  const parts: Expression<SqlBool>[] = [];
  if (assigneeId !== undefined) {
    if (lower(assigneeId) === 'none') parts.push(sql<SqlBool>`not ${anyAssignee}`);
    else if (lower(assigneeId) === 'any') parts.push(anyAssignee);
    else parts.push(sql<SqlBool>`${issueId} in (${assigned.where('user_id', '=', Number(assigneeId))})`);
  }
  for (const name of usernames ?? [])
    parts.push(sql<SqlBool>`${issueId} in (${assigned.where('user_id', 'in', userIdByName(db, name))})`);
  return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` and `)})` : sql<SqlBool>`1 = 1`;
}

function reactionCondition(db: Db, viewer: User | null, name: string): Expression<SqlBool> {
  if (!viewer) return none;
  const awarded = db
    .selectFrom('award_emoji')
    .select('awardable_id')
    .where('awardable_type', '=', 'Issue')
    .where('user_id', '=', viewer.id);
  const issueId = sql.ref('issues.id');
  if (lower(name) === 'none') return sql<SqlBool>`${issueId} not in (${awarded})`;
  if (lower(name) === 'any') return sql<SqlBool>`${issueId} in (${awarded})`;
  return sql<SqlBool>`${issueId} in (${awarded.where('name', '=', name)})`;
}

/** The positive filters; `not[...]` reuses them negated. */
function conditions(
  db: Db,
  viewer: User | null,
  f: IssueFilters | NotFilters,
  today: string,
  labelIds: LabelIds,
  scope: LinkScope = {},
): Expression<SqlBool>[] {
  const out: Expression<SqlBool>[] = [];
  if (f.labels?.length) out.push(labelCondition(f.labels, labelIds, scope));
  if (f.milestone !== undefined) out.push(milestoneCondition(db, f.milestone, today));
  if (f.author_id !== undefined) out.push(sql<SqlBool>`${sql.ref('issues.author_id')} = ${f.author_id}`);
  if (f.author_username !== undefined)
    out.push(sql<SqlBool>`${sql.ref('issues.author_id')} in (${userIdByName(db, f.author_username)})`);
  if (f.assignee_id !== undefined || f.assignee_username?.length)
    out.push(assigneeCondition(db, f.assignee_id, f.assignee_username));
  if (f.iids?.length) out.push(sql<SqlBool>`${sql.ref('issues.iid')} in (${sql.join(f.iids)})`);
  if (f.my_reaction_emoji !== undefined) out.push(reactionCondition(db, viewer, f.my_reaction_emoji));
  return out;
}

const scopeCondition = (
  db: Db,
  viewer: User | null,
  scope: string | undefined,
): Expression<SqlBool> | null => {
  const s = scope?.replace(/-/g, '_');
  if (!s || s === 'all') return null;
  if (!viewer) return none;
  if (s === 'created_by_me') return sql<SqlBool>`${sql.ref('issues.author_id')} = ${viewer.id}`;
  return sql<SqlBool>`${sql.ref('issues.id')} in (${db.selectFrom('issue_assignees').select('issue_id').where('user_id', '=', viewer.id)})`;
};

/**
 * search= and in=. On SQLite the trigram index (issue_search, migration 0018) names the candidates
 * first, so neither the page nor its count tests every issue; PostgreSQL's trigram indexes serve
 * the LIKE conditions themselves.
 */
function searchCondition(db: Db, f: IssueFilters): Expression<SqlBool> | null {
  if (!f.search) return null;
  const fields = (f.in ?? 'title,description').split(',').map((s) => s.trim());
  const columns = (['title', 'description'] as const).filter((c) => fields.includes(c));
  const condition = fuzzySearch(
    columns.map((c) => `issues.${c}`),
    f.search,
  );
  const candidates = isPostgres(db) ? null : trigramCandidates(columns, f.search);
  if (!condition || !candidates) return condition;
  return sql<SqlBool>`(${sql.ref('issues.id')} in (select rowid from issue_search where issue_search match ${candidates}) and ${condition})`;
}

function dueDateCondition(f: IssueFilters, today: string): Expression<SqlBool> | null {
  if (!f.due_date) return null;
  const col = sql.ref('issues.due_date');
  const plus = (days: number) =>
    new Date(Date.parse(`${today}T00:00:00Z`) + days * 864e5).toISOString().slice(0, 10);
  switch (f.due_date) {
    case '0':
    case 'none':
      return sql<SqlBool>`${col} is null`;
    case 'any':
      return sql<SqlBool>`${col} is not null`;
    case 'today':
      return sql<SqlBool>`${col} = ${today}`;
    case 'tomorrow':
      return sql<SqlBool>`${col} = ${plus(1)}`;
    case 'overdue':
      return sql<SqlBool>`${col} < ${today}`;
    case 'week':
      return sql<SqlBool>`(${col} >= ${today} and ${col} <= ${plus(7)})`;
    case 'month':
      return sql<SqlBool>`(${col} >= ${today} and ${col} <= ${plus(30)})`;
    case 'next_month_and_previous_two_weeks':
      return sql<SqlBool>`(${col} >= ${plus(-14)} and ${col} <= ${plus(30)})`;
    default:
      return null;
  }
}

/**
 * How far the label links of a labels=a,b (or not[labels]) filter narrow, from the issue columns
 * they copy (label_links.issue_project_id and issue_state: the links of an issue in project P and
 * state S all carry P and S, so the narrowing never changes which issues match).
 * index_label_links_on_label_id_issue_project_state answers (label, project, state) in target
 * order, which INTERSECT merges; (label, project) alone comes in (state, target) order, which two
 * or more labels would have to sort: there the plain label index (label, target) serves better.
 * Without a project, a state is read off the same index's entries (covering, no row lookup), in
 * (project, state, target) order: for one label title only.
 */
function linkScope(
  projectId: number | undefined,
  state: string | undefined,
  sets: number[][] | null,
): LinkScope {
  if (projectId !== undefined) return state || sets?.length === 1 ? { projectId, state } : {};
  return state && sets?.length === 1 ? { state } : {};
}

/** Project ids in a group's whole subtree. */
const groupProjects = (db: Db, groupId: number) =>
  db
    .selectFrom('projects')
    .select('id')
    .where('pending_delete', '=', false)
    .where(
      'namespace_id',
      'in',
      db.selectFrom('namespace_hierarchy').select('descendant_id').where('ancestor_id', '=', groupId),
    );

/**
 * Every filter but the order, as conditions on `issues`: lists, counts and statistics (which count
 * by state, so pass no state) share them. Two lookups first, each one query whatever the page size:
 * the label titles' ids, and, inside one project, what the viewer may see there. `labels` is the
 * labels=a,b condition alone, so a count can drive from the label links instead (see
 * issueCountQuery); `rest` is everything else; `onlyProject` says that `rest` only names the project
 * (the viewer sees all its issues, nothing else filters, and the label links carry both).
 */
async function issueConditions(db: Db, viewer: User | null, f: IssueFilters, today: string, state?: string) {
  const labelIds = await resolveLabels(db, f);
  // A project's list decides once for the project; anything else (or a project_id without its
  // subject) takes the general condition, which is the same rules in SQL.
  const visibility =
    f.project && f.project.project.id === f.project_id
      ? projectIssueVisibilityOf(db, viewer, f.project)
      : issueVisibility(db, viewer);
  const col = (name: string) => sql.ref(`issues.${name}`);
  const filters: (Expression<SqlBool> | null)[] = [
    f.group_id !== undefined
      ? sql<SqlBool>`${col('project_id')} in (${groupProjects(db, f.group_id)})`
      : null,
    f.confidential !== undefined ? sql<SqlBool>`${col('confidential')} = ${f.confidential}` : null,
    f.created_after !== undefined ? sql<SqlBool>`${col('created_at')} >= ${f.created_after}` : null,
    f.created_before !== undefined ? sql<SqlBool>`${col('created_at')} <= ${f.created_before}` : null,
    f.updated_after !== undefined ? sql<SqlBool>`${col('updated_at')} >= ${f.updated_after}` : null,
    f.updated_before !== undefined ? sql<SqlBool>`${col('updated_at')} <= ${f.updated_before}` : null,
    f.issue_type?.length ? sql<SqlBool>`${col('issue_type')} in (${sql.join(f.issue_type)})` : null,
    ...conditions(db, viewer, { ...f, labels: undefined }, today, labelIds),
    ...(f.not
      ? conditions(db, viewer, { ...f.not, labels: undefined }, today, labelIds).map(
          (c) => sql<SqlBool>`not (${c})`,
        )
      : []),
    scopeCondition(db, viewer, f.scope),
    searchCondition(db, f),
    dueDateCondition(f, today),
  ];
  const others = filters.filter((c): c is Expression<SqlBool> => c !== null);
  const sets = f.labels?.length ? labelSets(f.labels, labelIds) : null;
  const scope = linkScope(f.project_id, state, sets);
  const projectAndState = [
    ...(f.project_id !== undefined ? [sql<SqlBool>`${col('project_id')} = ${f.project_id}`] : []),
    ...(state ? [sql<SqlBool>`${col('state')} = ${state}`] : []),
  ];
  const projectOnly = f.project_id !== undefined && !visibility && others.length === 0;
  const notSets = f.not?.labels?.length ? labelSets(f.not.labels, labelIds) : null;
  if (f.not?.labels?.length) {
    // not[labels]: the same narrowing, so the set tested against every walked issue holds only
    // the links of issues that can be on the page at all.
    const notScope = linkScope(f.project_id, state, notSets);
    others.push(sql<SqlBool>`not (${labelCondition(f.not.labels, labelIds, notScope)})`);
  }
  const rest = [...(visibility ? [visibility] : []), ...projectAndState, ...others];
  return {
    labels: f.labels?.length ? labelCondition(f.labels, labelIds, scope) : null,
    /** The label id sets of labels=a,b when it names labels that all exist, else null. */
    labelSets: sets,
    /**
     * not[labels]'s id sets when nothing but the project, the state, labels=a,b and not[labels]
     * filter (the viewer sees every issue there) and its titles all name labels, else null.
     */
    notLabelSets: projectOnly && notSets?.every((ids) => ids.length) ? notSets : null,
    projectAndState,
    scope,
    rest,
    /** Nothing but the project (and the state) filters: the viewer sees every issue there. */
    projectOnly: projectOnly && !f.not?.labels?.length,
    /** projectOnly, and the label links are narrowed to the project already. */
    onlyProject: projectOnly && !f.not?.labels?.length && scope.projectId !== undefined,
  };
}

const all = (conds: readonly Expression<SqlBool>[]) =>
  conds.length ? sql<SqlBool>`${sql.join(conds, sql` and `)}` : sql<SqlBool>`1 = 1`;

type Conditions = Awaited<ReturnType<typeof issueConditions>>;

const issuesWhere = (db: Db, c: Conditions): IssueQuery =>
  db
    .selectFrom('issues')
    .selectAll('issues')
    .where(all(c.labels ? [...c.rest, c.labels] : c.rest));

/**
 * The label matches of labels=a,b as a table `matched`, or null: target_id, and issue_state where
 * the project's label index covers it (onlyProject's statistics read it); elsewhere reading it
 * would cost a row lookup per link.
 */
function matchedLinks(c: Conditions) {
  const sets = c.labelSets;
  if (!sets || sets.some((ids) => !ids.length)) return null;
  return sql<{
    target_id: number;
    issue_state: string;
  }>`(${labelMatches(sets, c.scope, c.scope.projectId !== undefined)})`.as('matched');
}

/**
 * The rows a list's total counts (capped by paginate). With labels=a,b it starts from the labels'
 * matching links: when nothing but the project filters (a member's or an admin's list), it counts
 * them off the label index alone; otherwise it looks up only those issues for the other filters
 * and the visibility (the cross join keeps SQLite from walking the project's issues instead). Its
 * cost follows the matches, not the project. Otherwise the list's own query.
 */
function issueCountQuery(db: Db, c: Conditions) {
  const matched = matchedLinks(c);
  if (!matched) return issuesWhere(db, c);
  if (c.onlyProject) return db.selectFrom(matched).select(sql<number>`1`.as('one'));
  return db
    .selectFrom(matched)
    .crossJoin('issues')
    .select(sql<number>`1`.as('one'))
    .where(sql<SqlBool>`${sql.ref('issues.id')} = ${sql.ref('matched.target_id')}`)
    .where(all(c.rest));
}

/** countByState for labels=a,b in one project, from the label bitmaps (see bitmapList), or null. */
async function countByStateFromBitmaps(db: Db, c: Conditions, f: IssueFilters) {
  const sets = c.labelSets;
  if (f.project_id === undefined || !sets || sets.some((ids) => !ids.length)) return null;
  const rows = await labelBitmaps(db, f.project_id, sets);
  if (!rows) return null;
  if (c.projectOnly)
    return ['opened', 'closed'].map((state) => ({
      state,
      n: matching(
        rows.filter((r) => r.state === state),
        sets,
      ).count,
    }));
  const matches = matching(rows, sets);
  if (matches.count > IDS_IN_QUERY) return null;
  return lookedUp(db, matches.ids(), c)
    .select(['issues.state', sql<number>`count(*)`.as('n')])
    .groupBy('issues.state')
    .execute();
}

/** Issue counts by state over the filters, the way issueCountQuery finds the rows. */
async function countByState(db: Db, c: Conditions): Promise<{ state: string; n: number }[]> {
  const matched = matchedLinks(c);
  const n = sql<number>`count(*)`.as('n');
  if (matched && c.onlyProject)
    return db
      .selectFrom(matched)
      .select([sql<string>`matched.issue_state`.as('state'), n])
      .groupBy(sql`matched.issue_state`)
      .execute();
  const q = matched
    ? db
        .selectFrom(matched)
        .crossJoin('issues')
        .where(sql<SqlBool>`${sql.ref('issues.id')} = ${sql.ref('matched.target_id')}`)
        .where(all(c.rest))
    : db.selectFrom('issues').where(all(c.labels ? [...c.rest, c.labels] : c.rest));
  return q.select(['issues.state', n]).groupBy('issues.state').execute();
}

// Copied onto the issue by triggers (migration 0020), so these orders walk an index.
const labelPriority = sql.ref('issues.highest_label_priority');
const milestoneDueDate = sql.ref('issues.milestone_due_date');
const nullsLast = (e: unknown) => sql`case when ${e} is null then 1 else 0 end`;

/** order_by + sort; columns that may be empty sort their nulls last; ties by id. */
// biome-ignore lint/suspicious/noExplicitAny: the order applies to any query whose rows are issues
function sorted<Q extends SelectQueryBuilder<any, any, Issue>>(q: Q, f: IssueFilters): Q {
  const { order_by: orderBy = 'created_at', sort = 'desc' } = f;
  const dir = sort === 'asc' ? 'asc' : 'desc';
  // A list of one or a few named milestones holds one due date or a few: walking the due-date
  // index would pass every issue of the later milestones first, so the list's issues are sorted
  // instead (an expression no index has).
  const named =
    f.milestone !== undefined && !['none', 'any', 'upcoming', 'started'].includes(lower(f.milestone));
  const milestoneDue = named ? sql`coalesce(${milestoneDueDate}, ${milestoneDueDate})` : milestoneDueDate;
  const simple: Record<string, string> = {
    created_at: 'issues.created_at',
    updated_at: 'issues.updated_at',
    title: 'issues.title',
    popularity: 'issues.upvotes_count',
  };
  const nullable: Record<string, unknown> = {
    due_date: sql.ref('issues.due_date'),
    relative_position: sql.ref('issues.relative_position'),
    weight: sql.ref('issues.weight'),
    label_priority: labelPriority,
    milestone_due: milestoneDue,
  };
  let out = q;
  if (simple[orderBy]) out = out.orderBy(sql.ref(simple[orderBy]!), dir) as Q;
  else if (orderBy === 'priority')
    out = out
      .orderBy(nullsLast(milestoneDue))
      .orderBy(milestoneDue, dir)
      .orderBy(nullsLast(labelPriority))
      .orderBy(labelPriority, dir) as Q;
  else if (nullable[orderBy])
    out = out.orderBy(nullsLast(nullable[orderBy])).orderBy(nullable[orderBy] as never, dir) as Q;
  return out.orderBy(sql.ref('issues.id'), dir) as Q;
}

/** GitLab's IssuesFinder: visibility first, then the filters, then the order (ties by id). */
export async function findIssues(
  db: Db,
  viewer: User | null,
  f: IssueFilters,
  today: string,
): Promise<IssueQuery> {
  return (await findIssueList(db, viewer, f, today)).page;
}

/** At most this many label matches are read into the page query as ids (see findIssueList). */
const FEW_MATCHES = 100;

/** What a list's total counts (paginate's `count`). */
type CountQuery = ReturnType<typeof issueCountQuery>;
type IssueCount = number | CountQuery | ((rows: readonly Issue[]) => number | CountQuery);

/** A list's page query and what its total counts. */
type IssueList = { page: IssueQuery; count: IssueCount };

/** The rows of findIssueList's one-statement page: every issue row carries the total of matches. */
type IssueWithTotal = Issue & { matches_total: number | string };

/**
 * findIssues, and what its total counts (for paginate's `count`): a query, the total itself, or
 * how to read it off the page's rows.
 * Inside one project on SQLite, labels=a,b and not[labels] are answered from the label bitmaps
 * (bitmapList, notLabelsList). Elsewhere (PostgreSQL, group and instance lists):
 * a page walks the order's index and stops after a page of matches, which is quick when matches
 * are common and reads the whole project when they are rare (a common and a rare label). So with
 * labels=a,b the first few label matches are read first: if there are no more than FEW_MATCHES,
 * the page is those issues by id (a lookup each, then the sort) and, when the label links alone
 * answer the filters (onlyProject), the total is their number. With more, and the label links alone
 * answering, one statement reads the page and counts the matches: the intersection of the labels'
 * links is computed once (a materialized CTE), walked for the page and counted for the total,
 * instead of once by the page and again by a count.
 */
export async function findIssueList(
  db: Db,
  viewer: User | null,
  f: IssueFilters,
  today: string,
): Promise<IssueList> {
  const state = f.state === 'opened' || f.state === 'closed' ? f.state : undefined;
  const c = await issueConditions(db, viewer, f, today, state);
  const fromBitmaps = (await notLabelsList(db, c, f, state)) ?? (await bitmapList(db, c, f, state));
  if (fromBitmaps) return fromBitmaps;
  const matched = matchedLinks(c);
  if (matched) {
    const found = await db
      .selectFrom(matched)
      .select(sql<number>`matched.target_id`.as('id'))
      .limit(FEW_MATCHES + 1)
      .execute();
    if (found.length <= FEW_MATCHES) {
      // Those matches are all there is: the page and its total look them up by id, rather than
      // intersect the labels' links again.
      const ids = found.map((r) => r.id);
      if (!ids.length) return { page: issuesWhere(db, c).where(none), count: 0 };
      // The cross join keeps SQLite from walking the project's order index instead of the ids.
      const byId = sql<{
        target_id: number;
      }>`(select id as target_id from issues where id in (${sql.join(ids)}))`;
      const page = db
        .selectFrom(byId.as('matched'))
        .crossJoin('issues')
        .selectAll('issues')
        .where(sql<SqlBool>`${sql.ref('issues.id')} = ${sql.ref('matched.target_id')}`)
        .where(all(c.rest));
      return { page: sorted(page, f), count: c.onlyProject ? found.length : page };
    }
    if (c.onlyProject && c.labelSets) {
      const links = db
        .selectFrom(sql<{ target_id: number }>`(${labelMatches(c.labelSets, c.scope)})`.as('links'))
        .select('links.target_id');
      const page = db
        .with(
          (cte) => cte('matched').materialized(),
          () => links,
        )
        .selectFrom('issues')
        .selectAll('issues')
        .select(sql<number | string>`(select count(*) from matched)`.as('matches_total'))
        .where(all([...c.rest, sql<SqlBool>`${sql.ref('issues.id')} in (select target_id from matched)`]));
      const count = (rows: readonly Issue[]) =>
        rows.length ? Number((rows[0] as IssueWithTotal).matches_total) : issueCountQuery(db, c);
      return { page: sorted(page as unknown as IssueQuery, f), count };
    }
  }
  return { page: sorted(issuesWhere(db, c), f), count: issueCountQuery(db, c) };
}

/** At most this many label matches go to the page query as a list of ids; see bitmapList. */
const IDS_IN_QUERY = 5000;

/** `issues.id` among the ids, bound as one JSON array. */
const idIn = (ids: readonly number[]) =>
  sql<SqlBool>`${sql.ref('issues.id')} in (select value from json_each(${JSON.stringify(ids)}))`;

/**
 * The issues among the ids that pass the other filters, each looked up by id (the cross join keeps
 * SQLite from walking an index of the project's, or the author's, issues instead).
 */
const lookedUp = (db: Db, ids: readonly number[], c: Conditions) =>
  db
    .selectFrom(
      sql<{ id: number }>`(select value as id from json_each(${JSON.stringify(ids)}))`.as('matched'),
    )
    .crossJoin('issues')
    .where(sql<SqlBool>`${sql.ref('issues.id')} = ${sql.ref('matched.id')}`)
    .where(all(c.rest));

/**
 * labels=a,b inside one project, on SQLite: the label bitmaps (label_bitmaps.ts) name the matching
 * issues, so neither the page nor its total merges the labels' links. When nothing else filters
 * (projectOnly) the total is their number, and a page of more than a few walks its order's index
 * testing each issue against the ids (a bloom filter, then a list SQLite builds once; with
 * IDS_IN_QUERY or more, matches are common enough that the plain label condition finds a page after
 * a few issues). Otherwise, and for a few, each match is looked up, filtered and sorted. null where
 * the bitmaps do not answer (PostgreSQL, lists of more than one project, a title naming no label).
 */
async function bitmapList(
  db: Db,
  c: Conditions,
  f: IssueFilters,
  state: string | undefined,
): Promise<IssueList | null> {
  const sets = c.labelSets;
  if (f.project_id === undefined || !sets || sets.some((ids) => !ids.length)) return null;
  const rows = await labelBitmaps(db, f.project_id, sets, state);
  if (!rows) return null;
  const matches = matching(rows, sets);
  if (c.projectOnly && matches.count > IDS_IN_QUERY)
    return { page: sorted(issuesWhere(db, c), f), count: matches.count };
  return matches.count > IDS_IN_QUERY ? null : pageOfIds(db, c, f, matches.ids());
}

/** bitmapList's page and total for the matching ids (at most IDS_IN_QUERY). */
function pageOfIds(db: Db, c: Conditions, f: IssueFilters, ids: readonly number[]): IssueList {
  if (!ids.length) return { page: issuesWhere(db, c).where(none), count: 0 };
  if (c.projectOnly && ids.length > FEW_MATCHES) {
    const page = db
      .selectFrom('issues')
      .selectAll('issues')
      .where(all([...c.rest, idIn(ids)]));
    return { page: sorted(page, f), count: ids.length };
  }
  const page = lookedUp(db, ids, c).selectAll('issues') as unknown as IssueQuery;
  return { page: sorted(page, f), count: c.projectOnly ? ids.length : page };
}

/**
 * not[labels]=a,b inside one project, on SQLite, when nothing else filters but the project, the
 * state and labels=a,b: the issues left are counted from the label bitmaps instead of testing every
 * issue of the project against the labels' links. With labels=a,b, the matches are those of a,b
 * less those of a,b and the excluded labels, both from bitmaps. Without, the total is the project's
 * issues (counted up to what x-total shows, C42) less the excluded ones, and the page walks its
 * order's index probing each issue's links, which finds a page quickly unless nearly every issue is
 * excluded; then (and elsewhere) null.
 */
async function notLabelsList(
  db: Db,
  c: Conditions,
  f: IssueFilters,
  state: string | undefined,
): Promise<IssueList | null> {
  const notSets = c.notLabelSets;
  if (f.project_id === undefined || !notSets) return null;
  const carries = (ids: readonly number[]) =>
    sql<SqlBool>`exists (select 1 from label_links where label_links.target_type = 'Issue' and label_links.target_id = ${sql.ref('issues.id')} and label_links.label_id in (${sql.join(ids)}))`;
  const notCarrying = sql<SqlBool>`not (${all(notSets.map(carries))})`;
  if (c.labelSets) {
    if (c.labelSets.some((ids) => !ids.length)) return null;
    const rows = await labelBitmaps(db, f.project_id, [...c.labelSets, ...notSets], state);
    if (!rows) return null;
    const kept = matching(rows, c.labelSets);
    const dropped = matching(rows, [...c.labelSets, ...notSets]);
    const left = kept.count - dropped.count;
    if (left <= IDS_IN_QUERY) {
      const gone = new Set(dropped.ids());
      const ids = kept.ids().filter((id) => !gone.has(id));
      return pageOfIds(db, { ...c, rest: c.projectAndState, projectOnly: true }, f, ids);
    }
    // Many matches: the page walks its order's index probing each issue's links.
    const page = db
      .selectFrom('issues')
      .selectAll('issues')
      .where(all([...c.projectAndState, ...c.labelSets.map(carries), notCarrying]));
    return { page: sorted(page, f), count: left };
  }
  const rows = await labelBitmaps(db, f.project_id, notSets, state);
  if (!rows) return null;
  const excluded = matching(rows, notSets).count;
  const upTo = COUNT_LIMIT + 1 + excluded;
  const inProject = await db
    .selectFrom(
      db.selectFrom('issues').select(sql`1`.as('one')).where(all(c.projectAndState)).limit(upTo).as('capped'),
    )
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  const left = Number(inProject.n) - excluded;
  // Fewer than one issue in 50 left: a walked page would probe too many issues for each it keeps.
  if (left * 50 < Number(inProject.n)) return null;
  const page = db
    .selectFrom('issues')
    .selectAll('issues')
    .where(all([...c.projectAndState, notCarrying]));
  return {
    page: sorted(page, f),
    count: Number(inProject.n) >= upTo ? COUNT_LIMIT + 1 : left,
  };
}

/** issues_statistics: counts by state over the same filters (the list's state aside). */
export async function issueStatistics(db: Db, viewer: User | null, f: IssueFilters, today: string) {
  const c = await issueConditions(db, viewer, f, today);
  const rows = (await countByStateFromBitmaps(db, c, f)) ?? (await countByState(db, c));
  const count = (s: string) => Number(rows.find((r) => r.state === s)?.n ?? 0);
  const opened = count('opened');
  const closed = count('closed');
  return { statistics: { counts: { all: opened + closed, closed, opened } } };
}
