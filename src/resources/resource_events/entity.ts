import type { Selectable } from 'kysely';
import type { Config } from '../../config.js';
import type {
  ResourceLabelEventsTable,
  ResourceMilestoneEventsTable,
  ResourceStateEventsTable,
} from '../../db/schema.js';
import type { User } from '../../http/auth.js';
import type { Label } from '../labels/entity.js';
import { toLabelBasic } from '../labels/entity.js';
import { toUserBasic } from '../users/entity.js';

export type LabelEvent = Selectable<ResourceLabelEventsTable>;
export type MilestoneEvent = Selectable<ResourceMilestoneEventsTable>;
export type StateEvent = Selectable<ResourceStateEventsTable>;
type AnyEvent = LabelEvent | MilestoneEvent | StateEvent;

/** The fields every resource event starts with. */
export function eventBase(config: Pick<Config, 'externalUrl'>, e: AnyEvent, user: User | undefined) {
  return {
    id: e.id,
    user: user ? toUserBasic(config, user) : null,
    created_at: e.created_at,
    resource_type: e.issue_id !== null ? 'Issue' : 'MergeRequest',
    resource_id: e.issue_id ?? e.merge_request_id,
  };
}

/** lib/api/entities/resource_label_event.rb */
export function toResourceLabelEvent(
  config: Pick<Config, 'externalUrl'>,
  e: LabelEvent,
  user: User | undefined,
  label: Label | undefined,
) {
  return { ...eventBase(config, e, user), label: label ? toLabelBasic(label) : null, action: e.action };
}

/** lib/api/entities/resource_milestone_event.rb */
export function toResourceMilestoneEvent(
  config: Pick<Config, 'externalUrl'>,
  e: MilestoneEvent,
  user: User | undefined,
  milestone: unknown,
) {
  return { ...eventBase(config, e, user), milestone: milestone ?? null, action: e.action, state: e.state };
}

/** lib/api/entities/resource_state_event.rb */
export function toResourceStateEvent(
  config: Pick<Config, 'externalUrl'>,
  e: StateEvent,
  user: User | undefined,
) {
  return { ...eventBase(config, e, user), state: e.state };
}
