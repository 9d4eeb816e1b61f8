import type { AccessLevelRow, ProtectedBranchRule, ProtectedTagRule } from './rules.js';

/** ProtectedRefAccess#humanize */
const DESCRIPTIONS: Record<number, string> = {
  0: 'No one',
  30: 'Developers + Maintainers',
  40: 'Maintainers',
  60: 'Admins',
};

/** lib/api/entities/protected_ref_access.rb (with the id, user_id and group_id the docs show). */
export function toProtectedRefAccess(l: AccessLevelRow) {
  return {
    id: l.id,
    access_level: l.access_level,
    access_level_description:
      l.user_id !== null ? 'User' : l.group_id !== null ? 'Group' : (DESCRIPTIONS[l.access_level ?? 0] ?? ''),
    deploy_key_id: null,
    user_id: l.user_id,
    group_id: l.group_id,
  };
}

/** lib/api/entities/protected_branch.rb */
export function toProtectedBranch(r: ProtectedBranchRule) {
  return {
    id: r.id,
    name: r.name,
    push_access_levels: r.push.map(toProtectedRefAccess),
    merge_access_levels: r.merge.map(toProtectedRefAccess),
    allow_force_push: r.allow_force_push,
    unprotect_access_levels: r.unprotect.map(toProtectedRefAccess),
    code_owner_approval_required: r.code_owner_approval_required,
    inherited: false,
  };
}

/** lib/api/entities/protected_tag.rb */
export function toProtectedTag(r: ProtectedTagRule) {
  return {
    name: r.name,
    create_access_levels: r.create.map(toProtectedRefAccess),
  };
}
