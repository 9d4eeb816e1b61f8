import type { Selectable } from 'kysely';
import type { Config } from '../../config.js';
import type { AwardEmojiTable } from '../../db/schema.js';
import type { User } from '../../http/auth.js';
import { toUserBasic } from '../users/entity.js';

export type AwardEmoji = Selectable<AwardEmojiTable>;

/** lib/api/entities/award_emoji.rb */
export function toAwardEmoji(config: Pick<Config, 'externalUrl'>, award: AwardEmoji, user: User | undefined) {
  return {
    id: award.id,
    name: award.name,
    user: user ? toUserBasic(config, user) : null,
    created_at: award.created_at,
    updated_at: award.updated_at,
    awardable_id: award.awardable_id,
    awardable_type: award.awardable_type,
    // gitlab-compat: custom emoji are not supported, so url is always null.
    url: null,
  };
}
