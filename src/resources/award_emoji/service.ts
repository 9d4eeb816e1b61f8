import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { type Deps, nowIso } from '../../deps.js';
import { notFound } from '../../http/errors.js';
import type { AwardEmoji } from './entity.js';
import { EMOJI_NAMES, THUMBS_UP } from './names.js';

/** What an award hangs on (awardable_type + awardable_id). */
export interface Awardable {
  type: 'Issue' | 'MergeRequest' | 'Note' | 'Snippet';
  id: number;
  /** System notes take no awards. */
  awardable: boolean;
}

/** issues.upvotes_count backs the popularity sort; it moves with every thumbsup, in the same transaction. */
async function bumpUpvotes(db: Db, awardable: Awardable, name: string, delta: number) {
  if (awardable.type !== 'Issue' || name !== THUMBS_UP) return;
  await db
    .updateTable('issues')
    .set({ upvotes_count: sql<number>`upvotes_count + ${delta}` })
    .where('id', '=', awardable.id)
    .execute();
}

/** AwardEmojis::AddService: every refusal is `404 Award Emoji <reason> Not Found` through the API. */
export async function addAward(
  deps: Deps,
  awardable: Awardable,
  user: { id: number },
  name: string,
): Promise<AwardEmoji> {
  if (!awardable.awardable) throw notFound('Award Emoji Awardable cannot be awarded emoji');
  if (!EMOJI_NAMES.has(name)) throw notFound('Award Emoji Name is not a valid emoji name');
  const now = nowIso(deps);
  const taken = () => notFound('Award Emoji Name has already been taken');
  return deps.db
    .transaction()
    .execute(async (trx) => {
      const existing = await trx
        .selectFrom('award_emoji')
        .select('id')
        .where('awardable_type', '=', awardable.type)
        .where('awardable_id', '=', awardable.id)
        .where('user_id', '=', user.id)
        .where('name', '=', name)
        .executeTakeFirst();
      if (existing) throw taken();
      const award = await trx
        .insertInto('award_emoji')
        .values({
          name,
          user_id: user.id,
          awardable_type: awardable.type,
          awardable_id: awardable.id,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await bumpUpvotes(trx, awardable, name, 1);
      return award;
    })
    .catch((err: unknown) => {
      // A concurrent identical award loses on the unique index.
      if (err instanceof Error && /unique|duplicate/i.test(err.message)) throw taken();
      throw err;
    });
}

export async function removeAward(deps: Deps, awardable: Awardable, award: AwardEmoji): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const gone = await trx.deleteFrom('award_emoji').where('id', '=', award.id).executeTakeFirst();
    if (Number(gone.numDeletedRows) > 0) await bumpUpvotes(trx, awardable, award.name, -1);
  });
}
