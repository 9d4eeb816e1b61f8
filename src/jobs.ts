import type { Deps } from './deps.js';

/** Every background job kind and its handler (explicit wiring, like the resource list). */
export function registerJobs(_deps: Deps): void {
  // Resources add their jobs here, e.g. deps.jobs.register('delete_user', (p) => deleteUserNow(deps, p)).
}
