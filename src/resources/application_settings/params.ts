import { invalidParams } from '../../http/errors.js';
import type { Params, Shape } from '../../http/params.js';
import {
  PUT_ALIASES,
  REQUIRED_WHEN_ENABLED,
  SETTING_DEFS,
  SETTING_NAMES,
  type SettingName,
} from './definitions.js';

/** PUT /application/settings: every setting, under its name and its old names. */
export const UpdateSettingsParams: Shape = Object.fromEntries([
  ...SETTING_NAMES.map((name) => [name, SETTING_DEFS[name].param] as const),
  ...Object.entries(PUT_ALIASES).map(([alias, name]) => [alias, SETTING_DEFS[name].param] as const),
]);

const DECLARED = Object.keys(UpdateSettingsParams);

/**
 * The checks Grape runs after types and values: at least one setting (`at_least_one_of`), and
 * the settings another one needs when it is switched on (`given … requires`). Then the old names
 * are folded into the new ones. Answers the changes to apply, by setting name.
 */
export function settingChanges(params: Params): Partial<Record<SettingName, unknown>> {
  // gitlab-compat: Grape names the parameters in its own declaration order; ours are alphabetical.
  const given = DECLARED.filter((name) => params[name] !== undefined);
  if (given.length === 0)
    throw invalidParams([`${DECLARED.join(', ')} are missing, at least one parameter must be provided`]);
  const missing: string[] = [];
  for (const [trigger, needs] of REQUIRED_WHEN_ENABLED) {
    if (params[trigger] !== true) continue;
    for (const need of needs)
      if (params[need] === undefined && !missing.includes(need)) missing.push(`${need} is missing`);
  }
  if (missing.length > 0) throw invalidParams(missing);

  const changes: Partial<Record<SettingName, unknown>> = {};
  for (const [alias, name] of Object.entries(PUT_ALIASES))
    if (params[alias] !== undefined) changes[name] = params[alias];
  for (const name of SETTING_NAMES) if (params[name] !== undefined) changes[name] = params[name];
  return changes;
}
