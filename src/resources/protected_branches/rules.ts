/**
 * Protected branch and tag rules of a project, loaded once per request or push, and the question
 * "which rules match this ref" (exact names and `*` wildcards, as GitLab's RefMatcher).
 */
import type { Db } from '../../db/connection.js';
import type { RefAccessRule } from '../../permissions/repositories.js';

export interface AccessLevelRow extends RefAccessRule {
  id: number;
  kind: string;
}

export interface ProtectedBranchRule {
  id: number;
  name: string;
  allow_force_push: boolean;
  code_owner_approval_required: boolean;
  push: AccessLevelRow[];
  merge: AccessLevelRow[];
  unprotect: AccessLevelRow[];
}

export interface ProtectedTagRule {
  id: number;
  name: string;
  create: AccessLevelRow[];
}

const regexCache = new Map<string, RegExp>();

/** `release/*` matches `release/1.0` and `release/a/b`; a name without `*` matches itself only. */
export function refMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  let re = regexCache.get(pattern);
  if (!re) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*?');
    re = new RegExp(`^${body}$`);
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re.test(name);
}

export const isWildcard = (name: string) => name.includes('*');

async function accessLevels(db: Db, column: 'protected_branch_id' | 'protected_tag_id', ids: number[]) {
  if (ids.length === 0) return new Map<number, AccessLevelRow[]>();
  const rows = await db
    .selectFrom('protected_ref_access_levels')
    .select(['id', 'kind', 'access_level', 'user_id', 'group_id', 'protected_branch_id', 'protected_tag_id'])
    .where(column, 'in', ids)
    .orderBy('id')
    .execute();
  const by = new Map<number, AccessLevelRow[]>();
  for (const r of rows) {
    const key = r[column]!;
    const list = by.get(key) ?? [];
    list.push({
      id: r.id,
      kind: r.kind,
      access_level: r.access_level,
      user_id: r.user_id,
      group_id: r.group_id,
    });
    by.set(key, list);
  }
  return by;
}

/** Every protected branch rule of a project with its access levels (two queries). */
export async function loadBranchRules(
  db: Db,
  projectId: number,
  opts: { name?: string; limit?: number; offset?: number } = {},
): Promise<ProtectedBranchRule[]> {
  const rows = await db
    .selectFrom('protected_branches')
    .selectAll()
    .where('project_id', '=', projectId)
    .$if(opts.name !== undefined, (q) => q.where('name', '=', opts.name!))
    .orderBy('id')
    .execute();
  return withBranchLevels(db, rows);
}

export async function withBranchLevels(
  db: Db,
  rows: ReadonlyArray<{
    id: number;
    name: string;
    allow_force_push: unknown;
    code_owner_approval_required: unknown;
  }>,
): Promise<ProtectedBranchRule[]> {
  const levels = await accessLevels(
    db,
    'protected_branch_id',
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const all = levels.get(r.id) ?? [];
    return {
      id: r.id,
      name: r.name,
      allow_force_push: Boolean(r.allow_force_push),
      code_owner_approval_required: Boolean(r.code_owner_approval_required),
      push: all.filter((l) => l.kind === 'push'),
      merge: all.filter((l) => l.kind === 'merge'),
      unprotect: all.filter((l) => l.kind === 'unprotect'),
    };
  });
}

export async function loadTagRules(db: Db, projectId: number, name?: string): Promise<ProtectedTagRule[]> {
  const rows = await db
    .selectFrom('protected_tags')
    .selectAll()
    .where('project_id', '=', projectId)
    .$if(name !== undefined, (q) => q.where('name', '=', name!))
    .orderBy('id')
    .execute();
  return withTagLevels(db, rows);
}

export async function withTagLevels(
  db: Db,
  rows: ReadonlyArray<{ id: number; name: string }>,
): Promise<ProtectedTagRule[]> {
  const levels = await accessLevels(
    db,
    'protected_tag_id',
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    create: (levels.get(r.id) ?? []).filter((l) => l.kind === 'create'),
  }));
}

export const matching = <R extends { name: string }>(rules: readonly R[], ref: string) =>
  rules.filter((r) => refMatches(r.name, ref));
