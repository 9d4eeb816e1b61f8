/**
 * Name and path rules for groups and projects (Gitlab::PathRegex and the namespace/project
 * validators). Messages are GitLab's, keyed by attribute as render_validation_error! answers them.
 */

const PATH = /^[a-zA-Z0-9_.][a-zA-Z0-9_\-.]*$/;
export const PATH_MESSAGE =
  "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'";
export const GROUP_NAME_MESSAGE =
  "can contain only letters, digits, emoji, '_', '.', dash, space, parenthesis. It must start with letter, digit, emoji or '_'.";
export const PROJECT_NAME_MESSAGE =
  "can contain only letters, digits, emoji, '_', '.', '+', dashes, or spaces. It must start with a letter, digit, emoji, or '_'.";

const GROUP_NAME = /^[\p{L}\p{N}\u{00A9}-\u{1f9ff}_][\p{L}\p{N}\p{Pd}\u{00A9}-\u{1f9ff}_. ()]*$/u;
const PROJECT_NAME = /^[\p{L}\p{N}\u{00A9}-\u{1f9ff}_][\p{L}\p{N}\p{Pd}\u{002B}\u{00A9}-\u{1f9ff}_. ]*$/u;

/**
 * Top-level routes of the web app (doc/user/reserved_names.md, "Reserved group names"). Users and
 * top-level groups share one namespace, so this one list serves usernames and group paths alike.
 */
export const TOP_LEVEL_RESERVED: ReadonlySet<string> = new Set([
  '-',
  '.well-known',
  '404.html',
  '422.html',
  '500.html',
  '502.html',
  '503.html',
  'admin',
  'api',
  'apple-touch-icon-precomposed.png',
  'apple-touch-icon.png',
  'assets',
  'dashboard',
  'deploy.html',
  'explore',
  'favicon.ico',
  'favicon.png',
  'files',
  'groups',
  'health_check',
  'help',
  'import',
  'jwt',
  'login',
  'oauth',
  'profile',
  'projects',
  'public',
  'robots.txt',
  's',
  'search',
  'sitemap',
  'sitemap.xml',
  'sitemap.xml.gz',
  'slash-command-logo.png',
  'snippets',
  'unsubscribes',
  'uploads',
  'users',
  'v2',
]);
/** Routes below a namespace: no project or subgroup may take them. */
const WILDCARD_RESERVED = new Set([
  '-',
  'badges',
  'blame',
  'blob',
  'builds',
  'commits',
  'create',
  'create_dir',
  'edit',
  'files',
  'find_file',
  'new',
  'preview',
  'raw',
  'refs',
  'tree',
  'update',
  'wikis',
]);

export type Errors = Record<string, string[]>;

function add(errors: Errors, field: string, message: string): void {
  const list = errors[field] ?? [];
  list.push(message);
  errors[field] = list;
}

export function checkPath(errors: Errors, path: string, opts: { topLevel: boolean }): void {
  if (path.length === 0) {
    add(errors, 'path', "can't be blank");
    return;
  }
  if (path.length > 255) add(errors, 'path', 'is too long (maximum is 255 characters)');
  if (!PATH.test(path) || /\.(git|atom)$/i.test(path) || path === '.' || path === '..')
    add(errors, 'path', PATH_MESSAGE);
  else if ((opts.topLevel ? TOP_LEVEL_RESERVED : WILDCARD_RESERVED).has(path.toLowerCase()))
    add(errors, 'path', `${path} is a reserved name`);
}

export function checkName(errors: Errors, name: string, kind: 'group' | 'project'): void {
  if (name.trim().length === 0) {
    add(errors, 'name', "can't be blank");
    return;
  }
  if (name.length > 255) add(errors, 'name', 'is too long (maximum is 255 characters)');
  const ok = kind === 'group' ? GROUP_NAME.test(name) : PROJECT_NAME.test(name);
  if (!ok) add(errors, 'name', kind === 'group' ? GROUP_NAME_MESSAGE : PROJECT_NAME_MESSAGE);
}

/** GitLab derives a missing path from the name ("My Project" → "my-project"). */
export function pathFromName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .replace(/-{2,}/g, '-');
}

export function nameFromPath(path: string): string {
  return path;
}

export { add as addError };
