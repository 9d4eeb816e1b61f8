import type { Config } from '../../config.js';
import { webUrl } from '../../http/urls.js';
import type { Namespace } from '../../permissions/groups.js';

type Cfg = Pick<Config, 'externalUrl'>;

export const namespaceWebUrl = (config: Cfg, n: Namespace) =>
  webUrl(config, n.type === 'User' ? n.full_path : `groups/${n.full_path}`);

/** lib/api/entities/namespace_basic.rb */
export function toNamespaceBasic(config: Cfg, n: Namespace) {
  return {
    id: n.id,
    name: n.name,
    path: n.path,
    kind: n.type === 'User' ? 'user' : 'group',
    full_path: n.full_path,
    parent_id: n.parent_id,
    avatar_url: n.avatar_url,
    web_url: namespaceWebUrl(config, n),
  };
}

/** lib/api/entities/namespace.rb: the member count only for those who administer the group. */
export function toNamespace(config: Cfg, n: Namespace, membersCount: number | undefined) {
  return {
    ...toNamespaceBasic(config, n),
    ...(membersCount !== undefined ? { members_count_with_descendants: membersCount } : {}),
  };
}
