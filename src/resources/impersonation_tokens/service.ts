import type { Deps } from '../../deps.js';
import { validationFailed } from '../../http/errors.js';
import { isTokenScope } from '../personal_access_tokens/scopes.js';
import {
  type CreatedToken,
  createPersonalAccessToken,
  daysFromNow,
  expiryError,
  MAX_LIFETIME_DAYS,
} from '../personal_access_tokens/service.js';

export interface NewImpersonationToken {
  name: string;
  description?: string;
  expires_at?: string;
  scopes?: string[];
}

/**
 * An admin's token acting as `userId` (C16): a personal access token flagged `impersonation`,
 * validated as GitLab's model validates it (400 with each field's errors).
 */
export async function createImpersonationToken(
  deps: Pick<Deps, 'db' | 'clock'>,
  userId: number,
  input: NewImpersonationToken,
): Promise<CreatedToken> {
  const scopes = input.scopes ?? [];
  const expiresAt = input.expires_at ?? daysFromNow(deps, MAX_LIFETIME_DAYS);
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string) => {
    errors[field] = [...(errors[field] ?? []), message];
  };
  if (input.name.trim() === '') add('name', "can't be blank");
  if ((input.description ?? '').length > 255) add('description', 'is too long (maximum is 255 characters)');
  if (scopes.length === 0) add('scopes', "can't be blank");
  else if (!scopes.every(isTokenScope)) add('scopes', 'can only contain available scopes');
  const expiry = expiryError(deps, expiresAt);
  if (expiry) add('expires_at', expiry.replace(/^Expires at /, ''));
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  return createPersonalAccessToken(deps, {
    userId,
    name: input.name,
    description: input.description ?? null,
    scopes,
    expiresAt,
    impersonation: true,
  });
}
