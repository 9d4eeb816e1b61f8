import { createHash } from 'node:crypto';
import { p } from '../../http/params.js';

/**
 * Project flags and texts that no query filters on. They live in the `settings` JSON column;
 * these are their GitLab defaults and their parameter types (create and update accept them all).
 */
export const SETTING_DEFAULTS = {
  packages_enabled: true,
  resolve_outdated_diff_discussions: false,
  service_desk_enabled: false,
  emails_enabled: true,
  shared_runners_enabled: true,
  lfs_enabled: true,
  request_access_enabled: true,
  only_allow_merge_if_pipeline_succeeds: false,
  allow_merge_on_skipped_pipeline: false,
  only_allow_merge_if_all_discussions_are_resolved: false,
  remove_source_branch_after_merge: true,
  printing_merge_request_link_enabled: true,
  public_jobs: true,
  ci_config_path: null as string | null,
  build_timeout: 3600,
  auto_cancel_pending_pipelines: 'enabled',
  build_coverage_regex: null as string | null,
  ci_default_git_depth: 20,
  ci_forward_deployment_enabled: true,
  ci_job_token_scope_enabled: false,
  suggestion_commit_message: null as string | null,
  merge_commit_template: null as string | null,
  squash_commit_template: null as string | null,
  issue_branch_template: null as string | null,
  autoclose_referenced_issues: true,
  auto_devops_enabled: false,
  auto_devops_deploy_strategy: 'continuous',
  keep_latest_artifact: true,
  restrict_user_defined_variables: false,
  group_runners_enabled: true,
  mr_default_target_self: false,
  enforce_auth_checks_on_uploads: true,
  warn_about_potentially_unwanted_characters: true,
};
export type ProjectSettings = typeof SETTING_DEFAULTS;

export const settingParams = {
  packages_enabled: p.boolean(),
  resolve_outdated_diff_discussions: p.boolean(),
  service_desk_enabled: p.boolean(),
  emails_enabled: p.boolean(),
  emails_disabled: p.boolean(),
  shared_runners_enabled: p.boolean(),
  lfs_enabled: p.boolean(),
  request_access_enabled: p.boolean(),
  only_allow_merge_if_pipeline_succeeds: p.boolean(),
  allow_merge_on_skipped_pipeline: p.boolean(),
  only_allow_merge_if_all_discussions_are_resolved: p.boolean(),
  remove_source_branch_after_merge: p.boolean(),
  printing_merge_request_link_enabled: p.boolean(),
  public_jobs: p.boolean(),
  public_builds: p.boolean(),
  ci_config_path: p.string(),
  build_timeout: p.integer(),
  auto_cancel_pending_pipelines: p.string().values(['enabled', 'disabled']),
  build_coverage_regex: p.string(),
  ci_default_git_depth: p.integer(),
  ci_forward_deployment_enabled: p.boolean(),
  ci_job_token_scope_enabled: p.boolean(),
  suggestion_commit_message: p.string(),
  merge_commit_template: p.string(),
  squash_commit_template: p.string(),
  issue_branch_template: p.string(),
  autoclose_referenced_issues: p.boolean(),
  auto_devops_enabled: p.boolean(),
  auto_devops_deploy_strategy: p.string().values(['continuous', 'manual', 'timed_incremental']),
  keep_latest_artifact: p.boolean(),
  restrict_user_defined_variables: p.boolean(),
  group_runners_enabled: p.boolean(),
  mr_default_target_self: p.boolean(),
  enforce_auth_checks_on_uploads: p.boolean(),
  warn_about_potentially_unwanted_characters: p.boolean(),
};

export function readSettings(json: string): ProjectSettings {
  try {
    return { ...SETTING_DEFAULTS, ...(JSON.parse(json) as Partial<ProjectSettings>) };
  } catch {
    return { ...SETTING_DEFAULTS };
  }
}

/** Picks the settings present in `input` (aliases folded: emails_disabled, public_builds). */
export function settingChanges(input: Record<string, unknown>): Partial<ProjectSettings> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SETTING_DEFAULTS)) if (input[key] !== undefined) out[key] = input[key];
  if (typeof input.emails_disabled === 'boolean') out.emails_enabled = !input.emails_disabled;
  if (typeof input.public_builds === 'boolean') out.public_jobs = input.public_builds;
  return out as Partial<ProjectSettings>;
}

/** Feature access levels stored as columns (policy depends on them). */
export const FEATURES = [
  'issues',
  'repository',
  'merge_requests',
  'forking',
  'wiki',
  'builds',
  'snippets',
  'pages',
  'analytics',
  'container_registry',
  'releases',
  'environments',
] as const;
export type Feature = (typeof FEATURES)[number];
export type FeatureColumn = `${Feature}_access_level`;

const LEVELS = ['enabled', 'private', 'disabled'] as const;
export const featureParams = Object.fromEntries(
  FEATURES.map((f) => [
    `${f}_access_level`,
    p.string().values(f === 'pages' ? [...LEVELS, 'public'] : LEVELS),
  ]),
) as Record<FeatureColumn, ReturnType<typeof p.string>>;

/** The old *_enabled booleans map onto access levels. */
export const LEGACY_FEATURE_FLAGS = {
  issues_enabled: 'issues',
  merge_requests_enabled: 'merge_requests',
  wiki_enabled: 'wiki',
  jobs_enabled: 'builds',
  snippets_enabled: 'snippets',
  container_registry_enabled: 'container_registry',
} as const satisfies Record<string, Feature>;

export const legacyFeatureParams = {
  issues_enabled: p.boolean(),
  merge_requests_enabled: p.boolean(),
  wiki_enabled: p.boolean(),
  jobs_enabled: p.boolean(),
  snippets_enabled: p.boolean(),
  container_registry_enabled: p.boolean(),
};

export function featureChanges(input: Record<string, unknown>): Partial<Record<FeatureColumn, string>> {
  const out: Partial<Record<FeatureColumn, string>> = {};
  for (const [flag, feature] of Object.entries(LEGACY_FEATURE_FLAGS))
    if (typeof input[flag] === 'boolean')
      out[`${feature}_access_level`] = input[flag] ? 'enabled' : 'disabled';
  for (const f of FEATURES) {
    const v = input[`${f}_access_level`];
    if (typeof v === 'string') out[`${f}_access_level`] = v;
  }
  return out;
}

/**
 * Where the project's bare repository lives: hashed by id (GitLab's hashed storage), so renames
 * and transfers never move it. The git layer resolves this under the data folder.
 */
export function repositoryDiskPath(projectId: number): string {
  const h = createHash('sha256').update(String(projectId)).digest('hex');
  return `@hashed/${h.slice(0, 2)}/${h.slice(2, 4)}/${h}.git`;
}
