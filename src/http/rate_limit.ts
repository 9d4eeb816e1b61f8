import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import { type ApplicationSettings, readSettings } from '../resources/application_settings/settings.js';
import type { User } from './auth.js';
import { ApiError } from './errors.js';

/**
 * API rate limits (C29), GitLab's throttles `throttle_authenticated_api` (per user) and
 * `throttle_unauthenticated_api` (per IP), switched and sized by the application settings.
 * Counters are fixed windows in the database, shared by every process; when both throttles are
 * off (GitLab's default) a request costs only the settings read, which the token lookup does for
 * signed-in callers (`known`).
 */
export async function enforceRateLimit(
  deps: Deps,
  request: FastifyRequest,
  user: User | null,
  known: ApplicationSettings | null = null,
): Promise<void> {
  const settings = known ?? (await readSettings(deps));
  const throttle = user
    ? {
        name: 'throttle_authenticated_api',
        enabled: settings.throttle_authenticated_api_enabled,
        limit: settings.throttle_authenticated_api_requests_per_period,
        period: settings.throttle_authenticated_api_period_in_seconds,
        key: `api:user:${user.id}`,
      }
    : {
        name: 'throttle_unauthenticated_api',
        enabled: settings.throttle_unauthenticated_api_enabled,
        limit: settings.throttle_unauthenticated_api_requests_per_period,
        period: settings.throttle_unauthenticated_api_period_in_seconds,
        key: `api:ip:${request.ip}`,
      };
  if (!throttle.enabled || throttle.period <= 0) return;

  const now = Math.floor(deps.clock.now().getTime() / 1000);
  const windowStart = now - (now % throttle.period);
  const row = await deps.db
    .insertInto('rate_limit_counters')
    .values({ key: throttle.key, window_start: windowStart, count: 1 })
    .onConflict((oc) =>
      oc.columns(['key', 'window_start']).doUpdateSet({ count: sql`rate_limit_counters.count + 1` }),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  // Old windows are swept now and then rather than on every request.
  if (Math.random() < 0.01) {
    await deps.db
      .deleteFrom('rate_limit_counters')
      .where('window_start', '<', now - 2 * throttle.period)
      .execute();
  }
  const observed = Number(row.count);
  if (observed <= throttle.limit) return;

  const retryAfter = throttle.period - (now % throttle.period);
  const reset = now + retryAfter;
  throw new ApiError(
    429,
    { message: 'Retry later' },
    {
      'ratelimit-name': throttle.name,
      // GitLab states the limit per minute.
      'ratelimit-limit': String(Math.ceil((throttle.limit * 60) / throttle.period)),
      'ratelimit-observed': String(observed),
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(reset),
      'ratelimit-resettime': new Date(reset * 1000).toUTCString(),
      'retry-after': String(retryAfter),
    },
    (settings.rate_limiting_response_text ?? '') || 'Retry later\n',
  );
}
