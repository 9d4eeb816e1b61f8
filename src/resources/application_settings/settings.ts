import { isDeepStrictEqual } from 'node:util';
import type { Db } from '../../db/connection.js';
import { preparedQuery } from '../../db/prepared.js';
import { type Deps, nowIso } from '../../deps.js';
import { validationFailed } from '../../http/errors.js';
import {
  type ApplicationSettings,
  defaultSettings,
  SETTING_DEFS,
  SETTING_NAMES,
  type SettingName,
  VISIBILITIES,
  VISIBILITY_LEVELS,
  type Visibility,
} from './definitions.js';

export type { ApplicationSettings, Visibility } from './definitions.js';

const ROW_ID = 1;
/** Stored beside the changed settings in the row's JSON: when the row was first written. */
const CREATED_AT = 'created_at';

export interface SettingsRecord {
  settings: ApplicationSettings;
  created_at: string;
  updated_at: string;
}

/**
 * The instance settings, for any module that acts on one (visibility defaults, rate limits, the
 * offset limit, …). Read from the database on every call, one primary-key lookup, so several
 * processes agree the moment an admin changes something.
 */
/** Compiled once: the rate limiter reads the settings on every request. */
const settingsRow = preparedQuery(
  (db: Db, id: number) => db.selectFrom('application_settings').select('data').where('id', '=', id),
  [1],
);

export async function readSettings(deps: { db: Db }): Promise<ApplicationSettings> {
  const row = await settingsRow(deps.db, ROW_ID);
  return settingsFromData(row?.data);
}

/** The row's id, for queries that read the settings alongside something else (the token lookup). */
export const SETTINGS_ROW_ID = ROW_ID;

/**
 * The settings from the row's `data` text, read in the same request (no row yet: undefined). The
 * row is read every time (coherence); the 300-field object is rebuilt only when its text changed.
 */
export function settingsFromData(data: string | undefined | null): ApplicationSettings {
  const text = data ?? undefined;
  if (lastRead && lastRead.data === text) return lastRead.settings;
  const settings = Object.freeze(merge(text)) as ApplicationSettings;
  lastRead = { data: text, settings };
  return settings;
}

let lastRead: { data: string | undefined; settings: ApplicationSettings } | null = null;

/** GitLab's branch name for new repositories when the setting is empty. */
export const effectiveDefaultBranch = (settings: Pick<ApplicationSettings, 'default_branch_name'>) =>
  settings.default_branch_name || 'main';

/** The settings with their row's timestamps, creating the row on first use (as GitLab does). */
export async function loadSettingsRecord(deps: Pick<Deps, 'db' | 'clock'>): Promise<SettingsRecord> {
  let row = await selectRow(deps.db);
  if (!row) {
    await insertRow(deps.db, nowIso(deps));
    row = await selectRow(deps.db);
  }
  return toRecord(row!);
}

/**
 * Applies changed settings in one transaction: the row is locked first (an update, which every
 * dialect turns into a row or write lock), so concurrent admins never lose each other's changes.
 * Only values that differ from the defaults are stored.
 */
export async function updateSettings(
  deps: Pick<Deps, 'db' | 'clock'>,
  changes: Partial<Record<SettingName, unknown>>,
): Promise<SettingsRecord> {
  const now = nowIso(deps);
  return deps.db.transaction().execute(async (trx) => {
    await insertRow(trx, now);
    await trx
      .updateTable('application_settings')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('id', '=', ROW_ID)
      .execute();
    const row = (await selectRow(trx))!;
    const stored = parseData(row.data);
    const settings = merge(row.data);
    const values = settings as Record<SettingName, unknown>;
    for (const [name, value] of Object.entries(changes) as Array<[SettingName, unknown]>) {
      const def = SETTING_DEFS[name];
      // gitlab-compat: null for a setting that cannot be null puts back its default (GitLab would
      // store nil and answer a model error or null); labforge never stores an untyped value.
      if (value === null && def.default !== null) values[name] = structuredClone(def.default);
      else values[name] = value === null ? null : def.normalize ? def.normalize(value) : value;
    }
    const errors = validate(settings, changes);
    if (Object.keys(errors).length > 0) throw validationFailed(errors);

    const data: Record<string, unknown> = { [CREATED_AT]: stored[CREATED_AT] ?? row.updated_at };
    for (const name of SETTING_NAMES)
      if (!isDeepStrictEqual(values[name], SETTING_DEFS[name].default)) data[name] = values[name];
    await trx
      .updateTable('application_settings')
      .set({ data: JSON.stringify(data), updated_at: now })
      .where('id', '=', ROW_ID)
      .execute();
    return { settings, created_at: String(data[CREATED_AT]), updated_at: now };
  });
}

// ---- storage --------------------------------------------------------------------------------------

async function selectRow(db: Db) {
  return db
    .selectFrom('application_settings')
    .select(['data', 'updated_at'])
    .where('id', '=', ROW_ID)
    .executeTakeFirst();
}

