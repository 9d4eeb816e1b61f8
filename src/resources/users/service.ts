import { randomBytes } from 'node:crypto';
import type { Insertable, Updateable } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { UsersTable } from '../../db/schema.js';
import { equalsIgnoringCase } from '../../db/text.js';
import type { Deps } from '../../deps.js';
import { nowIso } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { conflict, validationFailed } from '../../http/errors.js';
import { hashPassword } from '../../security/passwords.js';
import {
  addError,
  checkEmail,
  checkLength,
  checkName,
  checkPassword,
  checkProjectsLimit,
  checkUsername,
  type Errors,
} from './validation.js';

/** Profile attributes both POST and PUT /users accept (lib/api/users.rb optional_attributes). */
export interface ProfileAttributes {
  skype?: string;
  linkedin?: string;
  twitter?: string;
  discord?: string;
  website_url?: string;
  organization?: string;
  job_title?: string;
  projects_limit?: number;
  extern_uid?: string;
  provider?: string;
  bio?: string;
  location?: string;
  pronouns?: string;
  public_email?: string;
  commit_email?: string;
  admin?: boolean;
  can_create_group?: boolean;
  external?: boolean;
  theme_id?: number;
  color_scheme_id?: number;
  private_profile?: boolean | null;
  note?: string;
}

export interface NewUser extends ProfileAttributes {
  email: string;
  username: string;
  name: string;
  password?: string;
  reset_password?: boolean;
  force_random_password?: boolean;
  skip_confirmation?: boolean;
}

export interface UserChanges extends ProfileAttributes {
  email?: string;
  username?: string;
  name?: string;
  password?: string;
  skip_reconfirmation?: boolean;
}

const PROFILE_TEXT_FIELDS = [
  'skype',
  'linkedin',
  'twitter',
  'discord',
  'website_url',
  'organization',
  'job_title',
  'bio',
  'location',
] as const;

/** User.by_any_email: a primary or secondary address, any case. */
async function emailTaken(db: Db, email: string, exceptUserId?: number): Promise<boolean> {
  const primary = await db
    .selectFrom('users')
    .select('id')
    .where(equalsIgnoringCase('email', email))
    .$if(exceptUserId !== undefined, (q) => q.where('id', '!=', exceptUserId!))
    .executeTakeFirst();
  if (primary) return true;
  const secondary = await db
    .selectFrom('emails')
    .select('id')
    .where(equalsIgnoringCase('email', email))
    .$if(exceptUserId !== undefined, (q) => q.where('user_id', '!=', exceptUserId!))
    .executeTakeFirst();
  return secondary !== undefined;
}

async function usernameTaken(db: Db, username: string, exceptUserId?: number): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where(equalsIgnoringCase('username', username))
    .$if(exceptUserId !== undefined, (q) => q.where('id', '!=', exceptUserId!))
    .executeTakeFirst();
  return row !== undefined;
}

/** Another namespace (a group) already owns the path a user namespace would take. */
async function namespacePathTaken(db: Db, path: string, ownerId?: number): Promise<boolean> {
  const row = await db
    .selectFrom('namespaces')
    .select(['id', 'owner_id', 'type'])
    .where(equalsIgnoringCase('full_path', path))
    .executeTakeFirst();
  return row !== undefined && !(row.type === 'User' && ownerId !== undefined && row.owner_id === ownerId);
}

/** public_email and commit_email must be addresses the user owns (primary, or a confirmed secondary). */
async function checkOwnedEmail(
  db: Db,
  errors: Errors,
  field: 'public_email' | 'commit_email',
  value: string | undefined,
  primary: string,
  userId: number | null,
): Promise<void> {
  if (value === undefined || value === '' || value.toLowerCase() === primary.toLowerCase()) return;
  if (field === 'commit_email' && value === '_private') return;
  const owned =
    userId !== null &&
    (await db
      .selectFrom('emails')
      .select('id')
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is not', null)
      .where(equalsIgnoringCase('email', value))
      .executeTakeFirst());
  if (!owned) addError(errors, field, 'is not an email you own');
}

function checkProfile(errors: Errors, attrs: ProfileAttributes): void {
  for (const field of PROFILE_TEXT_FIELDS) checkLength(errors, field, attrs[field]);
  checkLength(errors, 'pronouns', attrs.pronouns, 50);
  checkLength(errors, 'note', attrs.note, 10_000);
  checkProjectsLimit(errors, attrs.projects_limit);
}

