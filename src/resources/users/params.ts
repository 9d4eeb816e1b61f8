import { ApiError, invalidParams } from '../../http/errors.js';
import { type Infer, type Params, p, parseParams, type Shape } from '../../http/params.js';

/** lib/api/users.rb `optional_attributes`, shared by POST and PUT /users. */
export const ProfileParams = {
  skype: p.string(),
  linkedin: p.string(),
  twitter: p.string(),
  discord: p.string(),
  website_url: p.string(),
  organization: p.string(),
  job_title: p.string(),
  projects_limit: p.integer(),
  extern_uid: p.string(),
  provider: p.string(),
  bio: p.string(),
  location: p.string(),
  pronouns: p.string(),
  public_email: p.string(),
  commit_email: p.string(),
  admin: p.boolean(),
  can_create_group: p.boolean(),
  external: p.boolean(),
  theme_id: p.integer(),
  color_scheme_id: p.integer(),
  private_profile: p.boolean(),
  note: p.string(),
  // gitlab-compat: avatar uploads are accepted and ignored (avatars are not stored yet).
  avatar: p.file(),
};

const SORT_VALUES = ['id', 'name', 'username', 'created_at', 'updated_at'] as const;

/** GET /users (lib/api/users.rb): the CE filters, sort and the admin-only filters. */
export const ListUsers = {
  username: p.string(),
  extern_uid: p.string(),
  provider: p.string(),
  search: p.string(),
  active: p.boolean().default(false),
  humans: p.boolean().default(false),
  external: p.boolean().default(false),
  blocked: p.boolean().default(false),
  created_after: p.datetime(),
  created_before: p.datetime(),
  without_projects: p.boolean().default(false),
  without_project_bots: p.boolean().default(false),
  admins: p.boolean().default(false),
  two_factor: p.string(),
  exclude_active: p.boolean().default(false),
  exclude_external: p.boolean().default(false),
  exclude_humans: p.boolean().default(false),
  exclude_internal: p.boolean().default(false),
  order_by: p.string().values(SORT_VALUES),
  sort: p.string().values(['asc', 'desc']),
};

const CreateHead = {
  email: p.string().required(),
  password: p.string(),
  reset_password: p.boolean(),
  skip_confirmation: p.boolean(),
};
const CreateTail = {
  name: p.string().required(),
  username: p.string().required(),
  force_random_password: p.boolean(),
  ...ProfileParams,
};
export type CreateUserParams = Infer<typeof CreateHead> & Infer<typeof CreateTail>;

export const UpdateUser = {
  id: p.string().required(),
  email: p.string(),
  password: p.string(),
  skip_reconfirmation: p.boolean(),
  name: p.string(),
  username: p.string(),
  ...ProfileParams,
};

function collect<S extends Shape>(shape: S, raw: Params, errors: string[]): Infer<S> | null {
  try {
    return parseParams(shape, raw);
  } catch (err) {
    if (err instanceof ApiError && typeof err.body.error === 'string') {
      errors.push(err.body.error);
      return null;
    }
    throw err;
  }
}

const present = (raw: Params, key: string) => raw[key] !== undefined && raw[key] !== null;

/** Grape's `all_or_none_of :extern_uid, :provider`. */
export function allOrNone(raw: Params, errors: string[]): void {
  if (present(raw, 'extern_uid') !== present(raw, 'provider'))
    errors.push('extern_uid, provider provide all or none of parameters');
}

/**
 * POST /users validates like Grape: in declaration order, with `at_least_one_of :password,
 * :reset_password, :force_random_password` between the head and the tail, every failure joined.
 */
export function parseCreateUser(raw: Params): CreateUserParams {
  const errors: string[] = [];
  const head = collect(CreateHead, raw, errors);
  if (!['password', 'reset_password', 'force_random_password'].some((k) => present(raw, k)))
    errors.push(
      'password, reset_password, force_random_password are missing, at least one parameter must be provided',
    );
  const tail = collect(CreateTail, raw, errors);
  allOrNone(raw, errors);
  if (errors.length > 0 || !head || !tail) throw invalidParams(errors);
  return { ...head, ...tail };
}
