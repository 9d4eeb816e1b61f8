import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Config } from '../../config.js';
import type { EmailsTable, KeysTable, UserStatusesTable } from '../../db/schema.js';
import type { User } from '../../http/auth.js';
import { escapeHtml } from '../../http/html.js';
import { webUrl } from '../../http/urls.js';
import { can } from '../../permissions/index.js';

/**
 * Everything the user entities need besides the row, loaded once per request for a whole page
 * (see loadUserRelations in finder.ts): no query per row.
 */
export interface UserRelations {
  /** users.id → the id of the user's personal namespace. */
  namespaceIds: Map<number, number>;
  /** users.id → the admin who created the user. */
  creators: Map<number, User>;
}

export interface Presenter {
  config: Pick<Config, 'externalUrl'>;
  viewer: User | null;
  relations: UserRelations;
}

export const noRelations = (): UserRelations => ({ namespaceIds: new Map(), creators: new Map() });

/** Gravatar URLs by email: a SHA-256 each, for every user in every list; bounded, oldest dropped. */
const gravatars = new Map<string, string>();
const GRAVATARS_KEPT = 10_000;

/** Without an uploaded avatar GitLab shows the Gravatar of the primary email. */
export function avatarUrl(user: Pick<User, 'avatar_url' | 'email'>): string {
  if (user.avatar_url) return user.avatar_url;
  const known = gravatars.get(user.email);
  if (known !== undefined) return known;
  const hash = createHash('sha256').update(user.email.trim().toLowerCase()).digest('hex');
  const url = `https://www.gravatar.com/avatar/${hash}?s=80&d=identicon`;
  if (gravatars.size >= GRAVATARS_KEPT) gravatars.delete(gravatars.keys().next().value as string);
  gravatars.set(user.email, url);
  return url;
}

/** The columns toUserBasic reads: lists that show many users select only these (users rows are wide). */
export const USER_BASIC_COLUMNS = [
  'id',
  'username',
  'name',
  'state',
  'locked',
  'avatar_url',
  'email',
] as const;
export type UserBasicRow = Pick<User, (typeof USER_BASIC_COLUMNS)[number]>;

/** lib/api/entities/user_safe.rb */
export function toUserSafe(user: Pick<User, 'id' | 'username' | 'name'>) {
  return { id: user.id, username: user.username, name: user.name };
}

/** lib/api/entities/user_basic.rb */
export function toUserBasic(config: Pick<Config, 'externalUrl'>, user: UserBasicRow) {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: user.state,
    locked: Boolean(user.locked),
    avatar_url: avatarUrl(user),
    web_url: webUrl(config, user.username),
  };
}

/** UsersHelper#work_information: "Job title at Organization", either alone, or null. */
function workInformation(user: User): string | null {
  if (user.job_title && user.organization) return `${user.job_title} at ${user.organization}`;
  return user.job_title || user.organization || null;
}

/**
 * The richer user entities extend each other as GitLab's classes do (User < UserBasic, UserPublic <
 * User, UserWithAdmin < UserPublic, …). Each level writes its fields into one object, in GitLab's
 * order, rather than spreading the level below: lists of 100 admin entities would otherwise copy
 * every field four times.
 */
type Entity = Record<string, unknown>;

function writeUserBasic(o: Entity, config: Pick<Config, 'externalUrl'>, user: User): void {
  o.id = user.id;
  o.username = user.username;
  o.name = user.name;
  o.state = user.state;
  o.locked = Boolean(user.locked);
  o.avatar_url = avatarUrl(user);
  o.web_url = webUrl(config, user.username);
}

/** lib/api/entities/user.rb: profile details, some only when the profile is visible to the viewer. */
function writeUser(o: Entity, p: Presenter, user: User): void {
  const profile = can(p.viewer, 'read_user_profile', user);
  writeUserBasic(o, p.config, user);
  if (profile) o.created_at = user.created_at;
  o.bio = user.bio;
  o.location = user.location;
  o.public_email = user.public_email ?? '';
  o.skype = user.skype;
  o.linkedin = user.linkedin;
  o.twitter = user.twitter;
  o.discord = user.discord;
  o.website_url = user.website_url;
  o.organization = user.organization;
  o.job_title = user.job_title;
  o.pronouns = user.pronouns;
  o.bot = Boolean(user.bot);
  o.work_information = workInformation(user);
  // gitlab-compat: following users is not implemented; counts are always 0.
  if (profile) {
    o.followers = 0;
    o.following = 0;
  }
  if (profile && p.viewer) o.is_followed = false;
  // gitlab-compat: users have no time zone yet, so local_time is null.
  o.local_time = null;
}

