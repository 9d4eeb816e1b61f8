import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { toApplicationSetting } from './entity.js';
import { settingChanges, UpdateSettingsParams } from './params.js';
import { loadSettingsRecord, updateSettings } from './settings.js';

export function applicationSettingsResource(app: FastifyInstance, deps: Deps): void {
  // GET /application/settings — doc/api/settings.md
  endpoint(app, deps, {
    method: 'GET',
    url: '/application/settings',
    auth: 'admin',
    handler: async () => toApplicationSetting(await loadSettingsRecord(deps)),
  });

  // PUT /application/settings — doc/api/settings.md
  endpoint(app, deps, {
    method: 'PUT',
    url: '/application/settings',
    auth: 'admin',
    params: UpdateSettingsParams,
    handler: async ({ params }) => toApplicationSetting(await updateSettings(deps, settingChanges(params))),
  });
}
