import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Config } from '../../config.js';
import type { EmailsTable, KeysTable, UserStatusesTable } from '../../db/schema.js';
import type { User } from '../../http/auth.js';
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

/** Without an uploaded avatar GitLab shows the Gravatar of the primary email. */
export function avatarUrl(user: Pick<User, 'avatar_url' | 'email'>): string {
  if (user.avatar_url) return user.avatar_url;
  const hash = createHash('sha256').update(user.email.trim().toLowerCase()).digest('hex');
  return `https://www.gravatar.com/avatar/${hash}?s=80&d=identicon`;
}

/** lib/api/entities/user_safe.rb */
export function toUserSafe(user: User) {
  return { id: user.id, username: user.username, name: user.name };
}

/** lib/api/entities/user_basic.rb */
export function toUserBasic(config: Pick<Config, 'externalUrl'>, user: User) {
  return {
    ...toUserSafe(user),
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

/** lib/api/entities/user.rb: profile details, some only when the profile is visible to the viewer. */
export function toUser(p: Presenter, user: User) {
  const profile = can(p.viewer, 'read_user_profile', user);
  return {
    ...toUserBasic(p.config, user),
    ...(profile ? { created_at: user.created_at } : {}),
    bio: user.bio,
    location: user.location,
    public_email: user.public_email ?? '',
    skype: user.skype,
    linkedin: user.linkedin,
    twitter: user.twitter,
    discord: user.discord,
    website_url: user.website_url,
    organization: user.organization,
    job_title: user.job_title,
    pronouns: user.pronouns,
    bot: Boolean(user.bot),
    work_information: workInformation(user),
    // gitlab-compat: following users is not implemented; counts are always 0.
    ...(profile ? { followers: 0, following: 0 } : {}),
    ...(profile && p.viewer ? { is_followed: false } : {}),
    // gitlab-compat: users have no time zone yet, so local_time is null.
    local_time: null,
  };
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
export function toUserPublic(p: Presenter, user: User) {
  return {
    ...toUser(p, user),
    last_sign_in_at: user.last_sign_in_at,
    confirmed_at: user.confirmed_at,
    last_activity_on: user.last_activity_on,
    email: user.email,
    theme_id: user.theme_id,
    color_scheme_id: user.color_scheme_id,
    projects_limit: user.projects_limit,
    current_sign_in_at: user.current_sign_in_at,
    identities: identities(user),
    can_create_group: Boolean(user.can_create_group),
    can_create_project: user.projects_limit > 0 && !user.external,
    // gitlab-compat: two-factor authentication is not implemented.
    two_factor_enabled: false,
    external: Boolean(user.external),
    private_profile: Boolean(user.private_profile),
    commit_email: commitEmail(p.config, user),
  };
}

/** lib/api/entities/user_with_admin.rb */
export function toUserWithAdmin(p: Presenter, user: User) {
  const creator = user.created_by_id === null ? undefined : p.relations.creators.get(user.created_by_id);
  return {
    ...toUserPublic(p, user),
    is_admin: Boolean(user.admin),
    note: user.note,
    namespace_id: p.relations.namespaceIds.get(user.id) ?? null,
    created_by: creator ? toUserBasic(p.config, creator) : null,
    email_reset_offered_at: null,
  };
}

/** lib/api/entities/user_details_with_admin.rb */
export function toUserDetailsWithAdmin(p: Presenter, user: User, highestRole: number) {
  return {
    ...toUserWithAdmin(p, user),
    highest_role: highestRole,
    current_sign_in_ip: user.current_sign_in_ip,
    last_sign_in_ip: user.last_sign_in_ip,
    // gitlab-compat: web sign-ins are not counted.
    sign_in_count: 0,
  };
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

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** lib/api/entities/user_status.rb; a user without a status answers every field empty. */
export function toUserStatus(row: UserStatusRow | undefined) {
  // gitlab-compat: message_html is the escaped message; emoji shortcodes in it are not turned into <gl-emoji>.
  return {
    emoji: row?.emoji ?? null,
    availability: row?.availability ?? null,
    message: row?.message ?? null,
    message_html: row?.message ? row.message.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!) : '',
    clear_status_at: row?.clear_status_at ?? null,
  };
}
