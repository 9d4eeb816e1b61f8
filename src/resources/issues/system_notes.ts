import type { Label } from '../labels/entity.js';
import type { Milestone } from '../milestones/entity.js';

/** The bodies of GitLab's system notes (SystemNotes::IssuablesService), in its words. */

const plural = (n: number, word: string) => (n === 1 ? word : `${word}s`);
const refs = (labels: readonly Label[]) => labels.map((l) => `~${l.id}`).join(' ');

export function labelsNote(added: readonly Label[], removed: readonly Label[]): string | null {
  const parts: string[] = [];
  if (added.length) parts.push(`added ${refs(added)} ${plural(added.length, 'label')}`);
  if (removed.length) parts.push(`removed ${refs(removed)} ${plural(removed.length, 'label')}`);
  return parts.length ? parts.join(' and ') : null;
}

const mentions = (names: readonly string[]) =>
  names.length <= 1
    ? names.map((n) => `@${n}`).join('')
    : `${names
        .slice(0, -1)
        .map((n) => `@${n}`)
        .join(', ')} and @${names[names.length - 1]}`;

export function assigneesNote(added: readonly string[], removed: readonly string[]): string | null {
  const parts: string[] = [];
  if (added.length) parts.push(`assigned to ${mentions(added)}`);
  if (removed.length) parts.push(`unassigned ${mentions(removed)}`);
  return parts.length ? parts.join(' and ') : null;
}

export const milestoneNote = (m: Milestone | null, previous: Milestone | null) =>
  m
    ? `changed milestone to %${m.project_id !== null ? m.iid : `"${m.title}"`}`
    : `removed milestone %${previous && previous.project_id !== null ? previous.iid : `"${previous?.title ?? ''}"`}`;

// gitlab-compat: GitLab marks the changed words inline ({-old-}/{+new+}); the whole titles are shown here.
export const titleNote = (from: string, to: string) => `changed title from **${from}** to **${to}**`;

export const stateNote = (state: 'closed' | 'reopened') => state;

export const confidentialNote = (on: boolean) =>
  on ? 'made the issue confidential' : 'made the issue visible to everyone';

export const lockNote = (on: boolean, noun = 'issue') =>
  `${on ? 'locked' : 'unlocked'} the discussion in this ${noun}`;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export const dueDateNote = (date: string | null) => {
  if (!date) return 'removed due date';
  const [y, m, d] = date.split('-').map(Number);
  return `changed due date to ${MONTHS[m! - 1]} ${d}, ${y}`;
};

export const descriptionNote = () => 'changed the description';
