import type { Deps } from '../../deps.js';

export async function deleteProjectNow(_deps: Pick<Deps, 'db'>, _payload: unknown): Promise<void> {}
