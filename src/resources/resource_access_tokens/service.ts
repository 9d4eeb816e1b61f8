import { randomBytes } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { nowIso } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { badRequest } from '../../http/errors.js';
import type { GroupSubject } from '../../permissions/groups.js';
import { can } from '../../permissions/index.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import type { MemberSource } from '../members/finder.js';
import type { PersonalAccessTokenRow } from '../personal_access_tokens/entity.js';
import {
  type CreatedToken,
  createExpiringToken,
  rotatePersonalAccessToken,
} from '../personal_access_tokens/service.js';

export type TokenSubject = ProjectSubject | GroupSubject;

export const sourceOf = (s: TokenSubject): MemberSource =>
  'project' in s
    ? { type: 'Project', id: s.project.id, namespaceId: s.project.namespace_id }
    : { type: 'Namespace', id: s.group.id, namespaceId: null };

const resourceType = (s: TokenSubject) => ('project' in s ? 'project' : 'group');

/** max_member_access_for_user: administrators hold every level. */
const callerLevel = (actor: User, s: TokenSubject) => (actor.admin ? 50 : s.access);

export interface NewResourceToken {
  name: string;
  description?: string;
  scopes: string[];
  expires_at?: string;
  access_level: number;
}

class TokenRefused extends Error {}

/**
 * ResourceAccessTokens::CreateService (C13): a project_bot user named `<type>_<id>_bot_<hex>`, a
 * member of the project or group at `access_level` until the token expires, and its token — all in
 * one transaction, so a refused token leaves no bot behind. Refusals answer 400 with GitLab's reason.
 */
export async function createResourceAccessToken(
  deps: Deps,
  actor: User,
  subject: TokenSubject,
  input: NewResourceToken,
): Promise<CreatedToken> {
  const type = resourceType(subject);
  if (!can(actor, 'create_resource_access_tokens', subject))
    throw badRequest(`User does not have permission to create ${type} access token`);
  if (!actor.bot && input.access_level > callerLevel(actor, subject))
    throw badRequest('Access level of the token contains permissions not held by the creating user');
  const source = sourceOf(subject);
  const username = `${type}_${source.id}_bot_${randomBytes(16).toString('hex')}`;
  const email = `${username}@noreply.${new URL(deps.config.externalUrl).hostname}`;
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const now = nowIso(deps);
      const bot = await trx
        .insertInto('users')
        .values({
          username,
          name: input.name,
          email,
          bot: true,
          user_type: 'project_bot',
          external: Boolean(actor.external),
          can_create_group: false,
          projects_limit: 0,
          confirmed_at: now,
          created_by_id: actor.id,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const result = await createExpiringToken(
        { db: trx, clock: deps.clock },
        {
          userId: bot.id,
          name: input.name,
          description: input.description ?? null,
          scopes: input.scopes,
          expiresAt: input.expires_at,
        },
      );
      if (!result.ok) throw new TokenRefused(result.message);
      await trx
        .insertInto('members')
        .values({
          source_type: source.type,
          source_id: source.id,
          user_id: bot.id,
          access_level: input.access_level,
          expires_at: result.token.expires_at,
          created_by_id: actor.id,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return result.token;
    });
  } catch (err) {
    if (err instanceof TokenRefused) throw badRequest(err.message);
    throw err;
  }
}

/**
 * ResourceAccessTokens::RevokeService: the token stops working at once.
 * gitlab-compat: the bot user and its membership are kept (GitLab schedules the bot's deletion).
 */
export async function revokeResourceAccessToken(
  deps: Deps,
  actor: User,
  subject: TokenSubject,
  token: PersonalAccessTokenRow,
): Promise<void> {
  if (!can(actor, 'destroy_resource_access_tokens', subject)) {
    const bot = await deps.db
      .selectFrom('users')
      .select('name')
      .where('id', '=', token.user_id)
      .executeTakeFirst();
    throw badRequest(`${actor.name} cannot delete ${bot?.name ?? ''}`);
  }
  await deps.db
    .updateTable('personal_access_tokens')
    .set({ revoked: true, updated_at: nowIso(deps) })
    .where('id', '=', token.id)
    .execute();
}

/**
 * ProjectAccessTokens::RotateService / GroupAccessTokens::RotateService: nobody rotates a token
 * above their own level; the new token (a week unless `expires_at`) extends the bot's membership.
 */
export async function rotateResourceAccessToken(
  deps: Deps,
  actor: User,
  subject: TokenSubject,
  token: PersonalAccessTokenRow,
  botLevel: number | undefined,
  expiresAt: string | undefined,
): Promise<CreatedToken> {
  if (!actor.bot && (botLevel ?? 0) > callerLevel(actor, subject))
    throw badRequest('Not eligible to rotate token with access level higher than the user');
  const result = await rotatePersonalAccessToken(deps, token, expiresAt);
  if (!result.ok) throw badRequest(result.message);
  const source = sourceOf(subject);
  await deps.db
    .updateTable('members')
    .set({ expires_at: result.token.expires_at, updated_at: nowIso(deps) })
    .where('source_type', '=', source.type)
    .where('source_id', '=', source.id)
    .where('user_id', '=', token.user_id)
    .execute();
  return result.token;
}