async function insertRow(db: Db, now: string): Promise<void> {
  await db
    .insertInto('application_settings')
    .values({ id: ROW_ID, data: JSON.stringify({ [CREATED_AT]: now }), updated_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

function parseData(data: string | undefined): Record<string, unknown> {
  if (!data) return {};
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function merge(data: string | undefined): ApplicationSettings {
  const settings = defaultSettings();
  const stored = parseData(data);
  const values = settings as Record<string, unknown>;
  for (const name of SETTING_NAMES) if (name in stored) values[name] = stored[name];
  return settings;
}

function toRecord(row: { data: string; updated_at: string }): SettingsRecord {
  const stored = parseData(row.data);
  const createdAt = typeof stored[CREATED_AT] === 'string' ? stored[CREATED_AT] : row.updated_at;
  return { settings: merge(row.data), created_at: createdAt, updated_at: row.updated_at };
}

// ---- validation (the ApplicationSetting model's rules that labforge enforces) ---------------------

type Errors = Record<string, string[]>;
type Bound = readonly [op: '>=' | '>' | '<=', limit: number];

const BOUNDS: Partial<Record<SettingName, readonly Bound[]>> = {
  default_projects_limit: [
    ['>=', 0],
    ['<=', 2147483647],
  ],
  deletion_adjourned_period: [
    ['>=', 1],
    ['<=', 90],
  ],
  max_attachment_size: [['>', 0]],
  max_artifacts_size: [['>', 0]],
  container_registry_token_expire_delay: [['>=', 1]],
  minimum_password_length: [
    ['>=', 8],
    ['<=', 128],
  ],
  unique_ips_limit_per_user: [['>=', 1]],
  deactivate_dormant_users_period: [['>=', 90]],
  diff_max_files: [
    ['>=', 500],
    ['<=', 3000],
  ],
  diff_max_lines: [
    ['>=', 1000],
    ['<=', 50000],
  ],
};

function boundsFor(name: SettingName): readonly Bound[] {
  const explicit = BOUNDS[name];
  if (explicit) return explicit;
  if (name.endsWith('_key_restriction')) return [];
  // Rate limits: a period and a request count are positive.
  if (/^throttle_.*(_period_in_seconds|_requests_per_period|_per_period)$/.test(name)) return [['>', 0]];
  return [['>=', 0]];
}

const MESSAGES = {
  '>=': (n: number) => `must be greater than or equal to ${n}`,
  '>': (n: number) => `must be greater than ${n}`,
  '<=': (n: number) => `must be less than or equal to ${n}`,
};

function validate(settings: ApplicationSettings, changes: Partial<Record<SettingName, unknown>>): Errors {
  const errors: Errors = {};
  const add = (field: string, message: string) => {
    errors[field] ??= [];
    errors[field].push(message);
  };
  for (const name of Object.keys(changes) as SettingName[]) {
    const value = settings[name];
    if (typeof value !== 'number' || typeof SETTING_DEFS[name].default === 'string') continue;
    for (const [op, limit] of boundsFor(name)) {
      const ok = op === '>=' ? value >= limit : op === '>' ? value > limit : value <= limit;
      if (!ok) add(name, MESSAGES[op](limit));
    }
  }

  if ('restricted_visibility_levels' in changes) {
    const levels: Visibility[] = [];
    for (const raw of settings.restricted_visibility_levels as unknown[]) {
      const level = toVisibility(raw);
      if (level) {
        if (!levels.includes(level)) levels.push(level);
      } else add('restricted_visibility_levels', `'${String(raw)}' is not a valid visibility level`);
    }
    settings.restricted_visibility_levels = levels;
  }
  for (const name of [
    'default_project_visibility',
    'default_group_visibility',
    'default_snippet_visibility',
  ] as const) {
    if (settings.restricted_visibility_levels.includes(settings[name]))
      add(name, 'cannot be set to a restricted visibility level');
  }

  if ('default_branch_name' in changes) {
    if (settings.default_branch_name === '') settings.default_branch_name = null;
    if (settings.default_branch_name !== null && !isValidBranchName(settings.default_branch_name))
      add('default_branch_name', 'is invalid');
  }
  return errors;
}

function toVisibility(raw: unknown): Visibility | null {
  const s = String(raw).trim().toLowerCase();
  if ((VISIBILITIES as readonly string[]).includes(s)) return s as Visibility;
  return VISIBILITY_LEVELS[s] ?? null;
}

/** The rules of `git check-ref-format --branch` that a default branch name could break. */
function isValidBranchName(name: string): boolean {
  if (name.length > 255 || name.startsWith('-') || name.startsWith('/') || name.endsWith('/')) return false;
  if (name.endsWith('.') || name.endsWith('.lock') || name === '@') return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|\/\./.test(name)) return false;
  return !name.split('/').some((part) => part.startsWith('.'));
}