function profileColumns(attrs: ProfileAttributes): Updateable<UsersTable> {
  const cols: Updateable<UsersTable> = {};
  for (const field of PROFILE_TEXT_FIELDS) if (attrs[field] !== undefined) cols[field] = attrs[field];
  if (attrs.pronouns !== undefined) cols.pronouns = attrs.pronouns || null;
  if (attrs.note !== undefined) cols.note = attrs.note;
  if (attrs.projects_limit !== undefined) cols.projects_limit = attrs.projects_limit;
  if (attrs.extern_uid !== undefined) cols.extern_uid = attrs.extern_uid;
  if (attrs.provider !== undefined) cols.provider = attrs.provider;
  if (attrs.public_email !== undefined) cols.public_email = attrs.public_email;
  if (attrs.commit_email !== undefined) cols.commit_email = attrs.commit_email || null;
  if (attrs.admin !== undefined) cols.admin = attrs.admin;
  if (attrs.can_create_group !== undefined) cols.can_create_group = attrs.can_create_group;
  if (attrs.external !== undefined) cols.external = attrs.external;
  if (attrs.theme_id !== undefined) cols.theme_id = attrs.theme_id;
  if (attrs.color_scheme_id !== undefined) cols.color_scheme_id = attrs.color_scheme_id;
  // A null private_profile means the default (false), as GitLab converts it.
  if (attrs.private_profile !== undefined) cols.private_profile = attrs.private_profile ?? false;
  return cols;
}

/** A unique-index violation: another request created the same username or email first. */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Every user owns a namespace named after their username; their personal projects live in it. */
export async function createPersonalNamespace(
  db: Db,
  user: Pick<User, 'id' | 'username' | 'name'>,
  now: string,
) {
  const ns = await db
    .insertInto('namespaces')
    .values({
      type: 'User',
      name: user.name,
      path: user.username,
      full_path: user.username,
      full_name: user.name,
      owner_id: user.id,
      visibility_level: 20,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('namespace_hierarchy')
    .values({ ancestor_id: ns.id, descendant_id: ns.id, depth: 0 })
    .execute();
  return ns.id;
}

/**
 * Users::CreateService as an admin calls it. Validation first; when it fails because the email or
 * username exists GitLab answers 409 with a sentence, otherwise 400 with the model errors.
 */
export async function createUser(deps: Deps, admin: User, input: NewUser): Promise<User> {
  const errors: Errors = {};
  checkName(errors, input.name);
  checkUsername(errors, input.username);
  checkEmail(errors, 'email', input.email);
  const randomPassword = input.force_random_password || input.reset_password;
  if (!randomPassword) checkPassword(errors, input.password ?? '');
  checkProfile(errors, input);
  await checkOwnedEmail(deps.db, errors, 'public_email', input.public_email, input.email, null);
  await checkOwnedEmail(deps.db, errors, 'commit_email', input.commit_email, input.email, null);
  const emailExists = await emailTaken(deps.db, input.email);
  const usernameExists = await usernameTaken(deps.db, input.username);
  if (emailExists) addError(errors, 'email', 'has already been taken');
  if (usernameExists || (await namespacePathTaken(deps.db, input.username)))
    addError(errors, 'username', 'has already been taken');
  if (Object.keys(errors).length > 0) {
    if (emailExists) throw conflict('Email has already been taken');
    if (usernameExists) throw conflict('Username has already been taken');
    throw validationFailed(errors);
  }

  // gitlab-compat: reset_password sends no email (there is no mailer); the password is random until set.
  const password = randomPassword ? randomBytes(24).toString('base64url') : input.password!;
  const digest = await hashPassword(password);
  const now = nowIso(deps);
  const values: Insertable<UsersTable> = {
    ...(profileColumns(input) as Insertable<UsersTable>),
    username: input.username,
    name: input.name,
    email: input.email,
    password_digest: digest,
    confirmed_at: input.skip_confirmation ? now : null,
    created_by_id: admin.id,
    created_at: now,
    updated_at: now,
  };
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const user = await trx.insertInto('users').values(values).returningAll().executeTakeFirstOrThrow();
      await createPersonalNamespace(trx, user, now);
      return user;
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    if (await emailTaken(deps.db, input.email)) throw conflict('Email has already been taken');
    throw conflict('Username has already been taken');
  }
}

/**
 * Users::UpdateService for PUT /users/:id: 409 when the new email or username belongs to someone
 * else, 400 with the model errors otherwise; the user and their namespace change together.
 */
export async function updateUser(deps: Deps, admin: User, user: User, changes: UserChanges): Promise<User> {
  if (changes.email !== undefined && (await emailTaken(deps.db, changes.email, user.id)))
    throw conflict('Email has already been taken');
  if (changes.username !== undefined && (await usernameTaken(deps.db, changes.username, user.id)))
    throw conflict('Username has already been taken');

  const errors: Errors = {};
  if (changes.name !== undefined) checkName(errors, changes.name);
  if (changes.username !== undefined) {
    checkUsername(errors, changes.username);
    if (await namespacePathTaken(deps.db, changes.username, user.id))
      addError(errors, 'username', 'has already been taken');
  }
  if (changes.email !== undefined) checkEmail(errors, 'email', changes.email);
  if (changes.password !== undefined) checkPassword(errors, changes.password);
  checkProfile(errors, changes);
  const primary = changes.email ?? user.email;
  await checkOwnedEmail(deps.db, errors, 'public_email', changes.public_email, primary, user.id);
  await checkOwnedEmail(deps.db, errors, 'commit_email', changes.commit_email, primary, user.id);
  if (Object.keys(errors).length > 0) throw validationFailed(errors);

  const now = nowIso(deps);
  const set: Updateable<UsersTable> = { ...profileColumns(changes), updated_at: now };
  if (changes.name !== undefined) set.name = changes.name;
  if (changes.username !== undefined) set.username = changes.username;
  // gitlab-compat: a new email applies at once (GitLab keeps it unconfirmed until the user confirms it).
  if (changes.email !== undefined) set.email = changes.email;
  if (changes.password !== undefined) {
    set.password_digest = await hashPassword(changes.password);
    // An admin setting someone else's password makes them choose a new one at next sign-in.
    if (admin.id !== user.id) set.password_expires_at = now;
  }
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('users')
        .set(set)
        .where('id', '=', user.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (updated.username !== user.username || updated.name !== user.name)
        await renamePersonalNamespace(trx, user, updated, now);
      return updated;
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    if (changes.email !== undefined && (await emailTaken(deps.db, changes.email, user.id)))
      throw conflict('Email has already been taken');
    throw conflict('Username has already been taken');
  }
}

/** A new username moves the namespace and its projects' paths; the old path redirects. */
async function renamePersonalNamespace(db: Db, before: User, after: User, now: string): Promise<void> {
  const ns = await db
    .selectFrom('namespaces')
    .select('id')
    .where('type', '=', 'User')
    .where('owner_id', '=', before.id)
    .executeTakeFirst();
  if (!ns) return;
  await db
    .updateTable('namespaces')
    .set({
      name: after.name,
      full_name: after.name,
      path: after.username,
      full_path: after.username,
      updated_at: now,
    })
    .where('id', '=', ns.id)
    .execute();
  if (after.username === before.username) return;
  const projects = await db
    .selectFrom('projects')
    .select(['id', 'path'])
    .where('namespace_id', '=', ns.id)
    .execute();
  for (const project of projects) {
    await db
      .updateTable('projects')
      .set({ path_with_namespace: `${after.username}/${project.path}` })
      .where('id', '=', project.id)
      .execute();
  }
  // A path has one redirect at most: the old name now points here, the new one no longer redirects.
  await db
    .deleteFrom('redirect_routes')
    .where((eb) =>
      eb.or([equalsIgnoringCase('path', before.username), equalsIgnoringCase('path', after.username)]),
    )
    .execute();
  await db
    .insertInto('redirect_routes')
    .values({ source_type: 'Namespace', source_id: ns.id, path: before.username, created_at: now })
    .execute();
}

/** User#can_be_removed?: false while the user is the only owner of a group. */
export async function isSoleGroupOwner(db: Db, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('members as m')
    .innerJoin('namespaces as n', 'n.id', 'm.source_id')
    .select('m.source_id')
    .where('m.source_type', '=', 'Namespace')
    .where('n.type', '=', 'Group')
    .where('m.user_id', '=', userId)
    .where('m.access_level', '=', 50)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('members as o')
            .select('o.id')
            .whereRef('o.source_id', '=', 'm.source_id')
            .where('o.source_type', '=', 'Namespace')
            .where('o.access_level', '=', 50)
            .where('o.user_id', '!=', userId),
        ),
      ),
    )
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Users::DestroyService, synchronously and in one transaction: the user's personal namespace and
 * its project records go with them; tokens, keys, emails, status and memberships cascade.
 */
