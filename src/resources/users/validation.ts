import { TOP_LEVEL_RESERVED } from '../namespaces/validation.js';

/**
 * The User model's validations, answered as GitLab's render_validation_error! answers them:
 * {"message":{"password":["is too short (minimum is 8 characters)"]}} (C21).
 */
export type Errors = Record<string, string[]>;

export function addError(errors: Errors, field: string, message: string): void {
  const list = errors[field] ?? [];
  list.push(message);
  errors[field] = list;
}

/** Devise.email_regexp */
export const EMAIL_FORMAT = /^[^@\s]+@[^@\s]+$/;

/** Gitlab::PathRegex.namespace_format_regex: no leading '-', no trailing '.', '.git' or '.atom'. */
const USERNAME_FORMAT = /^[a-zA-Z0-9_.][a-zA-Z0-9_\-.]*$/;
const USERNAME_FORMAT_MESSAGE =
  "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-' or end in '.', '.git' or '.atom'.";

/** Passwords GitLab refuses outright (a sample of config/weak_password_digests.yml's source list). */
const WEAK_PASSWORDS = new Set([
  '12345678',
  '123456789',
  '1234567890',
  '11111111',
  '00000000',
  'password',
  'password1',
  'password123',
  'passw0rd',
  'qwertyui',
  'qwerty123',
  'qwertyuiop',
  'iloveyou',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'welcome1',
  'abc12345',
  'abcd1234',
  'letmein1',
  'trustno1',
  'gitlab123',
  'gitlabgitlab',
]);

const MAX_STRING = 255;

export function checkUsername(errors: Errors, username: string): void {
  if (username === '') {
    addError(errors, 'username', "can't be blank");
    return;
  }
  if (username.length > MAX_STRING) addError(errors, 'username', 'is too long (maximum is 255 characters)');
  if (!USERNAME_FORMAT.test(username) || /(\.|\.git|\.atom)$/i.test(username))
    addError(errors, 'username', USERNAME_FORMAT_MESSAGE);
  if (TOP_LEVEL_RESERVED.has(username.toLowerCase()))
    addError(errors, 'username', `${username} is a reserved name`);
}

export function checkName(errors: Errors, name: string | null): void {
  // An explicit JSON null is blank, as Rails validates it.
  if (name === null || name.trim() === '') {
    addError(errors, 'name', "can't be blank");
    return;
  }
  if (name.length > MAX_STRING) addError(errors, 'name', 'is too long (maximum is 255 characters)');
}

export function checkEmail(errors: Errors, field: string, email: string): void {
  if (email === '') addError(errors, field, "can't be blank");
  else if (!EMAIL_FORMAT.test(email)) addError(errors, field, 'is invalid');
}

/** Devise's length rule (8..128) and GitLab's refusal of well-known passwords. */
export function checkPassword(errors: Errors, password: string): void {
  if (password === '') {
    addError(errors, 'password', "can't be blank");
    return;
  }
  if (password.length < 8) addError(errors, 'password', 'is too short (minimum is 8 characters)');
  if (password.length > 128) addError(errors, 'password', 'is too long (maximum is 128 characters)');
  if (WEAK_PASSWORDS.has(password.toLowerCase()))
    addError(errors, 'password', 'must not contain commonly used combinations of words and letters');
}

/** Profile texts: bio and the rest are limited to 255 characters. */
export function checkLength(
  errors: Errors,
  field: string,
  value: string | null | undefined,
  max = MAX_STRING,
): void {
  if (value && value.length > max) addError(errors, field, `is too long (maximum is ${max} characters)`);
}

export function checkProjectsLimit(errors: Errors, limit: number | undefined): void {
  if (limit === undefined) return;
  if (limit < 0) addError(errors, 'projects_limit', 'must be greater than or equal to 0');
  if (limit > 2_147_483_647) addError(errors, 'projects_limit', 'must be less than or equal to 2147483647');
}
