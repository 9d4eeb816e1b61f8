import type { ColumnType, Generated, SqlBool } from 'kysely';

/**
 * Row types. Columns reuse GitLab's field names. Conventions that keep both dialects identical:
 * timestamps are ISO 8601 strings with milliseconds and `Z` (TEXT on SQLite, timestamptz on
 * PostgreSQL, parsed back to the same string); dates are `YYYY-MM-DD`; booleans read as SqlBool
 * (0/1 on SQLite) and are normalized by entities; JSON is stored as text.
 */
export type Timestamp = string;
type Bool = ColumnType<SqlBool, boolean | undefined, boolean>;
type Json = string;
/** Text with a database default of ''. */
type Text = ColumnType<string, string | undefined, string>;

export interface UsersTable {
  id: Generated<number>;
  username: string;
  name: string;
  email: string;
  state: ColumnType<string, string | undefined, string>;
  admin: Bool;
  bot: Bool;
  user_type: ColumnType<string, string | undefined, string>;
  external: Bool;
  locked: Bool;
  private_profile: Bool;
  can_create_group: Bool;
  projects_limit: ColumnType<number, number | undefined, number>;
  password_digest: string | null;
  password_expires_at: Timestamp | null;
  public_email: string | null;
  commit_email: string | null;
  bio: Text;
  location: Text;
  website_url: Text;
  skype: Text;
  linkedin: Text;
  twitter: Text;
  discord: Text;
  github: Text;
  organization: Text;
  job_title: Text;
  pronouns: string | null;
  note: string | null;
  avatar_url: string | null;
  theme_id: ColumnType<number, number | undefined, number>;
  color_scheme_id: ColumnType<number, number | undefined, number>;
  extern_uid: string | null;
  provider: string | null;
  confirmed_at: Timestamp | null;
  last_sign_in_at: Timestamp | null;
  current_sign_in_at: Timestamp | null;
  last_sign_in_ip: string | null;
  current_sign_in_ip: string | null;
  last_activity_on: string | null;
  created_by_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PersonalAccessTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  description: string | null;
  token_digest: string;
  scopes: Json;
  revoked: Bool;
  impersonation: Bool;
  expires_at: string | null;
  last_used_at: Timestamp | null;
  previous_personal_access_token_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface KeysTable {
  id: Generated<number>;
  user_id: number;
  title: string;
  key: string;
  fingerprint: string;
  fingerprint_sha256: string;
  usage_type: ColumnType<string, string | undefined, string>;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EmailsTable {
  id: Generated<number>;
  user_id: number;
  email: string;
  confirmed_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UserStatusesTable {
  user_id: number;
  emoji: string | null;
  message: string | null;
  availability: ColumnType<string, string | undefined, string>;
  clear_status_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface ApplicationSettingsTable {
  id: number;
  /** Only the settings changed from their defaults, as JSON; defaults live in code. */
  data: Json;
  updated_at: Timestamp;
}

export interface BackgroundJobsTable {
  id: Generated<number>;
  queue: string;
  kind: string;
  payload: Json;
  state: ColumnType<string, string | undefined, string>;
  attempts: ColumnType<number, number | undefined, number>;
  run_at: Timestamp;
  locked_at: Timestamp | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Per-scope iid counters (src/db/internal_ids.ts). */
export interface InternalIdsTable {
  id: Generated<number>;
  usage: string;
  scope_type: string;
  scope_id: number;
  last_value: number;
}

// ---- Namespaces, projects, members (0003_projects_groups) ----------------------------------------

export interface NamespacesTable {
  id: Generated<number>;
  /** 'User' | 'Group' */
  type: string;
  name: string;
  path: string;
  full_path: string;
  full_name: string;
  parent_id: number | null;
  owner_id: number | null;
  /** 0 private, 10 internal, 20 public */
  visibility_level: ColumnType<number, number | undefined, number>;
  description: Text;
  avatar_url: string | null;
  request_access_enabled: Bool;
  share_with_group_lock: Bool;
  require_two_factor_authentication: Bool;
  two_factor_grace_period: ColumnType<number, number | undefined, number>;
  project_creation_level: Text;
  subgroup_creation_level: Text;
  emails_enabled: Bool;
  mentions_disabled: Bool;
  lfs_enabled: Bool;
  auto_devops_enabled: SqlBool | null;
  default_branch: string | null;
  default_branch_protection: ColumnType<number, number | undefined, number>;
  prevent_sharing_groups_outside_hierarchy: Bool;
  pending_delete: Bool;
  marked_for_deletion_on: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface NamespaceHierarchyTable {
  ancestor_id: number;
  descendant_id: number;
  depth: number;
}

export interface ProjectsTable {
  id: Generated<number>;
  namespace_id: number;
  name: string;
  path: string;
  path_with_namespace: string;
  description: string | null;
  visibility_level: ColumnType<number, number | undefined, number>;
  default_branch: string | null;
  archived: Bool;
  issues_access_level: Text;
  repository_access_level: Text;
  merge_requests_access_level: Text;
  forking_access_level: Text;
  wiki_access_level: Text;
  builds_access_level: Text;
  snippets_access_level: Text;
  pages_access_level: Text;
  analytics_access_level: Text;
  container_registry_access_level: Text;
  releases_access_level: Text;
  environments_access_level: Text;
  merge_method: Text;
  squash_option: Text;
  /** Flags and texts no query filters on (JSON; defaults in resources/projects/settings.ts). */
  settings: Text;
  avatar_url: string | null;
  forked_from_project_id: number | null;
  star_count: ColumnType<number, number | undefined, number>;
  creator_id: number | null;
  repository_storage: Text;
  pending_delete: Bool;
  marked_for_deletion_at: string | null;
  /** The repository has no branch (0007_repositories). */
  empty_repo: Bool;
  last_activity_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProjectTopicsTable {
  project_id: number;
  name: string;
}

export interface MembersTable {
  id: Generated<number>;
  /** 'Project' | 'Namespace' */
  source_type: string;
  source_id: number;
  user_id: number;
  access_level: number;
  expires_at: string | null;
  created_by_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupGroupLinksTable {
  id: Generated<number>;
  shared_group_id: number;
  shared_with_group_id: number;
  group_access: number;
  expires_at: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProjectGroupLinksTable {
  id: Generated<number>;
  project_id: number;
  group_id: number;
  group_access: number;
  expires_at: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UsersStarProjectsTable {
  project_id: number;
  user_id: number;
  created_at: Timestamp;
}

export interface RedirectRoutesTable {
  id: Generated<number>;
  /** 'Project' | 'Namespace' */
  source_type: string;
  source_id: number;
  path: string;
  created_at: Timestamp;
}

export interface RateLimitCountersTable {
  key: string;
  /** Unix seconds at which the counting window started. */
  window_start: number;
  count: number;
}

// ---- Labels, milestones, issues, notes, award emoji (0006_issues) --------------------------------

export interface LabelsTable {
  id: Generated<number>;
  title: string;
  color: string;
  description: string | null;
  project_id: number | null;
  group_id: number | null;
  /** 'ProjectLabel' | 'GroupLabel' */
  type: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LabelPrioritiesTable {
  id: Generated<number>;
  project_id: number;
  label_id: number;
  priority: number;
}

export interface MilestonesTable {
  id: Generated<number>;
  iid: number;
  project_id: number | null;
  group_id: number | null;
  title: string;
  description: string | null;
  /** 'active' | 'closed' */
  state: ColumnType<string, string | undefined, string>;
  due_date: string | null;
  start_date: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IssuesTable {
  id: Generated<number>;
  iid: number;
  project_id: number;
  author_id: number | null;
  title: string;
  description: string | null;
  /** 'opened' | 'closed' */
  state: ColumnType<string, string | undefined, string>;
  issue_type: ColumnType<string, string | undefined, string>;
  confidential: Bool;
  discussion_locked: SqlBool | null;
  milestone_id: number | null;
  due_date: string | null;
  weight: number | null;
  relative_position: number | null;
  time_estimate: ColumnType<number, number | undefined, number>;
  total_time_spent: ColumnType<number, number | undefined, number>;
  upvotes_count: ColumnType<number, number | undefined, number>;
  closed_at: Timestamp | null;
  closed_by_id: number | null;
  moved_to_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Sort keys copied from other tables, kept by triggers (migration 0020), never written by code. */
  highest_label_priority: ColumnType<number | null, never, never>;
  milestone_due_date: ColumnType<string | null, never, never>;
}

export interface IssueAssigneesTable {
  issue_id: number;
  user_id: number;
}

export interface LabelLinksTable {
  id: Generated<number>;
  label_id: number;
  /** 'Issue' | 'MergeRequest' */
  target_type: string;
  target_id: number;
  created_at: Timestamp;
  /** The issue's project and state, for links to issues: kept by triggers (migration 0016), never written by code. */
  issue_project_id: ColumnType<number | null, never, never>;
  issue_state: ColumnType<string | null, never, never>;
}

/** SQLite only (migration 0019): a label's issues in a project and state, 2,048 issue ids a row; kept by triggers. */
export interface IssueLabelBitmapsTable {
  label_id: number;
  project_id: number;
  state: string;
  bucket: number;
  bits: Uint8Array;
}

export interface NotesTable {
  id: Generated<number>;
  /** null | 'DiscussionNote' */
  type: string | null;
  note: string;
  noteable_type: string;
  noteable_id: number;
  project_id: number | null;
  author_id: number | null;
  system: Bool;
  internal: Bool;
  discussion_id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** DiffNote only: Gitlab::Diff::Position#to_h as JSON (0014). */
  position: string | null;
  resolved_at: Timestamp | null;
  resolved_by_id: number | null;
}

export interface AwardEmojiTable {
  id: Generated<number>;
  name: string;
  user_id: number;
  awardable_type: string;
  awardable_id: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SubscriptionsTable {
  id: Generated<number>;
  user_id: number;
  subscribable_type: string;
  subscribable_id: number;
  subscribed: Bool;
  created_at: Timestamp;
  updated_at: Timestamp;
}

// ---- Protected branches and tags (0007_repositories) ----------------------------------------------

export interface ProtectedBranchesTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  allow_force_push: Bool;
  code_owner_approval_required: Bool;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProtectedTagsTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProtectedRefAccessLevelsTable {
  id: Generated<number>;
  protected_branch_id: number | null;
  protected_tag_id: number | null;
  /** 'push' | 'merge' | 'unprotect' (branches), 'create' (tags) */
  kind: string;
  access_level: number | null;
  user_id: number | null;
  group_id: number | null;
  created_at: Timestamp;
}

export interface MergeRequestsTable {
  id: Generated<number>;
  iid: number;
  project_id: number;
  source_project_id: number;
  source_branch: string;
  target_branch: string;
  author_id: number | null;
  title: string;
  description: string | null;
  /** 'opened' | 'closed' | 'merged' | 'locked' */
  state: ColumnType<string, string | undefined, string>;
  milestone_id: number | null;
  squash: Bool;
  force_remove_source_branch: SqlBool | null;
  discussion_locked: SqlBool | null;
  merge_commit_sha: string | null;
  squash_commit_sha: string | null;
  merged_commit_sha: string | null;
  diff_base_sha: string | null;
  diff_head_sha: string | null;
  diff_start_sha: string | null;
  merge_user_id: number | null;
  merged_at: Timestamp | null;
  closed_by_id: number | null;
  closed_at: Timestamp | null;
  time_estimate: ColumnType<number, number | undefined, number>;
  total_time_spent: ColumnType<number, number | undefined, number>;
  allow_collaboration: SqlBool | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MergeRequestDiffsTable {
  id: Generated<number>;
  merge_request_id: number;
  state: ColumnType<string, string | undefined, string>;
  head_commit_sha: string;
  base_commit_sha: string | null;
  start_commit_sha: string | null;
  real_size: string | null;
  patch_id_sha: string | null;
  created_at: Timestamp;
}

export interface MergeRequestUsersTable {
  merge_request_id: number;
  user_id: number;
}

export interface MergeRequestReviewersTable extends MergeRequestUsersTable {
  /** When the reviewer was added; rows older than migration 0015 have their merge request's created_at. */
  created_at: ColumnType<Timestamp | null, Timestamp, Timestamp>;
}

export interface ApprovalsTable {
  id: Generated<number>;
  merge_request_id: number;
  user_id: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TodosTable {
  id: Generated<number>;
  user_id: number;
  author_id: number | null;
  project_id: number | null;
  group_id: number | null;
  target_type: string;
  target_id: number;
  action: number;
  state: ColumnType<string, string | undefined, string>;
  body: string | null;
  note_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ResourceEventBase {
  id: Generated<number>;
  user_id: number | null;
  issue_id: number | null;
  merge_request_id: number | null;
  created_at: Timestamp;
}

export interface ResourceLabelEventsTable extends ResourceEventBase {
  label_id: number | null;
  action: string;
}

export interface ResourceMilestoneEventsTable extends ResourceEventBase {
  milestone_id: number | null;
  action: string;
  state: string;
}

export interface ResourceStateEventsTable extends ResourceEventBase {
  state: string;
}

export interface Database {
  users: UsersTable;
  personal_access_tokens: PersonalAccessTokensTable;
  keys: KeysTable;
  emails: EmailsTable;
  user_statuses: UserStatusesTable;
  application_settings: ApplicationSettingsTable;
  background_jobs: BackgroundJobsTable;
  rate_limit_counters: RateLimitCountersTable;
  namespaces: NamespacesTable;
  namespace_hierarchy: NamespaceHierarchyTable;
  projects: ProjectsTable;
  project_topics: ProjectTopicsTable;
  members: MembersTable;
  group_group_links: GroupGroupLinksTable;
  project_group_links: ProjectGroupLinksTable;
  users_star_projects: UsersStarProjectsTable;
  redirect_routes: RedirectRoutesTable;
  protected_branches: ProtectedBranchesTable;
  protected_tags: ProtectedTagsTable;
  protected_ref_access_levels: ProtectedRefAccessLevelsTable;
  internal_ids: InternalIdsTable;
  labels: LabelsTable;
  label_priorities: LabelPrioritiesTable;
  milestones: MilestonesTable;
  issues: IssuesTable;
  issue_assignees: IssueAssigneesTable;
  label_links: LabelLinksTable;
  issue_label_bitmaps: IssueLabelBitmapsTable;
  notes: NotesTable;
  award_emoji: AwardEmojiTable;
  subscriptions: SubscriptionsTable;
  merge_requests: MergeRequestsTable;
  merge_request_assignees: MergeRequestUsersTable;
  merge_request_diffs: MergeRequestDiffsTable;
  merge_request_reviewers: MergeRequestReviewersTable;
  approvals: ApprovalsTable;
  todos: TodosTable;
  commit_statuses: CommitStatusesTable;
  commit_notes: CommitNotesTable;
  resource_label_events: ResourceLabelEventsTable;
  resource_milestone_events: ResourceMilestoneEventsTable;
  resource_state_events: ResourceStateEventsTable;
}

export interface CommitStatusesTable {
  id: Generated<number>;
  project_id: number;
  sha: string;
  ref: string | null;
  name: string;
  status: string;
  target_url: string | null;
  description: string | null;
  coverage: number | null;
  allow_failure: Bool;
  author_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface CommitNotesTable {
  id: Generated<number>;
  project_id: number;
  commit_id: string;
  note: string;
  path: string | null;
  line: number | null;
  line_type: string | null;
  author_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
