/**
 * The scopes a personal access token may carry (Gitlab::Auth.all_available_scopes): API, repository,
 * registry, runner, observability and AI scopes, then the admin ones.
 */
export const TOKEN_SCOPES = [
  'api',
  'read_api',
  'read_user',
  'create_runner',
  'manage_runner',
  'k8s_proxy',
  'self_rotate',
  'read_repository',
  'write_repository',
  'read_registry',
  'write_registry',
  'read_virtual_registry',
  'write_virtual_registry',
  'read_observability',
  'write_observability',
  'ai_features',
  'sudo',
  'admin_mode',
  'read_service_ping',
] as const;

/** The only scopes `POST /user/personal_access_tokens` grants (doc/api/user_tokens.md). */
export const SELF_SERVICE_SCOPES = ['k8s_proxy', 'self_rotate'] as const;

export const isTokenScope = (s: string) => (TOKEN_SCOPES as readonly string[]).includes(s);

/** Unknown scopes in `scopes`, for callers outside HTTP (the CLI). */
export const unknownScopes = (scopes: readonly string[]) => scopes.filter((s) => !isTokenScope(s));
