import type { Config } from '../../config.js';
import type { User } from '../../http/auth.js';
import { webUrl } from '../../http/urls.js';
import { visibilityName } from '../../permissions/groups.js';
import { can } from '../../permissions/index.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { toNamespaceBasic } from '../namespaces/entity.js';
import { toUserBasic } from '../users/entity.js';
import { type ProjectSettings, readSettings } from './settings.js';

type Cfg = Pick<Config, 'externalUrl'>;

/** Everything an entity needs, loaded for a whole page first (resources/projects/present.ts). */
export interface ProjectView {
  subject: ProjectSubject;
  topics: string[];
  forksCount: number;
  owner: User | null;
  sharedWith: Array<{
    group_id: number;
    group_name: string;
    group_full_path: string;
    group_access_level: number;
    expires_at: string | null;
  }>;
  forkedFrom: ProjectView | null;
  openIssuesCount: number;
}

export const projectWebUrl = (config: Cfg, path: string) => webUrl(config, path);
const apiUrl = (config: Cfg, path: string) => webUrl(config, `api/v4/${path}`);

/** The external URL's host and hostname, parsed once per URL rather than once per entity. */
let parsedUrl: { url: string; host: string; hostname: string } | null = null;
function external(config: Cfg): { host: string; hostname: string } {
  if (parsedUrl?.url !== config.externalUrl) {
    const u = new URL(config.externalUrl);
    parsedUrl = { url: config.externalUrl, host: u.host, hostname: u.hostname };
  }
  return parsedUrl;
}

/** The settings column parsed once per distinct text (most projects share `{}`); read-only. */
const parsedSettings = new Map<string, Readonly<ProjectSettings>>();
function projectSettings(json: string): Readonly<ProjectSettings> {
  let s = parsedSettings.get(json);
  if (!s) {
    s = Object.freeze(readSettings(json));
    if (parsedSettings.size >= 500) parsedSettings.clear();
    parsedSettings.set(json, s);
  }
  return s;
}

function sshUrl(config: Cfg, path: string): string {
  return `git@${external(config).hostname}:${path}.git`;
}

/**
 * lib/api/entities/basic_project_details.rb (simple=true, and anonymous lists), which starts with
 * project_identity.rb. The entities below extend one object in GitLab's field order rather than
 * spreading copies of it.
 */
export function toBasicProjectDetails(config: Cfg, actor: User | null, v: ProjectView) {
  return basicProjectDetails(config, actor, v);
}

type Entity = Record<string, unknown>;

function basicProjectDetails(config: Cfg, actor: User | null, v: ProjectView): Entity {
  const { project, namespace } = v.subject;
  const readCode = can(actor, 'read_code', v.subject);
  const out: Entity = {
    id: project.id,
    description: project.description,
    name: project.name,
    name_with_namespace: `${namespace.full_name} / ${project.name}`,
    path: project.path,
    path_with_namespace: project.path_with_namespace,
    created_at: project.created_at,
  };
  if (readCode) out.default_branch = project.default_branch;
  out.tag_list = v.topics;
  out.topics = v.topics;
  out.ssh_url_to_repo = sshUrl(config, project.path_with_namespace);
  out.http_url_to_repo = webUrl(config, `${project.path_with_namespace}.git`);
  out.web_url = projectWebUrl(config, project.path_with_namespace);
  if (readCode) {
    out.readme_url = null;
    out.forks_count = v.forksCount;
  }
  out.avatar_url = project.avatar_url;
  out.star_count = project.star_count;
  out.last_activity_at = project.last_activity_at;
  out.visibility = visibilityName(project.visibility_level);
  out.namespace = toNamespaceBasic(config, namespace);
  return out;
}

/** A feature's *_enabled flag: `private` counts as on for members and admins. */
function featureOn(level: string, v: ProjectView, actor: User | null): boolean {
  return level === 'disabled' ? false : level === 'enabled' || v.subject.access > 0 || Boolean(actor?.admin);
}

const CONTAINER_EXPIRATION_POLICY = {
  cadence: '1d',
  enabled: false,
  keep_n: 10,
  older_than: '90d',
  name_regex: '.*',
  name_regex_keep: null,
  next_run_at: null,
};

/** lib/api/entities/project.rb */
export function toProject(config: Cfg, actor: User | null, v: ProjectView) {
  return project(config, actor, v);
}

