/**
 * Typed failures of the git layer. Callers map them to GitLab's HTTP errors; nothing here knows
 * about HTTP.
 */
export class GitError extends Error {
  override name = 'GitError';
}

/** A user value git could have read as an option, or that cannot be passed safely at all. */
export class InvalidArgumentError extends GitError {
  override name = 'InvalidArgumentError';
  constructor(
    readonly argument: string,
    reason: string,
  ) {
    super(`invalid git argument (${reason})`);
  }
}

/** A ref name that `git check-ref-format` (or our stricter rules) refuses. */
export class InvalidRefNameError extends GitError {
  override name = 'InvalidRefNameError';
  constructor(readonly ref: string) {
    super('invalid reference name');
  }
}

/** git exited with a status the caller did not expect. stderr is kept short and never holds secrets. */
export class GitCommandError extends GitError {
  override name = 'GitCommandError';
  constructor(
    readonly subcommand: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${subcommand} failed (exit ${exitCode}): ${stderr.slice(0, 500)}`);
  }
}

export class GitTimeoutError extends GitError {
  override name = 'GitTimeoutError';
  constructor(
    readonly subcommand: string,
    readonly timeoutMs: number,
  ) {
    super(`git ${subcommand} timed out after ${timeoutMs} ms`);
  }
}

export class GitOutputTooLargeError extends GitError {
  override name = 'GitOutputTooLargeError';
  constructor(
    readonly subcommand: string,
    readonly limit: number,
  ) {
    super(`git ${subcommand} produced more than ${limit} bytes`);
  }
}

/** A revision, object or path that does not exist. */
export class NotFoundError extends GitError {
  override name = 'NotFoundError';
  constructor(readonly what: string) {
    super(`${what} not found`);
  }
}

/** A compare-and-swap ref update lost: the ref no longer had the expected old value. */
export class RefConflictError extends GitError {
  override name = 'RefConflictError';
  constructor(readonly ref: string) {
    super(`reference ${ref} was changed concurrently`);
  }
}

/** A file action that cannot apply (create over an existing file, update of a missing one, …). */
export class CommitActionError extends GitError {
  override name = 'CommitActionError';
  constructor(
    readonly action: string,
    readonly path: string,
    readonly reason: 'exists' | 'missing' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}
