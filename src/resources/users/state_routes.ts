import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { apiMessage, forbidden } from '../../http/errors.js';
import { p } from '../../http/params.js';
import { authorize } from '../../permissions/index.js';
import { isInternal } from './finder.js';
import { userFromPath } from './lookup.js';
import { setUserState } from './service.js';

/** User::MINIMUM_INACTIVE_DAYS: only users idle this long may be deactivated. */
const MINIMUM_INACTIVE_DAYS = 90;
const BLOCKED_STATES = ['blocked', 'ldap_blocked'];

/**
 * What each state change answers: `true` (201) when it happened, `null` when there was nothing to
 * do, or GitLab's error. The bodies are GitLab's literal answers, so clients see the same thing.
 */
type Transition = (deps: Deps, admin: User, user: User) => Promise<boolean | null>;

function recentlyActive(deps: Deps, user: User): boolean {
  if (!user.last_activity_on) return false;
  const cutoff = new Date(deps.clock.now().getTime() - MINIMUM_INACTIVE_DAYS * 86_400_000);
  return user.last_activity_on > cutoff.toISOString().slice(0, 10);
}

const TRANSITIONS: Record<string, Transition> = {
  // POST /users/:id/block — doc/api/user_moderation.md#block-access-to-a-user
  async block(deps, admin, user) {
    if (user.state === 'ldap_blocked') throw forbidden('LDAP blocked users cannot be modified by the API');
    if (admin.id === user.id) throw forbidden('The API initiating user cannot be blocked by the API');
    if (user.state === 'blocked') return null;
    if (isInternal(user)) throw apiMessage(403, 'An internal user cannot be blocked');
    await setUserState(deps, user, 'blocked');
    return true;
  },
  // POST /users/:id/unblock — doc/api/user_moderation.md#unblock-access-to-a-user
  async unblock(deps, _admin, user) {
    if (user.state === 'ldap_blocked') throw forbidden('LDAP blocked users cannot be unblocked by the API');
    if (user.state === 'deactivated') throw forbidden('Deactivated users cannot be unblocked by the API');
    if (user.state === 'active') return false;
    await setUserState(deps, user, 'active');
    return true;
  },
  // POST /users/:id/activate — doc/api/user_moderation.md#reactivate-a-user
  async activate(deps, _admin, user) {
    if (BLOCKED_STATES.includes(user.state))
      throw forbidden('A blocked user must be unblocked to be activated');
    if (user.state === 'active') return true;
    await setUserState(deps, user, 'active');
    return true;
  },
  // POST /users/:id/deactivate — doc/api/user_moderation.md#deactivate-a-user
  async deactivate(deps, _admin, user) {
    if (user.state === 'deactivated') return null;
    if (BLOCKED_STATES.includes(user.state))
      throw forbidden('A blocked user cannot be deactivated by the API');
    if (isInternal(user)) throw forbidden('An internal user cannot be deactivated by the API');
    if (user.state !== 'active' || recentlyActive(deps, user)) {
      throw forbidden(
        `The user you are trying to deactivate has been active in the past ${MINIMUM_INACTIVE_DAYS} days and cannot be deactivated`,
      );
    }
    await setUserState(deps, user, 'deactivated');
    return true;
  },
  // POST /users/:id/ban — doc/api/user_moderation.md#ban-a-user
  async ban(deps, _admin, user) {
    if (user.state !== 'active') throw apiMessage(403, `You cannot ban ${user.state} users.`);
    await setUserState(deps, user, 'banned');
    return true;
  },
  // POST /users/:id/unban — doc/api/user_moderation.md#unban-a-user
  async unban(deps, _admin, user) {
    if (user.state !== 'banned') throw apiMessage(403, `You cannot unban ${user.state} users.`);
    await setUserState(deps, user, 'active');
    return true;
  },
};

export function userStateResource(app: FastifyInstance, deps: Deps): void {
  for (const [action, transition] of Object.entries(TRANSITIONS)) {
    endpoint(app, deps, {
      method: 'POST',
      url: `/users/:id/${action}`,
      auth: 'admin',
      params: { id: p.string().required() },
      async handler({ user, params, reply }) {
        const target = await userFromPath(deps.db, params.id);
        authorize(user, 'admin_user', target);
        const result = await transition(deps, user, target);
        reply.code(201);
        return result;
      },
    });
  }
}
