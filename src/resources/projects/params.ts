import { paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { VISIBILITY_NAMES } from '../../permissions/groups.js';
import { featureParams, legacyFeatureParams, settingParams } from './settings.js';

/** Attributes create and update share (doc/api/projects.md). */
const projectAttrs = {
  description: p.string(),
  visibility: p.string().values(VISIBILITY_NAMES),
  default_branch: p.string(),
  topics: p.array(p.string(), { commaSeparated: true }),
  tag_list: p.array(p.string(), { commaSeparated: true }),
  merge_method: p.string().values(['merge', 'rebase_merge', 'ff']),
  squash_option: p.string().values(['never', 'always', 'default_on', 'default_off']),
  ...featureParams,
  ...legacyFeatureParams,
  ...settingParams,
};

export const CreateProject = {
  name: p.string(),
  path: p.string(),
  namespace_id: p.idOrPath(),
  initialize_with_readme: p.boolean(),
  ...projectAttrs,
};

export const CreateProjectForUser = { user_id: p.integer().required(), ...CreateProject };

export const UpdateProject = {
  id: p.idOrPath().required(),
  name: p.string(),
  path: p.string(),
  ...projectAttrs,
};

export const ListProjects = {
  order_by: p
    .string()
    .values([
      'id',
      'name',
      'path',
      'created_at',
      'updated_at',
      'last_activity_at',
      'similarity',
      'star_count',
    ])
    .default('created_at'),
  sort: p.string().values(['asc', 'desc']).default('desc'),
  archived: p.boolean(),
  visibility: p.string().values(VISIBILITY_NAMES),
  search: p.string(),
  search_namespaces: p.boolean(),
  owned: p.boolean(),
  starred: p.boolean(),
  membership: p.boolean(),
  simple: p.boolean(),
  statistics: p.boolean(),
  with_issues_enabled: p.boolean(),
  with_merge_requests_enabled: p.boolean(),
  min_access_level: p.integer().values([10, 15, 20, 30, 40, 50]),
  topic: p.array(p.string(), { commaSeparated: true }),
  topic_id: p.integer(),
  last_activity_after: p.datetime(),
  last_activity_before: p.datetime(),
  id_after: p.integer(),
  id_before: p.integer(),
  with_custom_attributes: p.boolean(),
  ...paginationParams,
};

export const ListGroupProjects = {
  id: p.idOrPath().required(),
  include_subgroups: p.boolean(),
  with_shared: p.boolean().default(true),
  ...ListProjects,
};

export const ForkProject = {
  id: p.idOrPath().required(),
  namespace_id: p.integer(),
  namespace_path: p.string(),
  namespace: p.idOrPath(),
  name: p.string(),
  path: p.string(),
  description: p.string(),
  visibility: p.string().values(VISIBILITY_NAMES),
};

export const ShareProject = {
  id: p.idOrPath().required(),
  group_id: p.integer().required(),
  group_access: p.integer().required().values([10, 15, 20, 30, 40, 50]),
  expires_at: p.date(),
};
