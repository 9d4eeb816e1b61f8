import type { Config } from '../../config.js';
import type { User } from '../../http/auth.js';
import { webUrl } from '../../http/urls.js';
import { visibilityName } from '../../permissions/groups.js';
import { can } from '../../permissions/index.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { toNamespaceBasic } from '../namespaces/entity.js';
import { toUserBasic } from '../users/entity.js';
import { readSettings } from './settings.js';

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

function sshUrl(config: Cfg, path: string): string {
  const host = new URL(config.externalUrl).hostname;
  return `git@${host}:${path}.git`;
}

/** lib/api/entities/project_identity.rb */
function toProjectIdentity(v: ProjectView) {
  const { project, namespace } = v.subject;
  return {
    id: project.id,
    description: project.description,
    name: project.name,
    name_with_namespace: `${namespace.full_name} / ${project.name}`,
    path: project.path,
    path_with_namespace: project.path_with_namespace,
    created_at: project.created_at,
  };
}

/** lib/api/entities/basic_project_details.rb (simple=true, and anonymous lists). */
export function toBasicProjectDetails(config: Cfg, actor: User | null, v: ProjectView) {
  const { project, namespace } = v.subject;
  const readCode = can(actor, 'read_code', v.subject);
  return {
    ...toProjectIdentity(v),
    ...(readCode ? { default_branch: project.default_branch } : {}),
    tag_list: v.topics,
    topics: v.topics,
    ssh_url_to_repo: sshUrl(config, project.path_with_namespace),
    http_url_to_repo: webUrl(config, `${project.path_with_namespace}.git`),
    web_url: projectWebUrl(config, project.path_with_namespace),
    ...(readCode ? { readme_url: null, forks_count: v.forksCount } : {}),
    avatar_url: project.avatar_url,
    star_count: project.star_count,
    last_activity_at: project.last_activity_at,
    visibility: visibilityName(project.visibility_level),
    namespace: toNamespaceBasic(config, namespace),
  };
}

