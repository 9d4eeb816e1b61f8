import type { Config } from '../../config.js';
import type { User } from '../../http/auth.js';
import { webUrl } from '../../http/urls.js';

/** lib/api/entities/user_basic.rb (provisional: the users issue completes every field). */
export function toUserBasic(config: Pick<Config, 'externalUrl'>, user: User) {
  return {
    id: user.id,
    username: user.username,
    public_email: user.public_email ?? '',
    name: user.name,
    state: user.state,
    locked: Boolean(user.locked),
    avatar_url: user.avatar_url,
    web_url: webUrl(config, user.username),
  };
}
