import type { Selectable } from 'kysely';
import type { Config } from '../../config.js';
import type { MilestonesTable } from '../../db/schema.js';
import { webUrl } from '../../http/urls.js';

export type Milestone = Selectable<MilestonesTable>;

/** Where a milestone lives, for its web_url: the project's or the group's full path. */
export type MilestonePaths = Map<number, string>;

/** lib/api/entities/milestone.rb */
export function toMilestone(
  config: Pick<Config, 'externalUrl'>,
  m: Milestone,
  ownerPath: string,
  today: string,
) {
  return {
    id: m.id,
    iid: m.iid,
    ...(m.project_id !== null ? { project_id: m.project_id } : {}),
    ...(m.group_id !== null ? { group_id: m.group_id } : {}),
    title: m.title,
    description: m.description,
    state: m.state,
    created_at: m.created_at,
    updated_at: m.updated_at,
    due_date: m.due_date,
    start_date: m.start_date,
    expired: m.due_date !== null && m.due_date < today,
    web_url: webUrl(
      config,
      m.project_id !== null
        ? `${ownerPath}/-/milestones/${m.iid}`
        : `groups/${ownerPath}/-/milestones/${m.iid}`,
    ),
  };
}
