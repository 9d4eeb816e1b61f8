import type { Config } from '../../config.js';
import type { RefEntry } from '../../git/index.js';
import { webUrl } from '../../http/urls.js';
import { toCommit } from '../commits/entity.js';

type Cfg = Pick<Config, 'externalUrl'>;

/** What a branch entity needs besides the ref, decided for the whole list first. */
export interface BranchFacts {
  merged: boolean;
  protected: boolean;
  developersCanPush: boolean;
  developersCanMerge: boolean;
  canPush: boolean;
  isDefault: boolean;
}

/** lib/api/entities/branch.rb */
export function toBranch(config: Cfg, projectPath: string, b: RefEntry, f: BranchFacts) {
  return {
    name: b.name,
    commit: b.commit ? toCommit(config, projectPath, b.commit) : null,
    merged: f.merged,
    protected: f.protected,
    developers_can_push: f.developersCanPush,
    developers_can_merge: f.developersCanMerge,
    can_push: f.canPush,
    default: f.isDefault,
    web_url: webUrl(config, `${projectPath}/-/tree/${b.name}`),
  };
}
