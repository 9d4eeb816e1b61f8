import { paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';

/** lib/api/users.rb, resource :impersonation_tokens */
export const ListImpersonationTokens = {
  user_id: p.integer().required(),
  state: p.string().values(['all', 'active', 'inactive']).default('all'),
  ...paginationParams,
};

/** Scopes are checked by the model (400 with the field's errors), not by Grape's `values:`. */
export const CreateImpersonationToken = {
  user_id: p.integer().required(),
  name: p.string().required(),
  description: p.string(),
  expires_at: p.date(),
  scopes: p.array(p.string(), { commaSeparated: true }),
};

export const ImpersonationTokenId = {
  user_id: p.integer().required(),
  impersonation_token_id: p.integer().required(),
};
