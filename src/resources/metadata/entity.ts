import type { Config } from '../../config.js';

/** The build this server reports as GitLab's `revision` (a commit id on GitLab). */
export const REVISION = 'labforge';

/**
 * lib/api/entities/metadata.rb. labforge runs no agent server for Kubernetes (KAS), so `kas` is
 * disabled and its URLs and version are null, as GitLab answers when KAS is off; it is not
 * Enterprise Edition.
 */
export function toMetadata(config: Pick<Config, 'gitlabVersion'>) {
  return {
    version: config.gitlabVersion,
    revision: REVISION,
    kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null },
    enterprise: false,
  };
}
