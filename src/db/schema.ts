import type { ColumnType, Generated, SqlBool } from 'kysely';

/**
 * Row types. Columns reuse GitLab's field names. Conventions that keep both dialects identical:
 * timestamps are ISO 8601 strings with milliseconds and `Z` (TEXT on SQLite, timestamptz on
 * PostgreSQL, parsed back to the same string); dates are `YYYY-MM-DD`; booleans read as SqlBool
 * (0/1 on SQLite) and are normalized by entities; JSON is stored as text.
 */
export type Timestamp = string;
type Bool = ColumnType<SqlBool, boolean | undefined, boolean>;
type Json = string;
/** Text with a database default of ''. */
type Text = ColumnType<string, string | undefined, string>;

export interface UsersTable {
  id: Generated<number>;
  username: string;
  name: string;
  email: string;
  state: ColumnType<string, string | undefined, string>;
  admin: Bool;
  bot: Bool;
  user_type: ColumnType<string, string | undefined, string>;
  external: Bool;
  locked: Bool;
  private_profile: Bool;
  can_create_group: Bool;
  projects_limit: ColumnType<number, number | undefined, number>;
  password_digest: string | null;
  password_expires_at: Timestamp | null;
  public_email: string | null;
  commit_email: string | null;
  bio: Text;
  location: Text;
  website_url: Text;
  skype: Text;
  linkedin: Text;
  twitter: Text;
  discord: Text;
  github: Text;
  organization: Text;
  job_title: Text;
  pronouns: string | null;
  note: string | null;
  avatar_url: string | null;
  theme_id: ColumnType<number, number | undefined, number>;
  color_scheme_id: ColumnType<number, number | undefined, number>;
  extern_uid: string | null;
  provider: string | null;
  confirmed_at: Timestamp | null;
  last_sign_in_at: Timestamp | null;
  current_sign_in_at: Timestamp | null;
  last_sign_in_ip: string | null;
  current_sign_in_ip: string | null;
  last_activity_on: string | null;
  created_by_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PersonalAccessTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  description: string | null;
  token_digest: string;
  scopes: Json;
  revoked: Bool;
  impersonation: Bool;
  expires_at: string | null;
  last_used_at: Timestamp | null;
  previous_personal_access_token_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface KeysTable {
  id: Generated<number>;
  user_id: number;
  title: string;
  key: string;
  fingerprint: string;
  fingerprint_sha256: string;
  usage_type: ColumnType<string, string | undefined, string>;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EmailsTable {
  id: Generated<number>;
  user_id: number;
  email: string;
  confirmed_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UserStatusesTable {
  user_id: number;
  emoji: string | null;
  message: string | null;
  availability: ColumnType<string, string | undefined, string>;
  clear_status_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface ApplicationSettingsTable {
  id: number;
  /** Only the settings changed from their defaults, as JSON; defaults live in code. */
  data: Json;
  updated_at: Timestamp;
}

export interface BackgroundJobsTable {
  id: Generated<number>;
  queue: string;
  kind: string;
  payload: Json;
  state: ColumnType<string, string | undefined, string>;
  attempts: ColumnType<number, number | undefined, number>;
  run_at: Timestamp;
  locked_at: Timestamp | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface Database {
  users: UsersTable;
  personal_access_tokens: PersonalAccessTokensTable;
  keys: KeysTable;
  emails: EmailsTable;
  user_statuses: UserStatusesTable;
  application_settings: ApplicationSettingsTable;
  background_jobs: BackgroundJobsTable;
}
