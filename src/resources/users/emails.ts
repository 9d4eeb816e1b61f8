import { equalsIgnoringCase } from '../../db/text.js';
import type { Deps } from '../../deps.js';
import { nowIso } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { notFound, validationFailed } from '../../http/errors.js';
import type { EmailRow } from './entity.js';
import { checkEmail, type Errors } from './validation.js';

/**
 * Emails::CreateService: a secondary address, unique across every user's primary and secondary
 * addresses. It stays unconfirmed unless an admin skips confirmation.
 */
export async function createEmail(
  deps: Deps,
  user: User,
  email: string,
  confirmed: boolean,
): Promise<EmailRow> {
  const errors: Errors = {};
  checkEmail(errors, 'email', email);
  if (!errors.email) {
    const asPrimary = await deps.db
      .selectFrom('users')
      .select('id')
      .where(equalsIgnoringCase('email', email))
      .executeTakeFirst();
    const asSecondary = await deps.db
      .selectFrom('emails')
      .select('id')
      .where(equalsIgnoringCase('email', email))
      .executeTakeFirst();
    if (asPrimary || asSecondary) errors.email = ['has already been taken'];
  }
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  const now = nowIso(deps);
  try {
    // gitlab-compat: no confirmation mail is sent; an unconfirmed address stays unconfirmed.
    return await deps.db
      .insertInto('emails')
      .values({
        user_id: user.id,
        email,
        confirmed_at: confirmed ? now : null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE')
      throw validationFailed({ email: ['has already been taken'] });
    throw err;
  }
}

/** Emails::DestroyService: a public or commit email that was this address falls back to the default. */
export async function deleteEmail(deps: Deps, user: User, email: EmailRow): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('emails').where('id', '=', email.id).execute();
    const lower = email.email.toLowerCase();
    if (user.public_email?.toLowerCase() === lower)
      await trx.updateTable('users').set({ public_email: '' }).where('id', '=', user.id).execute();
    if (user.commit_email?.toLowerCase() === lower)
      await trx.updateTable('users').set({ commit_email: null }).where('id', '=', user.id).execute();
  });
}

/** The user's secondary addresses, oldest first (as a query, for paginate). */
export const emailsOf = (deps: Deps, owner: User) =>
  deps.db.selectFrom('emails').selectAll().where('user_id', '=', owner.id).orderBy('id', 'asc');

/** One of the user's addresses; another user's address is as missing as a deleted one. */
export async function findEmail(deps: Deps, owner: User, emailId: number): Promise<EmailRow> {
  const email = await emailsOf(deps, owner).where('id', '=', emailId).executeTakeFirst();
  if (!email) throw notFound('Email');
  return email;
}
