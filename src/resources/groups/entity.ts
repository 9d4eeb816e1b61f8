import type { Config } from '../../config.js';
import { webUrl } from '../../http/urls.js';
import { type Namespace, visibilityName } from '../../permissions/groups.js';

type Cfg = Pick<Config, 'externalUrl'>;

export const groupWebUrl = (config: Cfg, g: Pick<Namespace, 'full_path'>) =>
  webUrl(config, `groups/${g.full_path}`);

/** lib/api/entities/basic_group_details.rb */
export function toBasicGroupDetails(config: Cfg, g: Namespace) {
  return { id: g.id, web_url: groupWebUrl(config, g), name: g.name };
}

/** lib/api/entities/public_group_details.rb */
export function toPublicGroupDetails(config: Cfg, g: Namespace) {
  return {
    ...toBasicGroupDetails(config, g),
    avatar_url: g.avatar_url,
    full_name: g.full_name,
    full_path: g.full_path,
  };
}

const PROTECTION_DEFAULTS: Record<number, object> = {
  0: {
    allowed_to_push: [{ access_level: 30 }],
    allow_force_push: true,
    allowed_to_merge: [{ access_level: 30 }],
  },
  1: {
    allowed_to_push: [{ access_level: 30 }],
    allow_force_push: false,
    allowed_to_merge: [{ access_level: 40 }],
  },
  2: {
    allowed_to_push: [{ access_level: 40 }],
    allow_force_push: false,
    allowed_to_merge: [{ access_level: 40 }],
  },
  3: {
    allowed_to_push: [{ access_level: 40 }],
    allow_force_push: false,
    allowed_to_merge: [{ access_level: 30 }],
  },
  4: {
    allowed_to_push: [{ access_level: 40 }],
    allow_force_push: false,
    allowed_to_merge: [{ access_level: 40 }],
    developer_can_initial_push: true,
  },
};

export interface GroupStatistics {
  storage_size: number;
  repository_size: number;
  wiki_size: number;
  lfs_objects_size: number;
  job_artifacts_size: number;
  pipeline_artifacts_size: number;
  packages_size: number;
  snippets_size: number;
  uploads_size: number;
}

export const emptyStatistics = (): GroupStatistics => ({
  storage_size: 0,
  repository_size: 0,
  wiki_size: 0,
  lfs_objects_size: 0,
  job_artifacts_size: 0,
  pipeline_artifacts_size: 0,
  packages_size: 0,
  snippets_size: 0,
  uploads_size: 0,
});

/** lib/api/entities/group.rb */
export function toGroup(config: Cfg, g: Namespace, opts: { statistics?: GroupStatistics } = {}) {
  return {
    ...toBasicGroupDetails(config, g),
    path: g.path,
    description: g.description,
    visibility: visibilityName(g.visibility_level),
    share_with_group_lock: Boolean(g.share_with_group_lock),
    require_two_factor_authentication: Boolean(g.require_two_factor_authentication),
    two_factor_grace_period: g.two_factor_grace_period,
    project_creation_level: g.project_creation_level,
    auto_devops_enabled: g.auto_devops_enabled === null ? null : Boolean(g.auto_devops_enabled),
    subgroup_creation_level: g.subgroup_creation_level,
    emails_disabled: !g.emails_enabled,
    emails_enabled: Boolean(g.emails_enabled),
    mentions_disabled: Boolean(g.mentions_disabled),
    lfs_enabled: Boolean(g.lfs_enabled),
    archived: false,
    math_rendering_limits_enabled: true,
    lock_math_rendering_limits_enabled: false,
    default_branch: g.default_branch,
    default_branch_protection: g.default_branch_protection,
    default_branch_protection_defaults:
      PROTECTION_DEFAULTS[g.default_branch_protection] ?? PROTECTION_DEFAULTS[2],
    avatar_url: g.avatar_url,
    request_access_enabled: Boolean(g.request_access_enabled),
    full_name: g.full_name,
    full_path: g.full_path,
    created_at: g.created_at,
    parent_id: g.parent_id,
    organization_id: 1,
    shared_runners_setting: 'enabled',
    max_artifacts_size: null,
    ...(opts.statistics ? { statistics: opts.statistics } : {}),
    marked_for_deletion_on: g.marked_for_deletion_on,
  };
}

export interface SharedGroupLink {
  group: Namespace;
  group_access: number;
  expires_at: string | null;
}

/** lib/api/entities/shared_group_with_group.rb */
export function toSharedGroupWithGroup(link: SharedGroupLink) {
  return {
    group_id: link.group.id,
    group_name: link.group.name,
    group_full_path: link.group.full_path,
    group_access_level: link.group_access,
    expires_at: link.expires_at,
  };
}

/** lib/api/entities/group_detail.rb (projects and shared_projects are added by the route when asked). */
export function toGroupDetail(
  config: Cfg,
  g: Namespace,
  opts: { sharedWith: SharedGroupLink[]; canAdmin: boolean },
) {
  return {
    ...toGroup(config, g),
    shared_with_groups: opts.sharedWith.map(toSharedGroupWithGroup),
    // gitlab-compat: runners are not implemented; the token is a stable placeholder.
    ...(opts.canAdmin ? { runners_token: null } : {}),
    ...(g.parent_id === null
      ? { prevent_sharing_groups_outside_hierarchy: Boolean(g.prevent_sharing_groups_outside_hierarchy) }
      : {}),
  };
}