function project(config: Cfg, actor: User | null, v: ProjectView): Entity {
  const { project } = v.subject;
  const s = projectSettings(project.settings);
  const canAdmin = can(actor, 'admin_project', v.subject);
  const issuesOn = can(actor, 'read_issue', v.subject);
  const mrsOn = can(actor, 'read_merge_request', v.subject);
  const self = apiUrl(config, `projects/${project.id}`);
  const links: Record<string, string> = { self };
  if (issuesOn) links.issues = `${self}/issues`;
  if (mrsOn) links.merge_requests = `${self}/merge_requests`;
  links.repo_branches = `${self}/repository/branches`;
  links.labels = `${self}/labels`;
  links.events = `${self}/events`;
  links.members = `${self}/members`;
  links.cluster_agents = `${self}/cluster_agents`;
  const out = basicProjectDetails(config, actor, v);
  out.container_registry_image_prefix =
    `${external(config).host}/${project.path_with_namespace}`.toLowerCase();
  out._links = links;
  out.packages_enabled = s.packages_enabled;
  out.empty_repo = Boolean(project.empty_repo);
  out.archived = Boolean(project.archived);
  out.visibility = visibilityName(project.visibility_level);
  if (v.subject.namespace.type === 'User' && v.owner) out.owner = toUserBasic(config, v.owner);
  out.resolve_outdated_diff_discussions = s.resolve_outdated_diff_discussions;
  out.container_expiration_policy = { ...CONTAINER_EXPIRATION_POLICY };
  out.repository_object_format = 'sha1';
  out.issues_enabled = featureOn(project.issues_access_level, v, actor);
  out.merge_requests_enabled = featureOn(project.merge_requests_access_level, v, actor);
  out.wiki_enabled = featureOn(project.wiki_access_level, v, actor);
  out.jobs_enabled = featureOn(project.builds_access_level, v, actor);
  out.snippets_enabled = featureOn(project.snippets_access_level, v, actor);
  out.container_registry_enabled = featureOn(project.container_registry_access_level, v, actor);
  out.service_desk_enabled = s.service_desk_enabled;
  out.service_desk_address = null;
  out.can_create_merge_request_in = can(actor, 'create_merge_request_in', v.subject);
  out.issues_access_level = project.issues_access_level;
  out.repository_access_level = project.repository_access_level;
  out.merge_requests_access_level = project.merge_requests_access_level;
  out.forking_access_level = project.forking_access_level;
  out.wiki_access_level = project.wiki_access_level;
  out.builds_access_level = project.builds_access_level;
  out.snippets_access_level = project.snippets_access_level;
  out.pages_access_level = project.pages_access_level;
  out.analytics_access_level = project.analytics_access_level;
  out.container_registry_access_level = project.container_registry_access_level;
  out.security_and_compliance_access_level = 'private';
  out.releases_access_level = project.releases_access_level;
  out.environments_access_level = project.environments_access_level;
  out.feature_flags_access_level = 'enabled';
  out.infrastructure_access_level = 'enabled';
  out.monitor_access_level = 'enabled';
  out.model_experiments_access_level = 'enabled';
  out.model_registry_access_level = 'enabled';
  out.emails_disabled = !s.emails_enabled;
  out.emails_enabled = s.emails_enabled;
  out.shared_runners_enabled = s.shared_runners_enabled;
  out.lfs_enabled = s.lfs_enabled;
  out.creator_id = project.creator_id;
  if (v.forkedFrom) out.forked_from_project = basicProjectDetails(config, actor, v.forkedFrom);
  out.mr_default_target_self = s.mr_default_target_self;
  out.import_url = null;
  out.import_type = null;
  out.import_status = 'none';
  if (canAdmin) out.import_error = null;
  if (issuesOn) out.open_issues_count = v.openIssuesCount;
  out.description_html = project.description
    ? `<p data-sourcepos="1:1-1:${project.description.length}" dir="auto">${escapeHtml(project.description)}</p>`
    : '';
  out.updated_at = project.updated_at;
  out.ci_default_git_depth = s.ci_default_git_depth;
  out.ci_forward_deployment_enabled = s.ci_forward_deployment_enabled;
  out.ci_forward_deployment_rollback_allowed = true;
  out.ci_job_token_scope_enabled = s.ci_job_token_scope_enabled;
  out.ci_separated_caches = true;
  out.ci_allow_fork_pipelines_to_run_in_parent_project = true;
  if (canAdmin) out.build_git_strategy = 'fetch';
  out.keep_latest_artifact = s.keep_latest_artifact;
  out.restrict_user_defined_variables = s.restrict_user_defined_variables;
  // gitlab-compat: runners are not implemented; no registration token is issued.
  if (canAdmin) {
    out.runners_token = null;
    out.runner_token_expiration_interval = null;
  }
  out.group_runners_enabled = s.group_runners_enabled;
  out.auto_cancel_pending_pipelines = s.auto_cancel_pending_pipelines;
  out.build_timeout = s.build_timeout;
  out.auto_devops_enabled = s.auto_devops_enabled;
  out.auto_devops_deploy_strategy = s.auto_devops_deploy_strategy;
  if (can(actor, 'read_code', v.subject)) out.ci_config_path = s.ci_config_path;
  out.public_jobs = s.public_jobs;
  out.shared_with_groups = v.sharedWith;
  out.only_allow_merge_if_pipeline_succeeds = s.only_allow_merge_if_pipeline_succeeds;
  out.allow_merge_on_skipped_pipeline = s.allow_merge_on_skipped_pipeline;
  out.request_access_enabled = s.request_access_enabled;
  out.only_allow_merge_if_all_discussions_are_resolved = s.only_allow_merge_if_all_discussions_are_resolved;
  out.remove_source_branch_after_merge = s.remove_source_branch_after_merge;
  out.printing_merge_request_link_enabled = s.printing_merge_request_link_enabled;
  out.merge_method = project.merge_method;
  out.squash_option = project.squash_option;
  out.enforce_auth_checks_on_uploads = s.enforce_auth_checks_on_uploads;
  out.suggestion_commit_message = s.suggestion_commit_message;
  out.merge_commit_template = s.merge_commit_template;
  out.squash_commit_template = s.squash_commit_template;
  out.issue_branch_template = s.issue_branch_template;
  out.warn_about_potentially_unwanted_characters = s.warn_about_potentially_unwanted_characters;
  out.autoclose_referenced_issues = s.autoclose_referenced_issues;
  return out;
}

/** lib/api/entities/project_with_access.rb: Project plus the caller's own levels. */
export function toProjectWithAccess(config: Cfg, actor: User | null, v: ProjectView) {
  const { direct, group } = v.subject;
  const out = project(config, actor, v);
  out.permissions = {
    project_access: direct > 0 ? { access_level: direct, notification_level: 3 } : null,
    group_access: group > 0 ? { access_level: group, notification_level: 3 } : null,
  };
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
