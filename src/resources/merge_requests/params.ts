import { paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';

const labelList = () => p.array(p.string(), { commaSeparated: true });
const ids = () => p.array(p.integer(), { commaSeparated: true });

/** merge_requests_params in lib/api/merge_requests.rb, shared by the three list levels. */
export const ListMergeRequests = {
  state: p.string().values(['opened', 'closed', 'locked', 'merged', 'all']).default('all'),
  order_by: p
    .string()
    .values([
      'created_at',
      'updated_at',
      'title',
      'merged_at',
      'label_priority',
      'milestone_due',
      'popularity',
    ])
    .default('created_at'),
  sort: p.string().values(['asc', 'desc']).default('desc'),
  milestone: p.string(),
  view: p.string().values(['simple']),
  labels: labelList(),
  with_labels_details: p.boolean().default(false),
  created_after: p.datetime(),
  created_before: p.datetime(),
  updated_after: p.datetime(),
  updated_before: p.datetime(),
  scope: p
    .string()
    .values(['created-by-me', 'assigned-to-me', 'created_by_me', 'assigned_to_me', 'reviews_for_me', 'all']),
  author_id: p.integer(),
  author_username: p.string(),
  assignee_id: p.string().check((v) => /^\d+$/.test(v) || ['none', 'any'].includes(v.toLowerCase())),
  reviewer_id: p.string().check((v) => /^\d+$/.test(v) || ['none', 'any'].includes(v.toLowerCase())),
  source_branch: p.string(),
  target_branch: p.string(),
  search: p.string(),
  in: p.string(),
  wip: p.string().values(['yes', 'no']),
  draft: p.boolean(),
  iids: p.array(p.integer()),
  ...paginationParams,
};

/** optional_params of create and update. */
const Shared = {
  description: p.string(),
  assignee_id: p.integer(),
  assignee_ids: ids(),
  reviewer_ids: ids(),
  milestone_id: p.integer(),
  remove_source_branch: p.boolean(),
  allow_collaboration: p.boolean(),
  allow_maintainer_to_push: p.boolean(),
  squash: p.boolean(),
  discussion_locked: p.boolean(),
};

export const CreateMergeRequest = {
  title: p.string().required(),
  source_branch: p.string().required(),
  target_branch: p.string().required(),
  target_project_id: p.integer(),
  labels: labelList(),
  ...Shared,
};

export const UpdateMergeRequest = {
  title: p.string(),
  target_branch: p.string(),
  state_event: p.string().values(['close', 'reopen']),
  labels: labelList(),
  add_labels: labelList(),
  remove_labels: labelList(),
  ...Shared,
};

export const UPDATE_AT_LEAST_ONE = [
  'assignee_id',
  'assignee_ids',
  'reviewer_ids',
  'description',
  'labels',
  'add_labels',
  'remove_labels',
  'milestone_id',
  'remove_source_branch',
  'allow_collaboration',
  'allow_maintainer_to_push',
  'squash',
  'discussion_locked',
  'state_event',
  'target_branch',
  'title',
] as const;

export const MergeParams = {
  merge_commit_message: p.string(),
  squash_commit_message: p.string(),
  squash: p.boolean(),
  should_remove_source_branch: p.boolean(),
  merge_when_pipeline_succeeds: p.boolean(),
  auto_merge: p.boolean(),
  sha: p.string(),
};