/** lib/api/entities/identity.rb */
function identities(user: User) {
  return user.provider && user.extern_uid ? [{ provider: user.provider, extern_uid: user.extern_uid }] : [];
}

/** User#commit_email_or_default: `_private` stands for the user's no-reply address. */
function commitEmail(config: Pick<Config, 'externalUrl'>, user: User): string {
  if (user.commit_email === '_private')
    return `${user.id}-${user.username}@users.noreply.${new URL(config.externalUrl).hostname}`;
  return user.commit_email ?? user.email;
}

/** lib/api/entities/user_public.rb: what a user sees of themself (GET /user). */
function writeUserPublic(o: Entity, p: Presenter, user: User): void {
  writeUser(o, p, user);
  o.last_sign_in_at = user.last_sign_in_at;
  o.confirmed_at = user.confirmed_at;
  o.last_activity_on = user.last_activity_on;
  o.email = user.email;
  o.theme_id = user.theme_id;
  o.color_scheme_id = user.color_scheme_id;
  o.projects_limit = user.projects_limit;
  o.current_sign_in_at = user.current_sign_in_at;
  o.identities = identities(user);
  o.can_create_group = Boolean(user.can_create_group);
  o.can_create_project = user.projects_limit > 0 && !user.external;
  // gitlab-compat: two-factor authentication is not implemented.
  o.two_factor_enabled = false;
  o.external = Boolean(user.external);
  o.private_profile = Boolean(user.private_profile);
  o.commit_email = commitEmail(p.config, user);
}

/** lib/api/entities/user_with_admin.rb */
function writeUserWithAdmin(o: Entity, p: Presenter, user: User): void {
  const creator = user.created_by_id === null ? undefined : p.relations.creators.get(user.created_by_id);
  writeUserPublic(o, p, user);
  o.is_admin = Boolean(user.admin);
  o.note = user.note;
  o.namespace_id = p.relations.namespaceIds.get(user.id) ?? null;
  o.created_by = creator ? toUserBasic(p.config, creator) : null;
  o.email_reset_offered_at = null;
}

export function toUser(p: Presenter, user: User): Entity {
  const o: Entity = {};
  writeUser(o, p, user);
  return o;
}

export function toUserPublic(p: Presenter, user: User): Entity {
  const o: Entity = {};
  writeUserPublic(o, p, user);
  return o;
}

export function toUserWithAdmin(p: Presenter, user: User): Entity {
  const o: Entity = {};
  writeUserWithAdmin(o, p, user);
  return o;
}

/** lib/api/entities/user_details_with_admin.rb */
export function toUserDetailsWithAdmin(p: Presenter, user: User, highestRole: number): Entity {
  const o: Entity = {};
  writeUserWithAdmin(o, p, user);
  o.highest_role = highestRole;
  o.current_sign_in_ip = user.current_sign_in_ip;
  o.last_sign_in_ip = user.last_sign_in_ip;
  // gitlab-compat: web sign-ins are not counted.
  o.sign_in_count = 0;
  return o;
}

export type KeyRow = Selectable<KeysTable>;

/**
 * lib/api/entities/ssh_key.rb. `key` is Key#publishable_key: the comment (which may hold an email
 * address) is replaced by the owner's name and the host.
 */
export function toSSHKey(config: Pick<Config, 'externalUrl'>, key: KeyRow, owner: Pick<User, 'name'>) {
  const host = new URL(config.externalUrl).hostname;
  return {
    id: key.id,
    title: key.title,
    created_at: key.created_at,
    expires_at: key.expires_at,
    key: [...key.key.split(/\s+/).slice(0, 2), `${owner.name} (${host})`].join(' '),
    usage_type: key.usage_type,
  };
}

export type EmailRow = Selectable<EmailsTable>;

/** lib/api/entities/email.rb */
export function toEmail(row: EmailRow) {
  return { id: row.id, email: row.email, confirmed_at: row.confirmed_at };
}

export type UserStatusRow = Selectable<UserStatusesTable>;

/** lib/api/entities/user_status.rb; a user without a status answers every field empty. */
export function toUserStatus(row: UserStatusRow | undefined) {
  // gitlab-compat: message_html is the escaped message; emoji shortcodes in it are not turned into <gl-emoji>.
  return {
    emoji: row?.emoji ?? null,
    availability: row?.availability ?? null,
    message: row?.message ?? null,
    message_html: row?.message ? escapeHtml(row.message) : '',
    clear_status_at: row?.clear_status_at ?? null,
  };
}
