import { p } from '../../http/params.js';
import { ACCESS } from '../../permissions/groups.js';
import { ListTokens } from '../personal_access_tokens/params.js';
import { TOKEN_SCOPES } from '../personal_access_tokens/scopes.js';

/** Gitlab::Auth.resource_bot_scopes: what a bot's token may carry (no user, sudo or admin scopes). */
export const RESOURCE_BOT_SCOPES = TOKEN_SCOPES.filter(
  (s) => !['read_user', 'sudo', 'admin_mode', 'read_service_ping'].includes(s),
);

/** Gitlab::Access.options_with_owner */
const ACCESS_LEVELS = [
  ACCESS.GUEST,
  ACCESS.PLANNER,
  ACCESS.REPORTER,
  ACCESS.DEVELOPER,
  ACCESS.MAINTAINER,
  ACCESS.OWNER,
];

const { user_id: _userId, ...accessTokenParams } = ListTokens;

/** GET /:source/:id/access_tokens (`use :access_token_params`). */
export const ListResourceTokens = { id: p.idOrPath().required(), ...accessTokenParams };

export const ResourceTokenId = { id: p.idOrPath().required(), token_id: p.string().required() };

/** POST /:source/:id/access_tokens */
export const CreateResourceToken = {
  id: p.idOrPath().required(),
  name: p.string().required(),
  description: p.string(),
  scopes: p
    .array(p.string(), { commaSeparated: true })
    .check((list) => list.every((s) => (RESOURCE_BOT_SCOPES as readonly string[]).includes(s)))
    .required(),
  expires_at: p.date(),
  access_level: p
    .integer()
    .check((v) => (ACCESS_LEVELS as readonly number[]).includes(v))
    .default(ACCESS.MAINTAINER),
};

export const RotateResourceToken = { ...ResourceTokenId, expires_at: p.date() };
