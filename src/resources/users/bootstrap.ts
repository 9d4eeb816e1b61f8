import { randomBytes } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { nowIso } from '../../deps.js';
import { hashPassword } from '../../security/passwords.js';
import { createPersonalAccessToken } from '../personal_access_tokens/service.js';
import { createPersonalNamespace } from './service.js';

export interface BootstrapResult {
  /** True on the start that created root. */
  created: boolean;
  /** root's token, when this start generated it (printed once, never stored in clear). */
  generatedToken: string | null;
}

/**
 * On first start, as on a new GitLab: user 1 is `root`, an admin with email admin@example.com,
 * with LABFORGE_ROOT_PASSWORD and a personal access token (scopes api and sudo). Several processes
 * may start at once: one creates root, the others find it.
 */
export async function bootstrapInstance(deps: Deps): Promise<BootstrapResult> {
  const existing = await deps.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'root')
    .executeTakeFirst();
  if (existing) return { created: false, generatedToken: null };
  const password = deps.config.rootPassword ?? randomBytes(24).toString('base64url');
  const digest = await hashPassword(password);
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const again = await trx
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'root')
        .executeTakeFirst();
      if (again) return { created: false, generatedToken: null };
      const now = nowIso(deps);
      const root = await trx
        .insertInto('users')
        .values({
          username: 'root',
          name: 'Administrator',
          email: 'admin@example.com',
          admin: true,
          password_digest: digest,
          confirmed_at: now,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await createPersonalNamespace(trx, { id: root.id, username: 'root', name: 'Administrator' }, now);
      const created = await createPersonalAccessToken(
        { db: trx, clock: deps.clock },
        {
          userId: root.id,
          name: 'labforge root token',
          scopes: ['api', 'sudo'],
          token: deps.config.rootToken ?? undefined,
        },
      );
      return { created: true, generatedToken: deps.config.rootToken ? null : created.token };
    });
  } catch (err) {
    // Another process created root between our check and our insert.
    const now = await deps.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'root')
      .executeTakeFirst();
    if (now) return { created: false, generatedToken: null };
    throw err;
  }
}
