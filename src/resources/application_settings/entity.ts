import { SECRET_SETTINGS, SETTING_NAMES } from './definitions.js';
import type { SettingsRecord } from './settings.js';

/**
 * lib/api/entities/application_setting.rb: every visible setting, then the old names GitLab keeps
 * exposing for older clients, and the fields it answers with fixed values.
 */
export function toApplicationSetting(record: SettingsRecord): Record<string, unknown> {
  const s = record.settings;
  const out: Record<string, unknown> = { id: 1 };
  for (const name of SETTING_NAMES) if (!SECRET_SETTINGS.includes(name)) out[name] = s[name];
  out.created_at = record.created_at;
  out.updated_at = record.updated_at;
  Object.assign(out, {
    // Old names (lib/api/entities/application_setting.rb keeps them until API v5).
    throttle_unauthenticated_web_enabled: s.throttle_unauthenticated_enabled,
    throttle_unauthenticated_web_period_in_seconds: s.throttle_unauthenticated_period_in_seconds,
    throttle_unauthenticated_web_requests_per_period: s.throttle_unauthenticated_requests_per_period,
    password_authentication_enabled: s.password_authentication_enabled_for_web,
    signin_enabled: s.password_authentication_enabled_for_web,
    allow_local_requests_from_hooks_and_services: s.allow_local_requests_from_web_hooks_and_services,
    asset_proxy_whitelist: s.asset_proxy_allowlist,
    // Deprecated housekeeping fields: always true, or the one period that replaced them.
    housekeeping_bitmaps_enabled: true,
    housekeeping_full_repack_period: s.housekeeping_optimize_repository_period,
    housekeeping_gc_period: s.housekeeping_optimize_repository_period,
    housekeeping_incremental_repack_period: s.housekeeping_optimize_repository_period,
    // Container registry migration columns GitLab nullifies but still answers.
    container_registry_import_max_tags_count: 0,
    container_registry_import_max_retries: 0,
    container_registry_import_start_max_retries: 0,
    container_registry_import_max_step_duration: 0,
    container_registry_pre_import_tags_rate: 0,
    container_registry_pre_import_timeout: 0,
    container_registry_import_timeout: 0,
    container_registry_import_target_plan: '',
    container_registry_import_created_before: '',
  });
  return out;
}
