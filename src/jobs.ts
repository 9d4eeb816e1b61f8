import type { Deps } from './deps.js';
import { deleteGroupNow } from './resources/groups/service.js';
import { deleteProjectNow } from './resources/projects/service.js';

/** Every background job kind and its handler (explicit wiring, like the resource list). */
export function registerJobs(deps: Deps): void {
  deps.jobs.register('delete_group', (p) => deleteGroupNow(deps, p));
  deps.jobs.register('delete_project', (p) => deleteProjectNow(deps, p));
  // Resources add their jobs here, e.g. deps.jobs.register('delete_user', (p) => deleteUserNow(deps, p)).
}