export async function deleteUser(deps: Deps, user: User): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const ns = await trx
      .selectFrom('namespaces')
      .select('id')
      .where('type', '=', 'User')
      .where('owner_id', '=', user.id)
      .execute();
    const nsIds = ns.map((n) => n.id);
    if (nsIds.length > 0) {
      // gitlab-compat: personal projects' repositories stay on disk; only their records are removed.
      const projects = await trx
        .selectFrom('projects')
        .select('id')
        .where('namespace_id', 'in', nsIds)
        .execute();
      const projectIds = projects.map((p) => p.id);
      if (projectIds.length > 0) {
        await trx
          .deleteFrom('members')
          .where('source_type', '=', 'Project')
          .where('source_id', 'in', projectIds)
          .execute();
        await trx.deleteFrom('projects').where('id', 'in', projectIds).execute();
      }
      await trx
        .deleteFrom('redirect_routes')
        .where('source_type', '=', 'Namespace')
        .where('source_id', 'in', nsIds)
        .execute();
      await trx.deleteFrom('namespaces').where('id', 'in', nsIds).execute();
    }
    await trx
      .updateTable('users')
      .set({ created_by_id: null })
      .where('created_by_id', '=', user.id)
      .execute();
    await trx.deleteFrom('users').where('id', '=', user.id).execute();
  });
}

export type UserState = 'active' | 'blocked' | 'deactivated' | 'banned';

/** Moves a user to a new state (block, unblock, activate, deactivate, ban, unban). */
export async function setUserState(deps: Deps, user: User, state: UserState): Promise<void> {
  await deps.db
    .updateTable('users')
    .set({ state, updated_at: nowIso(deps) })
    .where('id', '=', user.id)
    .execute();
}
