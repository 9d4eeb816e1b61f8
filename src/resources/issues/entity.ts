import type { Config } from '../../config.js';
import { webUrl } from '../../http/urls.js';
import type { Issue } from '../../permissions/issues.js';
import type { Label } from '../labels/entity.js';
import { toLabelBasic } from '../labels/entity.js';
import type { Milestone } from '../milestones/entity.js';
import { toMilestone } from '../milestones/entity.js';
import { toUserBasic, type UserBasicRow } from '../users/entity.js';
import { humanDuration } from './time_tracking.js';

/** Everything a page of issues needs besides the rows, batch-loaded by loadIssueRelations. */
export interface IssueRelations {
  labels: Map<number, Label[]>;
  assignees: Map<number, UserBasicRow[]>;
  users: Map<number, UserBasicRow>;
  milestones: Map<number, Milestone>;
  milestonePaths: (m: Milestone) => string;
  projectPaths: Map<number, string>;
  notesCount: Map<number, number>;
  votes: Map<number, { up: number; down: number }>;
  /** Single issues only: the viewer's subscription. */
  subscribed?: Set<number>;
}

export interface IssuePresenter {
  config: Pick<Config, 'externalUrl'>;
  today: string;
  relations: IssueRelations;
  withLabelsDetails?: boolean;
  /** The project the request is about, for the `relative` reference. */
  contextProjectId?: number;
}

/** Markdown task lists: "- [ ]" and "- [x]" items. */
function taskCompletion(description: string | null) {
  const items = description?.match(/^\s*(?:[-*+]|\d+[.)])\s+\[([ xX])\]/gm) ?? [];
  return { count: items.length, completed_count: items.filter((i) => /\[[xX]\]/.test(i)).length };
}

/** lib/api/entities/issuable_time_stats.rb */
export function toIssuableTimeStats(issue: Issue) {
  return {
    time_estimate: issue.time_estimate,
    total_time_spent: issue.total_time_spent,
    human_time_estimate: humanDuration(issue.time_estimate),
    human_total_time_spent: humanDuration(issue.total_time_spent),
  };
}

type UserBasic = ReturnType<typeof toUserBasic>;
type MilestoneEntity = ReturnType<typeof toMilestone>;

/**
 * The entities many issues of a page share (the same assignee, author or milestone on most rows),
 * built once per page: a user's avatar URL is a SHA-256 of the email. Keyed by the page's relations.
 */
interface SharedEntities {
  users: Map<number, UserBasic>;
  milestones: Map<number, MilestoneEntity>;
}
const shared = new WeakMap<IssueRelations, SharedEntities>();

/** The value for `key`, made once. */
function once<K, V>(
  map: { get(key: K): V | undefined; set(key: K, value: V): unknown },
  key: K,
  make: () => V,
): V {
  const known = map.get(key);
  if (known !== undefined) return known;
  const made = make();
  map.set(key, made);
  return made;
}

const sharedOf = (r: IssueRelations) =>
  once<IssueRelations, SharedEntities>(shared, r, () => ({
    users: new Map(),
    milestones: new Map(),
  }));

const userEntity = (p: IssuePresenter, u: UserBasicRow): UserBasic =>
  once(sharedOf(p.relations).users, u.id, () => toUserBasic(p.config, u));

const userBasic = (p: IssuePresenter, id: number | null) => {
  const u = id === null ? undefined : p.relations.users.get(id);
  return u ? userEntity(p, u) : null;
};

const milestoneEntity = (p: IssuePresenter, m: Milestone): MilestoneEntity =>
  once(sharedOf(p.relations).milestones, m.id, () =>
    toMilestone(p.config, m, p.relations.milestonePaths(m), p.today),
  );

/** lib/api/entities/issue_basic.rb */
export function toIssueBasic(p: IssuePresenter, issue: Issue) {
  const r = p.relations;
  const labels = r.labels.get(issue.id) ?? [];
  const assignees = (r.assignees.get(issue.id) ?? []).map((u) => userEntity(p, u));
  const milestone = issue.milestone_id === null ? undefined : r.milestones.get(issue.milestone_id);
  const path = r.projectPaths.get(issue.project_id) ?? '';
  const votes = r.votes.get(issue.id) ?? { up: 0, down: 0 };
  return {
    id: issue.id,
    iid: issue.iid,
    project_id: issue.project_id,
    title: issue.title,
    description: issue.description,
    state: issue.state,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    closed_by: userBasic(p, issue.closed_by_id),
    labels: p.withLabelsDetails ? labels.map(toLabelBasic) : labels.map((l) => l.title),
    milestone: milestone ? milestoneEntity(p, milestone) : null,
    assignees,
    author: userBasic(p, issue.author_id),
    type: issue.issue_type.toUpperCase(),
    assignee: assignees[0] ?? null,
    user_notes_count: r.notesCount.get(issue.id) ?? 0,
    // gitlab-compat: merge requests are not implemented yet.
    merge_requests_count: 0,
    upvotes: votes.up,
    downvotes: votes.down,
    due_date: issue.due_date,
    confidential: Boolean(issue.confidential),
    discussion_locked: issue.discussion_locked === null ? null : Boolean(issue.discussion_locked),
    issue_type: issue.issue_type,
    web_url: webUrl(p.config, `${path}/-/issues/${issue.iid}`),
    time_stats: toIssuableTimeStats(issue),
    task_completion_status: taskCompletion(issue.description),
  };
}

/** lib/api/entities/issue.rb */
export function toIssue(p: IssuePresenter, issue: Issue) {
  const api = (suffix: string) => webUrl(p.config, `api/v4/projects/${issue.project_id}${suffix}`);
  const path = p.relations.projectPaths.get(issue.project_id) ?? '';
  const tasks = taskCompletion(issue.description);
  return {
    ...toIssueBasic(p, issue),
    has_tasks: tasks.count > 0,
    ...(tasks.count > 0
      ? { task_status: `${tasks.completed_count} of ${tasks.count} checklist items completed` }
      : {}),
    _links: {
      self: api(`/issues/${issue.iid}`),
      notes: api(`/issues/${issue.iid}/notes`),
      award_emoji: api(`/issues/${issue.iid}/award_emoji`),
      project: api(''),
      closed_as_duplicate_of: null,
    },
    references: {
      short: `#${issue.iid}`,
      relative: p.contextProjectId === issue.project_id ? `#${issue.iid}` : `${path}#${issue.iid}`,
      full: `${path}#${issue.iid}`,
    },
    severity: 'UNKNOWN',
    ...(p.relations.subscribed ? { subscribed: p.relations.subscribed.has(issue.id) } : {}),
    moved_to_id: issue.moved_to_id,
    imported: false,
    imported_from: 'none',
    service_desk_reply_to: null,
  };
}
