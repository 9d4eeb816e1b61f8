import type { Config } from '../../config.js';
import type { RefEntry } from '../../git/index.js';
import { toCommit } from '../commits/entity.js';

type Cfg = Pick<Config, 'externalUrl'>;

/** lib/api/entities/tag.rb */
export function toTag(config: Cfg, projectPath: string, t: RefEntry, isProtected: boolean) {
  return {
    name: t.name,
    message: t.tag ? t.tag.message.replace(/\n$/, '') : '',
    target: t.target,
    commit: t.commit ? toCommit(config, projectPath, t.commit) : null,
    // gitlab-compat: releases are not implemented yet.
    release: null,
    protected: isProtected,
    created_at: t.tag ? t.tag.tagger_date : null,
  };
}
