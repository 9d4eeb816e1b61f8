/**
 * GitLab's error bodies and status codes. This file is the only place they are spelled; the
 * comments name the GitLab helper each one reproduces (lib/api/helpers.rb).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
    /** A plain-text body instead of JSON, where GitLab answers text (the 429 of a throttle). */
    readonly text?: string,
  ) {
    super(
      typeof body.message === 'string'
        ? body.message
        : typeof body.error === 'string'
          ? body.error
          : `HTTP ${status}`,
    );
  }
}

/** Grape's `error!('404 Not Found')` for an unknown route (C1). */
export const routeNotFound = () => new ApiError(404, { error: '404 Not Found' });

/** `not_found!(resource)`: "404 Project Not Found"; hidden and missing look the same (C22). */
export const notFound = (resource?: string) =>
  new ApiError(404, { message: resource ? `404 ${resource} Not Found` : '404 Not Found' });

/** Grape's rescue of a record lookup that raised (`Model.find(id)`): note the lower-case "found". */
export const recordNotFound = () => new ApiError(404, { message: '404 Not found' });

/** `unauthorized!` (C18). */
export const unauthorized = () => new ApiError(401, { message: '401 Unauthorized' });

/** The API guard's OAuth 2.0 refusal of a token it cannot use (rack-oauth2's Bearer::Unauthorized). */
export const invalidToken = (description: string) =>
  new ApiError(
    401,
    { error: 'invalid_token', error_description: description },
    {
      'www-authenticate': `Bearer realm="", error="invalid_token", error_description="${description}"`,
    },
  );

/** An impersonation token while the instance has impersonation switched off (C16). */
export const impersonationDisabled = () =>
  invalidToken('Token is an impersonation token but impersonation was disabled.');

/** `forbidden!(reason)` (C22). */
export const forbidden = (reason?: string) =>
  new ApiError(403, { message: reason ? `403 Forbidden - ${reason}` : '403 Forbidden' });

/** An access token without a scope the endpoint needs (C19). */
export const insufficientScope = (scopes: readonly string[]) =>
  new ApiError(403, {
    error: 'insufficient_scope',
    error_description: 'The request requires higher privileges than provided by the access token.',
    scope: scopes.join(' '),
  });

/** Grape's parameter validation: "title is missing, per_page is invalid" (C21, C56). */
export const invalidParams = (messages: readonly string[]) =>
  new ApiError(400, { error: messages.join(', ') });

/** A requirement the endpoint checks itself: `400 (Bad request) "title" not given` (C21). */
export const missingAttribute = (name: string) =>
  new ApiError(400, { message: `400 (Bad request) "${name}" not given` });

/** `bad_request!(reason)`. */
export const badRequest = (reason?: string) =>
  new ApiError(400, { message: reason ? `400 Bad request - ${reason}` : '400 Bad request' });

/** `render_validation_error!`: model errors by attribute, e.g. {"username":["has already been taken"]} (C21). */
export const validationFailed = (errors: Record<string, unknown>) => new ApiError(400, { message: errors });

/** A message-only answer with any status, for the places GitLab renders `{"message": …}` itself. */
export const apiMessage = (status: number, message: unknown) => new ApiError(status, { message });

/** `render_structured_api_error!`: a message with extra top-level fields (cherry-pick's `error_code`). */
export const structuredApiError = (status: number, message: string, extra: Record<string, unknown>) =>
  new ApiError(status, { message, ...extra });

/** `conflict!(message)` (C24). */
export const conflict = (message = '409 Conflict') => new ApiError(409, { message });

/** `unprocessable_entity!(message)` (C28). */
export const unprocessable = (message = '422 Unprocessable Entity') => new ApiError(422, { message });

/** `check_unmodified_since!`: the resource changed after the client's If-Unmodified-Since (C25). */
export const preconditionFailed = () => new ApiError(412, { message: '412 Precondition Failed' });

/** Grape's permanent redirect, as GitLab answers a project addressed by a path it moved away from (C27). */
export const movedPermanently = (location: string) =>
  new ApiError(301, {}, { location }, `This resource has been moved permanently to ${location}`);

/** A write addressed to a moved project's old path: clients must re-address it (C27). */
export const movedProjectWrite = () =>
  new ApiError(405, { message: 'Non GET methods are not allowed for moved projects' });

/** A route that exists for other methods (C23). */
export const methodNotAllowed = () => new ApiError(405, { message: '405 Method Not Allowed' });

/** A request body over the configured limit. */
export const payloadTooLarge = () => new ApiError(413, { message: '413 Request Entity Too Large' });

/** A URL longer than the server accepts (C30). */
export const uriTooLong = () => new ApiError(414, { message: '414 Request-URI Too Large' });

/** The database is busy past its lock timeout (another process holds the write lock): try again (C32). */
export const serviceUnavailable = () =>
  new ApiError(503, { message: '503 Service Unavailable' }, { 'retry-after': '1' });

/** Anything unexpected; never a stack trace or SQL (C31). */
export const internalError = () => new ApiError(500, { message: '500 Internal Server Error' });

/** Grape's answer to a body that is not valid JSON. */
export const malformedBody = () =>
  new ApiError(400, { error: 'message body does not match declared format' });
