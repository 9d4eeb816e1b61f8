import { paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';

const labelList = () => p.array(p.string(), { commaSeparated: true });
const usernames = () => p.array(p.string(), { commaSeparated: true });

export const ORDER_BY = [
  'created_at',
  'updated_at',
  'priority',
  'due_date',
  'relative_position',
  'label_priority',
  'milestone_due',
  'popularity',
  'weight',
  'title',
] as const;
export const ISSUE_TYPES = ['issue', 'incident', 'test_case', 'requirement', 'task', 'ticket'] as const;

/** issues_params in lib/api/issues.rb: shared by the three list levels and issues_statistics. */
export const ListIssues = {
  state: p.string().values(['opened', 'closed', 'all']).default('all'),
  labels: labelList(),
  with_labels_details: p.boolean().default(false),
  milestone: p.string(),
  milestone_id: p.string(),
  iids: p.array(p.integer()),
  search: p.string(),
  in: p.string(),
  created_after: p.datetime(),
  created_before: p.datetime(),
  updated_after: p.datetime(),
  updated_before: p.datetime(),
  author_id: p.integer(),
  author_username: p.string(),
  assignee_id: p.string().check((v) => /^\d+$/.test(v) || ['none', 'any'].includes(v.toLowerCase())),
  assignee_username: usernames(),
  scope: p.string().values(['created-by-me', 'assigned-to-me', 'created_by_me', 'assigned_to_me', 'all']),
  my_reaction_emoji: p.string(),
  confidential: p.boolean(),
  issue_type: p.string().values([...ISSUE_TYPES]),
  due_date: p
    .string()
    .values([
      '0',
      'any',
      'today',
      'tomorrow',
      'overdue',
      'week',
      'month',
      'next_month_and_previous_two_weeks',
      '',
    ]),
  not: p.hash(),
  order_by: p
    .string()
    .values([...ORDER_BY])
    .default('created_at'),
  sort: p.string().values(['asc', 'desc']).default('desc'),
  non_archived: p.boolean(),
  ...paginationParams,
};

const issueFields = {
  description: p.string(),
  assignee_ids: p.array(p.integer(), { commaSeparated: true }),
  assignee_id: p.integer(),
  milestone_id: p.integer(),
  labels: labelList(),
  add_labels: labelList(),
  remove_labels: labelList(),
  due_date: p.string().check((v) => v === '' || /^\d{4}-\d{2}-\d{2}$/.test(v)),
  confidential: p.boolean(),
  discussion_locked: p.boolean(),
  issue_type: p.string().values([...ISSUE_TYPES]),
  weight: p.integer(),
};

export const CreateIssue = {
  id: p.idOrPath().required(),
  title: p.string().required(),
  created_at: p.datetime(),
  iid: p.integer(),
  merge_request_to_resolve_discussions_of: p.integer(),
  discussion_to_resolve: p.string(),
  ...issueFields,
};

export const UpdateIssue = {
  id: p.idOrPath().required(),
  issue_iid: p.integer().required(),
  title: p.string(),
  updated_at: p.datetime(),
  created_at: p.datetime(),
  state_event: p.string().values(['reopen', 'close']),
  ...issueFields,
};

/** Grape's at_least_one_of for PUT …/issues/:issue_iid, in its order. */
export const UPDATE_AT_LEAST_ONE = [
  'assignee_id',
  'assignee_ids',
  'confidential',
  'created_at',
  'description',
  'discussion_locked',
  'due_date',
  'labels',
  'add_labels',
  'remove_labels',
  'milestone_id',
  'state_event',
  'title',
  'issue_type',
] as const;
