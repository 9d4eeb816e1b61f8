import type { Config } from '../../config.js';
import type { User } from '../../http/auth.js';
import { toUserBasic } from '../users/entity.js';

export interface MemberRow {
  user_id: number;
  access_level: number;
  expires_at: string | null;
  created_at: string;
  created_by_id: number | null;
}

/** lib/api/entities/member.rb: the user's basic fields merged with the membership. */
export function toMember(
  config: Pick<Config, 'externalUrl'>,
  m: MemberRow,
  user: User,
  createdBy: User | null,
) {
  return {
    ...toUserBasic(config, user),
    access_level: m.access_level,
    created_at: m.created_at,
    ...(createdBy ? { created_by: toUserBasic(config, createdBy) } : {}),
    expires_at: m.expires_at,
    group_saml_identity: null,
    membership_state: 'active',
  };
}
