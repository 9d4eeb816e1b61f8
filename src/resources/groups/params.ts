import { p } from '../../http/params.js';
import { VISIBILITY_NAMES } from '../../permissions/groups.js';

/** Settings shared by create and update (doc/api/groups.md). */
export const groupSettings = {
  description: p.string(),
  visibility: p.string().values(VISIBILITY_NAMES),
  share_with_group_lock: p.boolean(),
  require_two_factor_authentication: p.boolean(),
  two_factor_grace_period: p.integer(),
  project_creation_level: p.string().values(['noone', 'owner', 'maintainer', 'developer']),
  auto_devops_enabled: p.boolean(),
  subgroup_creation_level: p.string().values(['owner', 'maintainer']),
  emails_disabled: p.boolean(),
  emails_enabled: p.boolean(),
  mentions_disabled: p.boolean(),
  lfs_enabled: p.boolean(),
  request_access_enabled: p.boolean(),
  default_branch: p.string(),
  default_branch_protection: p.integer().values([0, 1, 2, 3, 4]),
  prevent_sharing_groups_outside_hierarchy: p.boolean(),
};

export const CreateGroup = {
  name: p.string().required(),
  path: p.string().required(),
  parent_id: p.integer(),
  ...groupSettings,
};

export const UpdateGroup = {
  id: p.idOrPath().required(),
  name: p.string(),
  path: p.string(),
  ...groupSettings,
};

export const ListGroups = {
  skip_groups: p.array(p.integer()),
  all_available: p.boolean(),
  search: p.string(),
  order_by: p.string().values(['name', 'path', 'id', 'similarity']).default('name'),
  sort: p.string().values(['asc', 'desc']).default('asc'),
  statistics: p.boolean(),
  with_custom_attributes: p.boolean(),
  owned: p.boolean(),
  min_access_level: p.integer().values([5, 10, 15, 20, 30, 40, 50]),
  top_level_only: p.boolean(),
  visibility: p.string().values(VISIBILITY_NAMES),
};

export const ListSubgroups = { id: p.idOrPath().required(), ...ListGroups };

export const ShareGroup = {
  id: p.idOrPath().required(),
  group_id: p.integer().required(),
  group_access: p.integer().required().values([10, 15, 20, 30, 40, 50]),
  expires_at: p.date(),
};