/** lib/api/entities/project.rb */
export function toProject(config: Cfg, actor: User | null, v: ProjectView) {
  const { project } = v.subject;
  const s = readSettings(project.settings);
  const canAdmin = can(actor, 'admin_project', v.subject);
  const feature = (level: string) =>
    level === 'disabled' ? false : level === 'enabled' || v.subject.access > 0 || Boolean(actor?.admin);
  const issuesOn = can(actor, 'read_issue', v.subject);
  const mrsOn = can(actor, 'read_merge_request', v.subject);
  const links: Record<string, string> = { self: apiUrl(config, `projects/${project.id}`) };
  if (issuesOn) links.issues = apiUrl(config, `projects/${project.id}/issues`);
  if (mrsOn) links.merge_requests = apiUrl(config, `projects/${project.id}/merge_requests`);
  links.repo_branches = apiUrl(config, `projects/${project.id}/repository/branches`);
  links.labels = apiUrl(config, `projects/${project.id}/labels`);
  links.events = apiUrl(config, `projects/${project.id}/events`);
  links.members = apiUrl(config, `projects/${project.id}/members`);
  links.cluster_agents = apiUrl(config, `projects/${project.id}/cluster_agents`);
  return {
    ...toBasicProjectDetails(config, actor, v),
    container_registry_image_prefix:
      `${new URL(config.externalUrl).host}/${project.path_with_namespace}`.toLowerCase(),
    _links: links,
    packages_enabled: s.packages_enabled,
    empty_repo: Boolean(project.empty_repo),
    archived: Boolean(project.archived),
    visibility: visibilityName(project.visibility_level),
    ...(v.subject.namespace.type === 'User' && v.owner ? { owner: toUserBasic(config, v.owner) } : {}),
    resolve_outdated_diff_discussions: s.resolve_outdated_diff_discussions,
    container_expiration_policy: {
      cadence: '1d',
      enabled: false,
      keep_n: 10,
      older_than: '90d',
      name_regex: '.*',
      name_regex_keep: null,
      next_run_at: null,
    },
    repository_object_format: 'sha1',
    issues_enabled: feature(project.issues_access_level),
    merge_requests_enabled: feature(project.merge_requests_access_level),
    wiki_enabled: feature(project.wiki_access_level),
    jobs_enabled: feature(project.builds_access_level),
    snippets_enabled: feature(project.snippets_access_level),
    container_registry_enabled: feature(project.container_registry_access_level),
    service_desk_enabled: s.service_desk_enabled,
    service_desk_address: null,
    can_create_merge_request_in: can(actor, 'create_merge_request_in', v.subject),
    issues_access_level: project.issues_access_level,
    repository_access_level: project.repository_access_level,
    merge_requests_access_level: project.merge_requests_access_level,
    forking_access_level: project.forking_access_level,
    wiki_access_level: project.wiki_access_level,
    builds_access_level: project.builds_access_level,
    snippets_access_level: project.snippets_access_level,
    pages_access_level: project.pages_access_level,
    analytics_access_level: project.analytics_access_level,
    container_registry_access_level: project.container_registry_access_level,
    security_and_compliance_access_level: 'private',
    releases_access_level: project.releases_access_level,
    environments_access_level: project.environments_access_level,
    feature_flags_access_level: 'enabled',
    infrastructure_access_level: 'enabled',
    monitor_access_level: 'enabled',
    model_experiments_access_level: 'enabled',
    model_registry_access_level: 'enabled',
    emails_disabled: !s.emails_enabled,
    emails_enabled: s.emails_enabled,
    shared_runners_enabled: s.shared_runners_enabled,
    lfs_enabled: s.lfs_enabled,
    creator_id: project.creator_id,
    ...(v.forkedFrom ? { forked_from_project: toBasicProjectDetails(config, actor, v.forkedFrom) } : {}),
    mr_default_target_self: s.mr_default_target_self,
    import_url: null,
    import_type: null,
    import_status: 'none',
    ...(canAdmin ? { import_error: null } : {}),
    ...(issuesOn ? { open_issues_count: v.openIssuesCount } : {}),
    description_html: project.description
      ? `<p data-sourcepos="1:1-1:${project.description.length}" dir="auto">${escapeHtml(project.description)}</p>`
      : '',
    updated_at: project.updated_at,
    ci_default_git_depth: s.ci_default_git_depth,
    ci_forward_deployment_enabled: s.ci_forward_deployment_enabled,
    ci_forward_deployment_rollback_allowed: true,
    ci_job_token_scope_enabled: s.ci_job_token_scope_enabled,
    ci_separated_caches: true,
    ci_allow_fork_pipelines_to_run_in_parent_project: true,
    ...(canAdmin ? { build_git_strategy: 'fetch' } : {}),
    keep_latest_artifact: s.keep_latest_artifact,
    restrict_user_defined_variables: s.restrict_user_defined_variables,
    // gitlab-compat: runners are not implemented; no registration token is issued.
    ...(canAdmin ? { runners_token: null, runner_token_expiration_interval: null } : {}),
    group_runners_enabled: s.group_runners_enabled,
    auto_cancel_pending_pipelines: s.auto_cancel_pending_pipelines,
    build_timeout: s.build_timeout,
    auto_devops_enabled: s.auto_devops_enabled,
    auto_devops_deploy_strategy: s.auto_devops_deploy_strategy,
    ...(can(actor, 'read_code', v.subject) ? { ci_config_path: s.ci_config_path } : {}),
    public_jobs: s.public_jobs,
    shared_with_groups: v.sharedWith,
    only_allow_merge_if_pipeline_succeeds: s.only_allow_merge_if_pipeline_succeeds,
    allow_merge_on_skipped_pipeline: s.allow_merge_on_skipped_pipeline,
    request_access_enabled: s.request_access_enabled,
    only_allow_merge_if_all_discussions_are_resolved: s.only_allow_merge_if_all_discussions_are_resolved,
    remove_source_branch_after_merge: s.remove_source_branch_after_merge,
    printing_merge_request_link_enabled: s.printing_merge_request_link_enabled,
    merge_method: project.merge_method,
    squash_option: project.squash_option,
    enforce_auth_checks_on_uploads: s.enforce_auth_checks_on_uploads,
    suggestion_commit_message: s.suggestion_commit_message,
    merge_commit_template: s.merge_commit_template,
    squash_commit_template: s.squash_commit_template,
    issue_branch_template: s.issue_branch_template,
    warn_about_potentially_unwanted_characters: s.warn_about_potentially_unwanted_characters,
    autoclose_referenced_issues: s.autoclose_referenced_issues,
  };
}

/** lib/api/entities/project_with_access.rb: Project plus the caller's own levels. */
export function toProjectWithAccess(config: Cfg, actor: User | null, v: ProjectView) {
  const { direct, group } = v.subject;
  return {
    ...toProject(config, actor, v),
    permissions: {
      project_access: direct > 0 ? { access_level: direct, notification_level: 3 } : null,
      group_access: group > 0 ? { access_level: group, notification_level: 3 } : null,
    },
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
